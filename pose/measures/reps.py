"""Repetition counting: hysteresis on one measure, then per-repetition figures.

**Counting** (the same state machine runs live in the browser, ``static/js/reps.js``).
The measure is first oriented so that moving away from rest increases it (``direction =
"decrease"`` flips its sign). Three thresholds, ``exit < attempt < enter`` in that orientation:

- at rest, passing ``enter`` starts a repetition; passing only ``attempt`` starts an attempt;
- an attempt that passes ``enter`` becomes a repetition;
- a repetition is **counted** when the measure comes back past ``exit``;
- an attempt that comes back past ``exit`` without reaching ``enter`` is a **partial**
  repetition (reason ``"did not reach the threshold"``);
- a repetition or attempt still open when the clip ends is partial (reason
  ``"clip ended mid-repetition"``). Partials are listed, never counted.
- Frames where the measure is unknown (NaN) leave the state unchanged.

**Sides**: one side, the mean of both (``both``), the better side (``best``), or
``alternating``: counted as ``both``, each repetition then names its leading leg
(:func:`label_leading_side`, e.g. a lunge's front leg) and the summary counts per leg.

**Thresholds**: the protocol's ``enter`` / ``exit`` when the prescription gives them; otherwise
adapted to the clip: with ``lo`` and ``hi`` the 5th and 95th percentiles of the oriented measure
and ``R = hi - lo``, ``exit = lo + 0.3 R``, ``enter = lo + 0.6 R``. If ``R`` is below the
protocol's ``min_range`` the person did not exercise and nothing is counted. In both cases
``attempt = exit + (enter - exit) / 3``.

**Per repetition** (times in seconds from the clip start, angles in the measure's unit):
``start`` = last frame before the movement where the measure is within 10 % of the
repetition's range of its resting value; ``end`` = first frame after the peak back within 10 %
of the following resting value; ``peak_angle`` = the extreme value reached; ``range_of_motion``
= |peak - start value|; ``duration`` = end - start. Tempo: the *outward* phase lasts from
``start`` until the measure first comes within 10 % of the peak, the *return* phase from when it
last leaves that band until ``end`` (a pause at the top counts in neither); the protocol says
whether outward is concentric (raising the arms, standing up) or eccentric (lowering into a
squat).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the protocol module imports this one
    from pose.measures.protocols.reps_on_angle import RepsOnAngle

ADAPTIVE_LOW_PERCENTILE = 5
ADAPTIVE_HIGH_PERCENTILE = 95
ADAPTIVE_ENTER_FRACTION = 0.6
ADAPTIVE_EXIT_FRACTION = 0.3
BAND_FRACTION = 0.1
REASON_SHALLOW = "did not reach the threshold"
REASON_CLIP_ENDED = "clip ended mid-repetition"


@dataclass(frozen=True)
class Thresholds:
    """Hysteresis thresholds in the measure's own unit and orientation."""

    enter: float
    exit: float
    attempt: float
    sign: float  # +1 when movement increases the measure, -1 when it decreases it


@dataclass(frozen=True)
class Excursion:
    """One movement away from rest found by :func:`hysteresis`: frame indices, inclusive."""

    rise: int  # first frame past ``attempt`` (or ``enter``)
    back: int  # frame where it came back past ``exit``, or the last frame if it never did
    counted: bool
    reason: str | None = None


@dataclass(frozen=True)
class Rep:
    index: int
    side: str
    start: float
    end: float
    peak_time: float
    peak_angle: float
    start_angle: float
    range_of_motion: float
    duration: float
    concentric_seconds: float
    eccentric_seconds: float
    reason: str | None = None


@dataclass
class RepResult:
    count: int
    items: list[Rep] = field(default_factory=list)
    partial: list[Rep] = field(default_factory=list)
    thresholds: Thresholds | None = None
    side: str = "both"
    series: np.ndarray | None = None
    timestamps: np.ndarray | None = None


