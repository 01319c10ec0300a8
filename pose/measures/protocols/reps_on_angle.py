"""The ``reps_on_angle`` protocol: repetitions counted with hysteresis on one measure.

The measure is a joint angle (degrees, :mod:`pose.measures.angles`) or a height such as
``ankle_rise`` or ``body_rise`` (% of torso length); the counting itself is
:mod:`pose.measures.reps`. The result's ``reps`` lists every repetition; its summary gives the
count, the best and mean peak, range of motion and tempo.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pose.measures.angles import (
    ANGLE_JOINTS,
    HEIGHT_MEASURES,
    ON_DEMAND_HEIGHTS,
    WHOLE_BODY_MEASURES,
    on_demand_height,
)
from pose.measures.cleaning import sample_rate
from pose.measures.protocols.base import (
    Chart,
    ChartLevel,
    ChartPoint,
    ChartSeries,
    ChartSpan,
    Protocol,
    ProtocolError,
    ProtocolMeasures,
    TrackSeries,
)
from pose.measures.reps import (
    Rep,
    RepResult,
    count_for_protocol,
    count_reps,
    side_counts,
    side_series,
)
from pose.measures.rounding import rounded
from pose.result import Measures, Repetition, Repetitions, RepThresholds, Summary

REP_SIDES = ("left", "right", "both", "best", "alternating")
DIRECTIONS = ("increase", "decrease")
OUTWARD_PHASES = ("concentric", "eccentric")
NO_MOVEMENT_NOTE = "no movement large enough to count was seen"

_JOINT_KEYPOINTS = {
    "knee_flexion": ("hip", "knee", "ankle"),
    "hip_flexion": ("shoulder", "hip", "knee"),
    "shoulder_abduction": ("shoulder", "elbow", "hip"),
    "shoulder_flexion": ("shoulder", "elbow", "hip"),
    "elbow_flexion": ("shoulder", "elbow", "wrist"),
    "ankle_rise": ("ankle", "shoulder", "hip"),
    "ankle_height": ("ankle", "shoulder", "hip"),
    "knee_height": ("knee", "shoulder", "hip"),
    # The body's rise is a median over many keypoints; the legs must be seen to anchor it.
    "body_rise": ("hip", "knee", "ankle"),
    # The hips' rise needs only the hips (the torso length that scales it is the clip's median).
    "hip_rise": ("hip",),
}


@dataclass(frozen=True)
class RepsOnAngle:
    """Repetitions on one measure.

    ``joint``: measure without side prefix (``knee_flexion``, ``ankle_rise``...).
    ``side``: ``left``/``right`` (that side only), ``both`` (the per-frame mean of the two sides:
    for bilateral movements), ``best`` (count each side, keep the one with more repetitions) or
    ``alternating`` (count on the mean of both sides and name each repetition's leading leg, e.g.
    the front leg of a lunge: :func:`pose.measures.reps.label_leading_side`; the summary adds
    ``left_count`` and ``right_count``).
    A whole-body measure (``body_rise``: one series, both sides in it) takes only ``both``.
    ``direction``: ``increase`` when the movement raises the measure from rest (squat knee
    flexion), ``decrease`` when it lowers it (sit-to-stand: seated 90 deg -> standing 0 deg).
    ``enter`` / ``exit``: thresholds in the measure's unit; ``None`` adapts them to the clip
    (see :func:`pose.measures.reps.thresholds_for`). ``min_range``: smallest movement (same unit) that
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
        if self.joint in WHOLE_BODY_MEASURES and self.side != "both":
            raise ProtocolError(
                f"{self.joint} is one series for the whole body: side must be 'both', "
                f"got {self.side!r}"
            )
        if self.direction not in DIRECTIONS:
            raise ProtocolError("direction must be 'increase' or 'decrease'")
        if self.outward_phase not in OUTWARD_PHASES:
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
        return ("left", "right") if self.side in ("both", "best", "alternating") else (self.side,)

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        parts = _JOINT_KEYPOINTS[self.joint]
        return tuple(f"{s}_{p}" for s in self.series_sides for p in parts)

    @property
    def unit(self) -> str:
        """The measure's unit: degrees for an angle, % of torso length for a height."""
        return "% torso" if self.joint in HEIGHT_MEASURES else "degrees"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


