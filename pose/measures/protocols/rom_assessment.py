"""The ``rom_assessment`` protocol: one measurement of a joint's best active range of motion.

For therapists who measure instead of counting: the patient moves the joint as far as they can
(once or a few times) and the figure is the **best range held for a short time**: the largest
angle the joint stayed at or above for :attr:`RomAssessment.hold_seconds` (0.5 s) without a
break, i.e. the maximum over the clip of the running minimum over that window. A single-frame
spike (a keypoint jumping for one frame) cannot make the figure; a real end-range held half a
second does. Angles are :mod:`pose.measures.angles`' (goniometric: 0 = neutral), 2D, so valid
only from the camera view the catalog names (the trust grading marks another view ``check``).

``side``: ``left``, ``right`` or ``best`` (the side with the larger range; its name is in the
outcome's norm). The norm is the typical adult active range (``norm_table.typical``, AAOS
values as tabulated by Norkin & White, Measurement of Joint Motion, 5th ed. 2016; source in the
catalog); the interpretation gives the figure as a share of it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from pose.measures.cleaning import sample_rate
from pose.measures.protocols.base import (
    Chart,
    ChartLevel,
    ChartSeries,
    Protocol,
    ProtocolError,
    ProtocolMeasures,
    TrackSeries,
)
from pose.measures.rounding import rounded
from pose.result import Measures, Outcome, Summary

SIDES = ("left", "right", "best")
JOINT_KEYPOINTS = {
    "shoulder_flexion": ("shoulder", "elbow", "hip"),
    "shoulder_abduction": ("shoulder", "elbow", "hip"),
    "elbow_flexion": ("shoulder", "elbow", "wrist"),
    "hip_flexion": ("shoulder", "hip", "knee"),
    "knee_flexion": ("hip", "knee", "ankle"),
}


@dataclass(frozen=True)
class RomAssessment:
    joint: str
    side: str = "best"
    hold_seconds: float = 0.5  # the range must be held this long to count
    norm_table: dict[str, Any] | None = field(default=None, hash=False)
    age: float | None = None  # accepted for every clinical test; the ROM norm is not by age
    sex: str | None = None
    min_seconds: float = 2.0
    needs_whole_body: bool = False

    name = "rom_assessment"

    def __post_init__(self) -> None:
        if self.joint not in JOINT_KEYPOINTS:
            raise ProtocolError(
                f"joint must be one of {tuple(JOINT_KEYPOINTS)}, got {self.joint!r}"
            )
        if self.side not in SIDES:
            raise ProtocolError(f"side must be one of {SIDES}, got {self.side!r}")
        if self.hold_seconds <= 0:
            raise ProtocolError("hold_seconds must be positive")

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        sides = ("left", "right") if self.side == "best" else (self.side,)
        return tuple(f"{s}_{p}" for s in sides for p in JOINT_KEYPOINTS[self.joint])

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


def held_range(angle: np.ndarray, t: np.ndarray, hold_seconds: float) -> tuple[float, float] | None:
    """The largest angle held for ``hold_seconds`` (max over windows of the window's minimum)
    and the time its window starts; None if no window of known angles is that long."""
    n = max(1, int(round(hold_seconds * sample_rate(t))))
    if len(angle) < n:
        return None
    windows = np.lib.stride_tricks.sliding_window_view(angle, n)
    known = np.isfinite(windows).all(axis=1)
    if not known.any():
        return None
    lows = np.where(known, np.nanmin(np.where(np.isfinite(windows), windows, np.inf), axis=1), -1)
    best = int(np.argmax(lows))
    return float(lows[best]), float(t[best])


FIGURE_MEASURES = {"degrees": "test", "outcome": "test"}


def measure(params: RomAssessment, data: TrackSeries) -> ProtocolMeasures:
    sides = ("left", "right") if params.side == "best" else (params.side,)
    found = {
        s: held_range(data.angles[f"{s}_{params.joint}"], data.timestamps, params.hold_seconds)
        for s in sides
    }
    found = {s: v for s, v in found.items() if v is not None}
    verdicts: dict[str, tuple[str, str]] = {}
    side, degrees, at = None, None, None
    if found:
        side = max(found, key=lambda s: found[s][0])
        degrees, at = found[side]
    else:
        verdicts["test"] = (
            "unreliable",
            f"The {params.joint.replace('_', ' ')} was never seen for "
            f"{params.hold_seconds:g} s in a row; record again with the limb in view.",
        )
    table = params.norm_table or {}
    typical = table.get("typical")
    norm: dict[str, Any] = {}
    sentence = None
    if table:
        norm = {"typical": typical, "unit": "°", "source": table.get("source")}
    if side:
        norm["side"] = side
    if degrees is not None:
        sentence = f"{degrees:.0f}° ({side} side, held {params.hold_seconds:g} s)"
        if typical:
            sentence += f": {100 * degrees / typical:.0f} % of the typical {typical:g}°."
        else:
            sentence += "."
    outcome = Outcome(
        test=f"{params.joint}_rom",
        completed=degrees is not None,
        degrees=rounded(degrees, 1),
        norm=norm,
        interpretation=sentence,
    )
    return ProtocolMeasures(
        summary=Summary(
            measure="degrees",
            trusted=True,
            figures={"degrees": rounded(degrees, 1), "at_seconds": rounded(at, 2)},
        ),
        primary_angle=f"{side or sides[0]}_{params.joint}",
        outcome=outcome,
        angle_measures={"test": params.joint},
        trust=verdicts,
    )


def units(params: RomAssessment) -> dict[str, str]:
    return {"degrees": "degrees", "at_seconds": "s"}


def chart(measures: Measures) -> Chart:
    name = measures.primary_angle or ""
    series = (ChartSeries("angles", name, name, "degrees"),) if name in measures.angles else ()
    outcome = measures.outcome
    levels = ()
    if outcome is not None and outcome.degrees is not None:
        levels = (ChartLevel(outcome.degrees, "best range held"),)
    return Chart(
        title=f"{measures.exercise}: "
        + ((outcome.interpretation or "not measured") if outcome else "not measured"),
        y_label="degrees (0 = neutral)",
        series=series,
        levels=levels,
    )


def summary_line(measures: Measures) -> str:
    outcome = measures.outcome
    if outcome is None or outcome.degrees is None:
        return "range of motion: not measured"
    return f"{outcome.test}: {outcome.degrees} degrees"


def live_config(params: dict[str, Any], hold_seconds: float | None = None) -> dict[str, Any]:
    """The live page shows the angle; there is nothing to count and no timer."""
    made = PROTOCOL.make(params)
    return {
        "joint": made.joint,
        "side": "both" if made.side == "best" else made.side,
        "direction": "increase",
        "enter": None,
        "exit": None,
        "minRange": 20,
        "needsWholeBody": False,
        "targetSeconds": None,
    }


PROTOCOL = Protocol(
    name=RomAssessment.name,
    params=RomAssessment,
    measure=measure,
    units=units,
    chart=chart,
    summary_line=summary_line,
    live_config=live_config,
    param_choices={"joint": tuple(JOINT_KEYPOINTS), "side": SIDES, "sex": ("female", "male")},
    figure_measures=FIGURE_MEASURES,
)