def thresholds_for(series: np.ndarray, protocol: RepsOnAngle) -> Thresholds | None:
    """The protocol's thresholds, or ones adapted to the clip; None when there was no movement."""
    sign = 1.0 if protocol.direction == "increase" else -1.0
    if protocol.enter is not None and protocol.exit is not None:
        enter, exit_ = protocol.enter, protocol.exit
    else:
        oriented = sign * series[np.isfinite(series)]
        if oriented.size == 0:
            return None
        lo = float(np.percentile(oriented, ADAPTIVE_LOW_PERCENTILE))
        hi = float(np.percentile(oriented, ADAPTIVE_HIGH_PERCENTILE))
        if hi - lo < protocol.min_range:
            return None
        enter = sign * (lo + ADAPTIVE_ENTER_FRACTION * (hi - lo))
        exit_ = sign * (lo + ADAPTIVE_EXIT_FRACTION * (hi - lo))
    return Thresholds(enter=enter, exit=exit_, attempt=exit_ + (enter - exit_) / 3.0, sign=sign)


def hysteresis(series: np.ndarray, thresholds: Thresholds) -> list[Excursion]:
    """The counting state machine (module docstring); NaN frames change nothing."""
    s = thresholds.sign
    enter, exit_, attempt = s * thresholds.enter, s * thresholds.exit, s * thresholds.attempt
    state, rise = "rest", -1
    found: list[Excursion] = []
    for i, raw in enumerate(series):
        if not np.isfinite(raw):
            continue
        v = s * raw
        if state == "rest":
            if v >= attempt:
                state, rise = ("rep" if v >= enter else "attempt"), i
        elif state == "attempt" and v >= enter:
            state = "rep"
        elif v <= exit_:
            found.append(
                Excursion(rise, i, state == "rep", None if state == "rep" else REASON_SHALLOW)
            )
            state = "rest"
    if state != "rest":
        found.append(Excursion(rise, len(series) - 1, False, REASON_CLIP_ENDED))
    return found


def count_reps(
    series: np.ndarray, timestamps: np.ndarray, protocol: RepsOnAngle, side: str
) -> RepResult:
    """Count repetitions on one series (already cleaned) and describe each one."""
    thresholds = thresholds_for(series, protocol)
    if thresholds is None:
        return RepResult(count=0, side=side, series=series, timestamps=timestamps)
    excursions = hysteresis(series, thresholds)
    oriented = thresholds.sign * series
    items: list[Rep] = []
    partial: list[Rep] = []
    for k, exc in enumerate(excursions):
        rest_before = excursions[k - 1].back if k else 0
        rest_after = excursions[k + 1].rise if k + 1 < len(excursions) else len(series) - 1
        rep = _describe(
            oriented,
            series,
            timestamps,
            exc,
            rest_before,
            rest_after,
            protocol,
            side,
            index=len(items) + 1 if exc.counted else len(partial) + 1,
        )
        (items if exc.counted else partial).append(rep)
    return RepResult(
        count=len(items),
        items=items,
        partial=partial,
        thresholds=thresholds,
        side=side,
        series=series,
        timestamps=timestamps,
    )


def _describe(
    oriented: np.ndarray,
    series: np.ndarray,
    t: np.ndarray,
    exc: Excursion,
    rest_before: int,
    rest_after: int,
    protocol: RepsOnAngle,
    side: str,
    index: int,
) -> Rep:
    peak = exc.rise + int(np.nanargmax(oriented[exc.rise : exc.back + 1]))
    top = oriented[peak]
    base_before = float(np.nanmin(oriented[rest_before : exc.rise + 1]))
    band = BAND_FRACTION * (top - base_before)
    before = np.arange(rest_before, exc.rise + 1)
    start = int(_last(before, oriented[before] <= base_before + band, default=exc.rise))
    if exc.reason == REASON_CLIP_ENDED:
        end = len(oriented) - 1
        leave = end
    else:
        after = np.arange(peak, max(rest_after, exc.back) + 1)
        base_after = float(np.nanmin(oriented[after]))
        band_after = BAND_FRACTION * (top - base_after)
        end = int(_first(after, oriented[after] <= base_after + band_after, default=exc.back))
        leave_range = np.arange(peak, end + 1)
        leave = int(_last(leave_range, oriented[leave_range] >= top - band_after, default=peak))
    rise_range = np.arange(start, peak + 1)
    reach = int(_first(rise_range, oriented[rise_range] >= top - band, default=peak))
    outward, inward = float(t[reach] - t[start]), float(t[end] - t[leave])
    concentric, eccentric = (
        (outward, inward) if protocol.outward_phase == "concentric" else (inward, outward)
    )
    return Rep(
        index=index,
        side=side,
        start=float(t[start]),
        end=float(t[end]),
        peak_time=float(t[peak]),
        peak_angle=float(series[peak]),
        start_angle=float(series[start]),
        range_of_motion=float(abs(series[peak] - series[start])),
        duration=float(t[end] - t[start]),
        concentric_seconds=concentric,
        eccentric_seconds=eccentric,
        reason=exc.reason,
    )