def reps_on_angle(joint: str, **params: Any) -> RepsOnAngle:
    """A repetition protocol on ``joint`` (e.g. ``reps_on_angle(joint="knee_flexion")``)."""
    return PROTOCOL.make({"joint": joint, **params})


def measure(params: RepsOnAngle, data: TrackSeries) -> ProtocolMeasures:
    """Count on the protocol's side(s) (scoring withholds what its trust grading finds
    unreliable)."""
    series = {**data.angles, **data.heights}
    derived = {}
    if params.joint in ON_DEMAND_HEIGHTS:
        series[params.joint] = derived[params.joint] = on_demand_height(data.xy, params.joint)
    if params.joint in WHOLE_BODY_MEASURES:  # already one series: count it as it is
        reps = count_reps(series[params.joint], data.timestamps, params, "both")
        primary = params.joint
    else:
        if params.side in ("both", "alternating"):
            derived[f"mean_{params.joint}"] = side_series(series, params.joint, "both")
        reps = count_for_protocol(series, data.timestamps, params)
        mean = reps.side in ("both", "alternating")
        primary = f"{'mean' if mean else reps.side}_{params.joint}"
    is_angle = params.joint in ANGLE_JOINTS
    verdicts = {}
    fps = sample_rate(data.timestamps)
    if fps < MIN_TEMPO_FPS:
        verdicts["tempo"] = (
            "check",
            f"The clip has only {fps:.0f} frames a second, so durations are approximate.",
        )
    return ProtocolMeasures(
        primary_angle=primary,
        reps=_repetitions(reps),
        summary=summary(reps, primary),
        angles=derived if is_angle else {},
        heights={} if is_angle else derived,
        angle_measures={"range": params.joint} if is_angle else {},
        position_measures=() if is_angle else ("count", "range", "tempo"),
        trust=verdicts,
    )


# Which measure each summary figure belongs to (pose.measures.trust grades them).
FIGURE_MEASURES = {
    "count": "count",
    "partial_count": "count",
    "peak_angle": "range",
    "mean_peak_angle": "range",
    "range_of_motion": "range",
    "mean_range_of_motion": "range",
    "mean_duration": "tempo",
    "mean_concentric_seconds": "tempo",
    "mean_eccentric_seconds": "tempo",
    "left_count": "count",
    "right_count": "count",
}
MIN_TEMPO_FPS = 15.0  # below this a repetition's phases span too few frames to time


def _repetition(rep: Rep) -> Repetition:
    return Repetition(
        index=rep.index,
        side=rep.side,
        **{k: rounded(getattr(rep, k), 3) for k in ("start", "end", "peak_time")},
        **{
            k: rounded(getattr(rep, k), 1) for k in ("peak_angle", "start_angle", "range_of_motion")
        },
        **{
            k: rounded(getattr(rep, k), 3)
            for k in ("duration", "concentric_seconds", "eccentric_seconds")
        },
        reason=rep.reason,
    )


def _repetitions(reps: RepResult) -> Repetitions:
    th = reps.thresholds
    return Repetitions(
        count=reps.count,
        items=[_repetition(r) for r in reps.items],
        partial=[_repetition(r) for r in reps.partial],
        thresholds=RepThresholds(enter=rounded(th.enter, 1), exit=rounded(th.exit, 1))
        if th
        else None,
        side=reps.side,
        note=None if th else NO_MOVEMENT_NOTE,
    )


def summary(reps: RepResult, primary: str) -> Summary:
    """Count, partial count, best and mean peak and range, mean duration and tempo."""
    items = reps.items
    sign = reps.thresholds.sign if reps.thresholds else 1.0

    def mean(key: str) -> float | None:
        return float(np.mean([getattr(r, key) for r in items])) if items else None

    best = max(items, key=lambda r: sign * r.peak_angle) if items else None
    per_side = (
        {f"{s}_count": n for s, n in side_counts(reps).items()}
        if reps.side == "alternating"
        else {}
    )
    return Summary(
        measure=primary,
        trusted=True,  # graded by scoring (pose.measures.trust)
        figures={
            "count": reps.count,
            "partial_count": len(reps.partial),
            "peak_angle": rounded(best.peak_angle, 1) if best else None,
            "mean_peak_angle": rounded(mean("peak_angle"), 1),
            "range_of_motion": rounded(max(r.range_of_motion for r in items), 1) if items else None,
            "mean_range_of_motion": rounded(mean("range_of_motion"), 1),
            "mean_duration": rounded(mean("duration"), 3),
            "mean_concentric_seconds": rounded(mean("concentric_seconds"), 3),
            "mean_eccentric_seconds": rounded(mean("eccentric_seconds"), 3),
            **per_side,
        },
    )


