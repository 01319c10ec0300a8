"""Static balance: when the stance began, when and why it was lost, sway, and a 0-100 score.

All lengths are in **torso lengths** (the clip's median shoulder-midpoint to hip-midpoint
distance), so results do not depend on how far the person stood from the camera. Image y is
down. Thresholds come from the :class:`~pose.measures.protocols.hold_balance.HoldBalance` protocol.

**Hold time** runs from the moment the stance begins to the moment it is lost, not from the
clip start:

- *single-leg*: begins at the moment the lifted foot left the floor; the lifted foot is the
  one whose ankle rose past ``lift_on`` above the stance ankle and stayed there
  ``settle_seconds`` (or the one the protocol names). That moment comes from the foot's rise
  after the last frame within ``touch`` of the floor (see *contact moments* below). If the
  foot is already up in the first frame, the hold begins there.
- *tandem* / *feet together*: begins at the first frame of a run of at least
  ``settle_seconds`` in which the ankles are at most ``max_ankle_gap`` apart horizontally and
  both feet are down (front view).

It is lost at the first frame (of a run lasting ``loss_seconds``, or reaching the clip end) of:
the lifted foot back within ``touch`` of the floor ("lifted foot came down", timed at the
moment it reached the floor, from its descent before that frame: *contact moments* below;
for tandem / feet-together a foot rising past ``lift_on``: "a foot was lifted"), a stance
ankle more than ``foot_move`` from where it was when the stance began ("stance foot moved"),
the trunk leaning more than ``max_trunk_lean`` degrees from vertical ("trunk leaned too
far"), or a wrist more than ``max_hand_reach`` from the trunk's axis ("hands reached out").
If none happens the hold lasts until the clip ends (``lost_at`` is None). ``hold_seconds`` is
``lost_at`` (or the last frame's time) minus ``started_at``.

**Contact moments** (single-leg lift-off and touch-down) fall between frames. The lifted
height ``L`` is the median of the lift, over the second after the rise (before the descent),
from the first frame within 90 % of its highest value. The times the lift crosses 10 %, 20 %,
..., 90 % of ``L`` (linear between frames) are fitted by least squares with a smooth
half-cosine ramp (its phase, arccos(1 - 2 * level), is linear in time), which gives the ramp's
middle and apparent duration. The smoothing of :mod:`pose.measures.cleaning` widens every ramp, so the
duration is mapped back to that of the half-cosine ramp which, smoothed the same way, fits as
wide (an abrupt step fits about 0.13 s wide at 30 fps and maps to 0). The foot left the floor
half that duration before the middle (reached it half that duration after). When the ramp
cannot be measured, the frame reached by following the lift down while it keeps falling (no
further than ``FLOOR_LEVEL`` = 0.01) is used.

**Sway** of the hip midpoint over the hold (from the frame nearest its start to the frame
nearest its end), in torso lengths: ``path_length_per_s`` (total path length / duration),
``rms`` (root-mean-square distance from its mean position) and ``ellipse_area_95`` (area of
the 95 % confidence ellipse, pi * chi2_2(0.95) * sqrt(det(cov)), in torso lengths squared).

**Score** (0-100, more sway or a shorter hold gives less)::

    score = 100 * min(1, hold_seconds / target_seconds) / (1 + (rms / 0.05) ** 2)

so a full hold with an RMS sway of 1 % of torso length scores 96, 5 % scores 50, 10 % scores
20. It is a relative measure for following one patient over time, not a normative one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy.stats import chi2

from pose.keypoints import KP
from pose.measures.angles import body_scale, hip_midpoint, shoulder_midpoint, trunk_lean
from pose.measures.cleaning import butterworth_zero_phase, finite_runs, sample_rate

if TYPE_CHECKING:  # the protocol module imports this one
    from pose.measures.protocols.hold_balance import HoldBalance

SWAY_RMS_REFERENCE = 0.05
FLOOR_LEVEL = 0.01  # torso lengths: an ankle this close to the stance ankle's height is down
PEAK_WINDOW_SECONDS = 1.0  # the lifted height is measured within this of the rise / descent
RAMP_LEVELS = np.linspace(0.1, 0.9, 9)  # fractions of the lifted height whose crossings are fitted
RAMP_PHASE = np.arccos(1.0 - 2.0 * RAMP_LEVELS)  # where a half-cosine ramp reaches each level
SCORE_FORMULA = (
    "score = 100 * min(1, hold_seconds / target_seconds) / (1 + (sway_rms / 0.05)^2); "
    "sway_rms in torso lengths"
)
CHI2_95_2DOF = float(chi2.ppf(0.95, 2))


@dataclass
class BalanceResult:
    stance: str
    hold_seconds: float
    started_at: float | None
    lost_at: float | None
    lost_reason: str | None
    lifted_side: str | None
    sway: dict[str, float | None]
    score: float | None
    target_seconds: float
    held_to_clip_end: bool
    score_formula: str = SCORE_FORMULA
    trace: dict[str, list[float]] = field(default_factory=dict)


def balance_score(hold_seconds: float, target_seconds: float, sway_rms: float) -> float:
    """The documented 0-100 score (module docstring)."""
    hold_part = min(1.0, max(0.0, hold_seconds) / target_seconds)
    return 100.0 * hold_part / (1.0 + (sway_rms / SWAY_RMS_REFERENCE) ** 2)


def sway_measures(points: np.ndarray, timestamps: np.ndarray) -> dict[str, float | None]:
    """Path length per second, RMS and 95 % ellipse area of (N, 2) points (NaN rows skipped)."""
    ok = np.isfinite(points).all(axis=1)
    p, t = points[ok], timestamps[ok]
    if len(p) < 3 or t[-1] <= t[0]:
        return {"path_length_per_s": None, "rms": None, "ellipse_area_95": None}
    centred = p - p.mean(axis=0)
    path = float(np.linalg.norm(np.diff(p, axis=0), axis=1).sum())
    cov = np.cov(centred.T)
    return {
        "path_length_per_s": path / float(t[-1] - t[0]),
        "rms": float(np.sqrt((centred**2).sum(axis=1).mean())),
        "ellipse_area_95": float(np.pi * CHI2_95_2DOF * np.sqrt(max(np.linalg.det(cov), 0.0))),
    }


def _sustained(mask: np.ndarray, t: np.ndarray, seconds: float, from_index: int) -> int | None:
    """First index >= from_index starting a True run lasting ``seconds`` (or to the clip end)."""
    for start, stop in finite_runs(mask):
        if stop <= from_index:
            continue
        start = max(start, from_index)
        if stop == len(mask) or t[stop - 1] - t[start] >= seconds - 1e-9:
            return start
    return None


def analyse_balance(xy: np.ndarray, t: np.ndarray, protocol: HoldBalance) -> BalanceResult:
    """Hold, loss, sway and score for cleaned ``(T, 17, 2)`` keypoints (NaN = unknown)."""
    scale = body_scale(xy)
    ankles = {s: xy[:, KP[f"{s}_ankle"], :] / scale for s in ("left", "right")}
    lift = {"left": ankles["right"][:, 1] - ankles["left"][:, 1]}
    lift["right"] = -lift["left"]
    start, started_at, lifted = _stance_start(ankles, lift, t, protocol)
    if start is None or started_at is None:
        return BalanceResult(
            stance=protocol.stance,
            hold_seconds=0.0,
            started_at=None,
            lost_at=None,
            lost_reason="the stance was never reached",
            lifted_side=None,
            sway=sway_measures(np.empty((0, 2)), np.empty(0)),
            score=0.0,
            target_seconds=protocol.target_seconds,
            held_to_clip_end=False,
        )
    lost, lost_at, reason = _loss(xy, ankles, lift, t, protocol, start, lifted, scale)
    stop = lost if lost is not None else len(t) - 1
    hips = hip_midpoint(xy)[start : stop + 1] / scale
    sway = sway_measures(hips, t[start : stop + 1])
    hold = max(0.0, (lost_at if lost_at is not None else float(t[-1])) - started_at)
    # Too few frames for sway (a hold of a frame or two) scores on the hold alone: about 0.
    score = balance_score(hold, protocol.target_seconds, sway["rms"] or 0.0)
    centre = np.nanmean(hips, axis=0) if np.isfinite(hips).any() else np.zeros(2)
    return BalanceResult(
        stance=protocol.stance,
        hold_seconds=hold,
        started_at=started_at,
        lost_at=lost_at,
        lost_reason=reason,
        lifted_side=lifted,
        sway=sway,
        score=score,
        target_seconds=protocol.target_seconds,
        held_to_clip_end=lost is None,
        trace={
            "time": t[start : stop + 1].tolist(),
            "x": (hips[:, 0] - centre[0]).tolist(),
            "y": (hips[:, 1] - centre[1]).tolist(),
        },
    )


def _stance_start(
    ankles: dict[str, np.ndarray], lift: dict[str, np.ndarray], t: np.ndarray, p: HoldBalance
) -> tuple[int | None, float | None, str | None]:
    """Frame and moment (s) the stance began, and the lifted side (single-leg)."""
    if p.stance == "single_leg":
        best: tuple[float, str] | None = None
        for side in ("left", "right") if p.lifted == "either" else (p.lifted,):
            up = _sustained(
                np.nan_to_num(lift[side], nan=-np.inf) >= p.lift_on, t, p.settle_seconds, 0
            )
            if up is None:
                continue
            down = np.flatnonzero(np.nan_to_num(lift[side][: up + 1], nan=np.inf) <= p.touch)
            begin = _contact_time(lift[side], t, int(down[-1]), +1) if down.size else float(t[0])
            if best is None or begin < best[0]:
                best = (begin, side)
        if best is None:
            return None, None, None
        return _nearest_frame(t, best[0]), best[0], best[1]
    gap = np.abs(ankles["left"][:, 0] - ankles["right"][:, 0])
    both_down = np.abs(lift["left"]) < p.lift_on
    in_position = np.nan_to_num(gap, nan=np.inf) <= p.max_ankle_gap
    start = _sustained(in_position & both_down, t, p.settle_seconds, 0)
    return start, (float(t[start]) if start is not None else None), None


def _loss(
    xy: np.ndarray,
    ankles: dict[str, np.ndarray],
    lift: dict[str, np.ndarray],
    t: np.ndarray,
    p: HoldBalance,
    start: int,
    lifted: str | None,
    scale: float,
) -> tuple[int | None, float | None, str | None]:
    """Frame and moment (s) the stance was lost, and why (all None if it never was)."""
    nan_false = np.nan_to_num
    conditions: list[tuple[str, np.ndarray]] = []
    if lifted is not None:
        conditions.append(("lifted foot came down", nan_false(lift[lifted], nan=np.inf) <= p.touch))
        stance_sides = ["right" if lifted == "left" else "left"]
    else:
        conditions.append(
            ("a foot was lifted", nan_false(np.abs(lift["left"]), nan=0) >= p.lift_on)
        )
        stance_sides = ["left", "right"]
    settle = (t >= t[start]) & (t <= t[start] + p.settle_seconds)
    for side in stance_sides:
        home = np.nanmedian(ankles[side][settle], axis=0)
        moved = np.linalg.norm(ankles[side] - home, axis=1)
        conditions.append(("stance foot moved", nan_false(moved, nan=0) > p.foot_move))
    lean = trunk_lean(xy)
    conditions.append(("trunk leaned too far", nan_false(lean, nan=0) > p.max_trunk_lean))
    conditions.append(("hands reached out", _hand_reach(xy, scale) > p.max_hand_reach))
    first: tuple[float, int, str] | None = None
    for reason, mask in conditions:
        # The lifted foot is still rising just after the start: look for its return past lift_on.
        begin = start + 1
        if reason == "lifted foot came down":
            above = np.flatnonzero(nan_false(lift[lifted], nan=-np.inf)[start:] >= p.lift_on)
            begin = start + int(above[0]) if above.size else len(t)
        at = _sustained(mask, t, p.loss_seconds, begin) if begin < len(t) else None
        if at is None:
            continue
        when = float(t[at])
        if reason == "lifted foot came down":
            when = max(_contact_time(lift[lifted], t, at, -1), float(t[start]))
            at = _nearest_frame(t, when)
        if first is None or when < first[0]:
            first = (when, at, reason)
    return (first[1], first[0], first[2]) if first else (None, None, None)


def _to_floor(lift: np.ndarray, i: int, step: int) -> int:
    """From a frame at floor level, follow the lift down while it keeps falling, to
    :data:`FLOOR_LEVEL` (the smoothing filter rings slightly below the floor)."""
    while 0 <= i + step < len(lift) and lift[i] > FLOOR_LEVEL and lift[i + step] < lift[i]:
        i += step
    return i


def _nearest_frame(t: np.ndarray, when: float) -> int:
    return int(np.clip(np.argmin(np.abs(t - when)), 0, len(t) - 1))


def _contact_time(lift: np.ndarray, t: np.ndarray, i: int, out: int) -> float:
    """Moment (s, between frames) the lifted foot left (``out`` = +1) or reached (-1) the floor.

    ``i`` is a frame within ``touch`` of the floor; the rise (descent) lies on its ``out``
    side. The rule is the module's *contact moments*.
    """
    floor = _to_floor(lift, i, -out)
    fallback = float(t[floor])
    n = len(lift)
    window = int(np.searchsorted(t, t[i] + out * PEAK_WINDOW_SECONDS, side="left"))
    seg = lift[i : min(window, n - 1) + 1] if out > 0 else lift[max(window, 0) : i + 1]
    if not np.isfinite(seg).any():
        return fallback
    if out < 0:
        seg = seg[::-1]
    top = np.flatnonzero(np.nan_to_num(seg, nan=-np.inf) >= 0.9 * np.nanmax(seg))
    peak = float(np.nanmedian(seg[top[0] :]))
    if not peak > 0:
        return fallback
    fit = _ramp_fit(lift, t, floor, out, peak)
    if fit is None:
        return fallback
    middle, width = fit
    observed, durations = _smoothed_ramp_widths(round(sample_rate(t), 3))
    ramp = float(np.interp(width, observed, durations)) if width <= observed[-1] else width
    when = middle - out * ramp / 2.0
    return float(np.clip(when, t[0], t[-1]))


def _ramp_fit(
    lift: np.ndarray, t: np.ndarray, i: int, out: int, height: float
) -> tuple[float, float] | None:
    """Middle (s) and duration (s) of the half-cosine ramp best fitting (least squares) the
    times the lift crosses 10 %, 20 %, ... 90 % of ``height`` on its way from frame i (below
    10 %) to the first frame stepping ``out`` at or above 90 % (linear between frames)."""
    top = i
    while 0 <= top < len(lift) and not lift[top] >= RAMP_LEVELS[-1] * height:
        top += out
    if not 0 <= top < len(lift):
        return None
    times = []
    for level in RAMP_LEVELS * height:
        j = top
        while 0 <= j - out < len(lift) and not lift[j - out] < level:
            j -= out
        if not (0 <= j - out < len(lift) and lift[j - out] < level <= lift[j]):
            return None
        a, b = lift[j - out], lift[j]
        times.append(t[j - out] + (t[j] - t[j - out]) * (level - a) / (b - a))
    slope, intercept = np.polyfit(RAMP_PHASE, np.asarray(times, dtype=float), 1)
    return float(intercept + slope * np.pi / 2), float(abs(slope) * np.pi)


@lru_cache(maxsize=8)
def _smoothed_ramp_widths(fs: float) -> tuple[np.ndarray, np.ndarray]:
    """``(observed, durations)``: :func:`_ramp_fit` durations (s) of half-cosine ramps lasting
    ``durations`` (s) once smoothed by :func:`pose.measures.cleaning.butterworth_zero_phase` at ``fs``
    (averaged over sub-frame phases); made increasing, so it inverts by interpolation."""
    durations = np.linspace(0.0, 3.0, 181)
    tt = np.arange(int(round(8.0 * fs))) / fs
    observed = np.empty_like(durations)
    for k, duration in enumerate(durations):
        acc = []
        for phase in (0.0, 0.25, 0.5, 0.75):
            s = (tt - 2.0 - phase / fs) / max(duration, 1e-9)
            smoothed = butterworth_zero_phase((1 - np.cos(np.pi * np.clip(s, 0.0, 1.0))) / 2, fs)
            fit = _ramp_fit(smoothed, tt, 0, 1, 1.0)
            acc.append(fit[1] if fit else duration)
        observed[k] = np.mean(acc)
    return np.maximum.accumulate(observed), durations


def _hand_reach(xy: np.ndarray, scale: float) -> np.ndarray:
    """Largest wrist distance from the trunk's axis line per frame, torso lengths (0 if unseen)."""
    base, top = hip_midpoint(xy), shoulder_midpoint(xy)
    axis = top - base
    norm = np.linalg.norm(axis, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = axis / norm
    reach = np.zeros(len(xy))
    for side in ("left", "right"):
        rel = xy[:, KP[f"{side}_wrist"], :] - base
        dist = np.abs(rel[:, 0] * unit[:, 1] - rel[:, 1] * unit[:, 0]) / scale
        reach = np.fmax(reach, np.nan_to_num(dist, nan=0.0))
    return reach