def _first(indices: np.ndarray, mask: np.ndarray, default: int) -> int:
    hits = indices[np.asarray(mask, dtype=bool)]
    return int(hits[0]) if hits.size else default


def _last(indices: np.ndarray, mask: np.ndarray, default: int) -> int:
    hits = indices[np.asarray(mask, dtype=bool)]
    return int(hits[-1]) if hits.size else default


def side_series(series: dict[str, np.ndarray], joint: str, side: str) -> np.ndarray:
    """The measure for one side, or for ``both`` the per-frame mean of the visible sides."""
    if side in ("left", "right"):
        return series[f"{side}_{joint}"]
    pair = np.stack([series[f"left_{joint}"], series[f"right_{joint}"]])
    count = np.isfinite(pair).sum(axis=0)
    return np.where(count > 0, np.nansum(pair, axis=0) / np.maximum(count, 1), np.nan)


def count_for_protocol(
    series: dict[str, np.ndarray], timestamps: np.ndarray, protocol: RepsOnAngle
) -> RepResult:
    """Apply the protocol's side rule: one side, both sides averaged, or the better side.

    ``best`` counts each side separately and keeps the side with more counted repetitions
    (ties: larger mean range of motion, then left). ``alternating`` counts on the mean of both
    sides, as ``both``, and names each repetition's leading side (:func:`label_leading_side`).
    """
    if protocol.side == "alternating":
        result = count_reps(
            side_series(series, protocol.joint, "both"), timestamps, protocol, "both"
        )
        return label_leading_side(result, series)
    if protocol.side != "best":
        return count_reps(
            side_series(series, protocol.joint, protocol.side), timestamps, protocol, protocol.side
        )
    results = [
        count_reps(side_series(series, protocol.joint, s), timestamps, protocol, s)
        for s in ("left", "right")
    ]
    return max(results, key=lambda r: (r.count, _mean_rom(r)))


def _mean_rom(result: RepResult) -> float:
    return float(np.mean([r.range_of_motion for r in result.items])) if result.items else 0.0


LEAD_MEASURE = "hip_flexion"
"""What tells the leading (front, working) leg of a lunge: the thigh further forward of the trunk.

At the bottom of a lunge the front thigh is near horizontal (hip flexion about 80-100 degrees)
while the back thigh lies in line with the trunk or behind it (hip extension, which the unsigned
angle reads as 0-30 degrees): the gap is several times the 2D angle's noise in any view that sees
the legs, side or oblique, and it does not depend on which way the person faces."""


def label_leading_side(result: RepResult, series: dict[str, np.ndarray]) -> RepResult:
    """Name each repetition's (and partial's) leading side: the side whose :data:`LEAD_MEASURE`
    is larger, on average, over the repetition's frames past its ``exit`` threshold (the bottom
    of the lunge). A repetition where neither side was seen keeps ``both``."""
    if result.thresholds is None or result.series is None:
        return replace(result, side="alternating")
    th = result.thresholds
    oriented = th.sign * result.series
    left, right = series[f"left_{LEAD_MEASURE}"], series[f"right_{LEAD_MEASURE}"]
    times = result.timestamps

    def leading(rep: Rep) -> str:
        frames = (times >= rep.start) & (times <= rep.end) & (oriented >= th.sign * th.exit)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a side never seen: NaN
            lead = np.nanmean(left[frames]) - np.nanmean(right[frames])
        return "both" if not np.isfinite(lead) else ("left" if lead > 0 else "right")

    return replace(
        result,
        items=[replace(r, side=leading(r)) for r in result.items],
        partial=[replace(r, side=leading(r)) for r in result.partial],
        side="alternating",
    )


def side_counts(result: RepResult) -> dict[str, int]:
    """Counted repetitions per leading side (``alternating`` results)."""
    return {s: sum(r.side == s for r in result.items) for s in ("left", "right")}