def units(params: RepsOnAngle) -> dict[str, str]:
    """The unit of each summary figure (angles in the measure's own unit)."""
    unit = params.unit
    return {
        "count": "repetitions",
        "partial_count": "repetitions",
        "peak_angle": unit,
        "mean_peak_angle": unit,
        "range_of_motion": unit,
        "mean_range_of_motion": unit,
        "mean_duration": "s",
        "mean_concentric_seconds": "s",
        "mean_eccentric_seconds": "s",
        **(
            {"left_count": "repetitions", "right_count": "repetitions"}
            if params.side == "alternating"
            else {}
        ),
    }


def chart(measures: Measures) -> Chart:
    """The counted measure over time, repetitions shaded (partial ones in orange), peaks marked,
    thresholds drawn."""
    name = measures.primary_angle or "(none)"
    group = "heights" if name in measures.heights else "angles"
    unit = "% torso" if group == "heights" else "degrees"
    reps = measures.reps
    spans: list[ChartSpan] = []
    points: list[ChartPoint] = []
    levels: list[ChartLevel] = []
    if reps is not None:
        spans += [ChartSpan(r.start, r.end, "good") for r in reps.items if _timed(r)]
        spans += [ChartSpan(r.start, r.end, "attention") for r in reps.partial if _timed(r)]
        points += [
            ChartPoint(r.peak_time, r.peak_angle)
            for r in reps.items
            if r.peak_time is not None and r.peak_angle is not None
        ]
        th = reps.thresholds
        for key, style in (("enter", "dashed"), ("exit", "dotted")):
            value = getattr(th, key) if th else None
            if value is not None:
                levels.append(ChartLevel(value, f"{key} {value:g}", style))
    count = reps.count if reps else None
    partial = len(reps.partial) if reps else 0
    return Chart(
        title=f"{measures.exercise}: {count} repetitions ({partial} partial, orange)",
        y_label=f"{name} ({unit})",
        series=(ChartSeries(group, name, name, unit),) if measures.primary_angle else (),
        spans=tuple(spans),
        points=tuple(points),
        levels=tuple(levels),
    )


def _timed(rep: Repetition) -> bool:
    return rep.start is not None and rep.end is not None


def summary_line(measures: Measures) -> str:
    reps = measures.reps
    if reps is None:
        return "repetitions: not measured"
    line = f"repetitions: {reps.count} counted, {len(reps.partial)} partial"
    if reps.side == "alternating":
        legs = {s: sum(r.side == s for r in reps.items) for s in ("left", "right")}
        line += f" (left {legs['left']}, right {legs['right']})"
    return line


def live_config(params: dict[str, Any], hold_seconds: float | None = None) -> dict[str, Any]:
    """What the live page counts with: the same thresholds and side rule, in the browser."""
    p = PROTOCOL.make(params)
    return {
        "joint": p.joint,
        "side": p.side,
        "direction": p.direction,
        "enter": p.enter,
        "exit": p.exit,
        "minRange": p.min_range,
        "needsWholeBody": bool(p.needs_whole_body),
        "targetSeconds": hold_seconds,  # a hold at the end of each repetition, if prescribed
    }


PROTOCOL = Protocol(
    name=RepsOnAngle.name,
    params=RepsOnAngle,
    measure=measure,
    units=units,
    chart=chart,
    summary_line=summary_line,
    live_config=live_config,
    param_choices={
        "joint": (*ANGLE_JOINTS, *HEIGHT_MEASURES),
        "side": REP_SIDES,
        "direction": DIRECTIONS,
        "outward_phase": OUTWARD_PHASES,
    },
    figure_measures=FIGURE_MEASURES,
)
