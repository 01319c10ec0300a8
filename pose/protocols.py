"""Measurement protocols: how an exercise is measured, independent of which exercise it is.

Two protocols exist; the clinical catalog (``exercises/catalog.json``) names one per exercise
with its parameters, and :func:`make_protocol` builds it.

- :func:`reps_on_angle`: count repetitions with hysteresis on one measure (an angle from
  :mod:`pose.angles`, or a height such as ``ankle_rise``), see :mod:`pose.reps`.
- :func:`hold_balance`: time a static stance and measure sway, see :mod:`pose.balance`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from pose.angles import ANGLE_JOINTS, HEIGHT_MEASURES
from pose.errors import PoseError

REP_SIDES = ("left", "right", "both", "best")
STANCES = ("single_leg", "tandem", "feet_together")

_JOINT_KEYPOINTS = {
    "knee_flexion": ("hip", "knee", "ankle"),
    "hip_flexion": ("shoulder", "hip", "knee"),
    "shoulder_abduction": ("shoulder", "elbow", "hip"),
    "shoulder_flexion": ("shoulder", "elbow", "hip"),
    "elbow_flexion": ("shoulder", "elbow", "wrist"),
    "ankle_rise": ("ankle", "shoulder", "hip"),
    "ankle_height": ("ankle", "shoulder", "hip"),
    "knee_height": ("knee", "shoulder", "hip"),
}


class ProtocolError(PoseError, ValueError):
    """A protocol name or parameter the engine does not know."""


@dataclass(frozen=True)
class RepsOnAngle:
    """Repetitions on one measure.

    ``joint``: measure without side prefix (``knee_flexion``, ``ankle_rise``...).
    ``side``: ``left``/``right`` (that side only), ``both`` (the per-frame mean of the two sides:
    for bilateral movements) or ``best`` (count each side, keep the one with more repetitions).
    ``direction``: ``increase`` when the movement raises the measure from rest (squat knee
    flexion), ``decrease`` when it lowers it (sit-to-stand: seated 90 deg -> standing 0 deg).
    ``enter`` / ``exit``: thresholds in the measure's unit; ``None`` adapts them to the clip
    (see :func:`pose.reps.thresholds_for`). ``min_range``: smallest movement (same unit) that
    counts as exercising at all when adapting. ``min_seconds``: shorter clips are flagged.
    ``outward_phase``: whether moving away from rest is the ``concentric`` phase (raising the
    arms, standing up) or the ``eccentric`` one (lowering into a squat); tempo uses it.
    """

    joint: str
    side: str = "both"
    direction: str = "increase"
    enter: float | None = None
    exit: float | None = None
    min_range: float = 20.0
    min_seconds: float = 2.0
    needs_whole_body: bool = False
    outward_phase: str = "concentric"

    name = "reps_on_angle"

    def __post_init__(self) -> None:
        if self.joint not in (*ANGLE_JOINTS, *HEIGHT_MEASURES):
            raise ProtocolError(f"unknown joint measure {self.joint!r}")
        if self.side not in REP_SIDES:
            raise ProtocolError(f"side must be one of {REP_SIDES}, got {self.side!r}")
        if self.direction not in ("increase", "decrease"):
            raise ProtocolError("direction must be 'increase' or 'decrease'")
        if self.outward_phase not in ("concentric", "eccentric"):
            raise ProtocolError("outward_phase must be 'concentric' or 'eccentric'")
        if (self.enter is None) != (self.exit is None):
            raise ProtocolError("give both 'enter' and 'exit' thresholds, or neither")
        if self.enter is not None and self.exit is not None:
            rising = self.direction == "increase"
            if (self.enter <= self.exit) if rising else (self.enter >= self.exit):
                raise ProtocolError(
                    "'enter' must lie beyond 'exit' in the direction of movement "
                    f"({self.direction}): enter={self.enter}, exit={self.exit}"
                )

    @property
    def series_sides(self) -> tuple[str, ...]:
        return ("left", "right") if self.side in ("both", "best") else (self.side,)

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        parts = _JOINT_KEYPOINTS[self.joint]
        return tuple(f"{s}_{p}" for s in self.series_sides for p in parts)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


@dataclass(frozen=True)
class HoldBalance:
    """A timed static stance (see :mod:`pose.balance` for every threshold's meaning).

    Lengths are in torso lengths (shoulder midpoint to hip midpoint), angles in degrees.
    """

    stance: str
    target_seconds: float = 10.0
    lifted: str = "either"  # single_leg: which foot is lifted ("left", "right", "either")
    lift_on: float = 0.12  # lifted ankle this far above the stance ankle = foot off the floor
    touch: float = 0.05  # ...and back below this = foot down
    max_ankle_gap: float = 0.3  # tandem / feet together: ankles at most this far apart (x)
    foot_move: float = 0.15  # stance ankle moving this far from where it started = lost
    max_trunk_lean: float = 30.0
    max_hand_reach: float = 0.9  # a wrist this far from the body's midline = reaching out
    settle_seconds: float = 0.2  # the stance must hold this long to count as begun
    loss_seconds: float = 0.1  # a loss condition must last this long to end the hold
    min_seconds: float = 2.0
    needs_whole_body: bool = True

    name = "hold_balance"

    def __post_init__(self) -> None:
        if self.stance not in STANCES:
            raise ProtocolError(f"stance must be one of {STANCES}, got {self.stance!r}")
        if self.lifted not in ("left", "right", "either"):
            raise ProtocolError("lifted must be 'left', 'right' or 'either'")
        if not 0 < self.touch < self.lift_on:
            raise ProtocolError("need 0 < touch < lift_on")
        if self.target_seconds <= 0:
            raise ProtocolError("target_seconds must be positive")

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        return tuple(
            f"{s}_{p}" for s in ("left", "right") for p in ("shoulder", "hip", "knee", "ankle")
        )

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


Protocol = RepsOnAngle | HoldBalance


def reps_on_angle(joint: str, **params: Any) -> RepsOnAngle:
    """A repetition protocol on ``joint`` (e.g. ``reps_on_angle(joint="knee_flexion")``)."""
    return _build(RepsOnAngle, {"joint": joint, **params})


def hold_balance(stance: str, **params: Any) -> HoldBalance:
    """A balance-hold protocol (e.g. ``hold_balance(stance="single_leg", target_seconds=30)``)."""
    return _build(HoldBalance, {"stance": stance, **params})


PROTOCOLS = {"reps_on_angle": reps_on_angle, "hold_balance": hold_balance}


def make_protocol(name: str, params: dict[str, Any]) -> Protocol:
    """The protocol called ``name`` with ``params`` (as stored in the catalog)."""
    if name not in PROTOCOLS:
        raise ProtocolError(f"unknown protocol {name!r}; known: {', '.join(PROTOCOLS)}")
    return PROTOCOLS[name](**params)


def _build(cls: type, params: dict[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ProtocolError(
            f"unknown parameter(s) {', '.join(unknown)} for {cls.name}; known: {', '.join(sorted(known))}"
        )
    return cls(**params)
