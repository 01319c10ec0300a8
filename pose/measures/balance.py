"""Static balance: when the stance began, when and why it was lost, posture events, sway, and a
0-100 score.

Lengths are in **torso lengths** (shoulder midpoint to hip midpoint). Distances between joints
are divided by the torso length of their own frame (its running median over
:data:`SCALE_SECONDS`), so a person walking nearer or a camera zooming does not change them;
sudden camera jumps have already been taken out of the track
(:func:`pose.measures.cleaning.steady_camera`). Image y is down. Thresholds come from the
:class:`~pose.measures.protocols.hold_balance.HoldBalance` protocol.

**Hold time** runs from the moment the stance begins to the moment it is lost, not from the
clip start:

- *single-leg*: begins when the lifted foot leaves the floor. The lifted foot is the one whose
  ankle rose past ``lift_on`` above the stance ankle and stayed there ``settle_seconds`` (or
  the one the protocol names); it left the floor at the moment its height above the stance
  ankle last rose through ``touch`` before that (see *contact moments*). If the foot is
  already up in the first frame, the hold begins there.
- *tandem* / *feet together*: begins at the first frame of a run of at least
  ``settle_seconds`` in which the ankles are at most ``max_ankle_gap`` apart horizontally and
  both feet are down (front view).

It is lost at the first frame (of a run lasting ``loss_seconds``, or reaching the clip end) of:
the lifted foot back within ``touch`` of the floor ("lifted foot came down", timed at the
moment its height fell through ``touch``; for tandem / feet together a foot rising past
``lift_on``: "a foot was lifted"), or a stance foot stepping ("stance foot moved": its ankle
more than ``foot_move`` from where it was when the stance began *and* the leg from hip to ankle
turned more than :data:`STEP_ANGLE` degrees; a slowly drifting picture moves the ankle without
turning the leg, and shifting the pelvis over the foot turns the leg without moving the
ankle). If neither happens the hold lasts until the clip ends (``lost_at`` is None). ``hold_seconds`` is ``lost_at`` (or the last frame's time) minus
``started_at``.

**Posture events**: a wrist more than ``max_hand_reach`` from the trunk's axis ("arms": raised,
reaching out) and the trunk leaning more than ``max_trunk_lean`` degrees from vertical
("trunk") are reported with their start and end times. They end the hold only when the
protocol says so (``end_on_posture``, for a formal test done with arms crossed): in a tree
pose or an exercise hold the arms move freely, and a hold that stopped there would be a
confident wrong number.

**Contact moments** fall between frames. They are read from the unsmoothed keypoints (gated
and gap-filled: smoothing would spread a foot's lift over neighbouring frames) as the time the
lifted ankle's height above the stance ankle crosses ``touch``, linear between the two frames
around the crossing. ``touch`` (5 % of torso length, about 2.5 cm) is the smallest lift the
keypoints tell from the floor; a person marking frames by eye marks the first frame in which
the foot is visibly off, which is the same moment within a frame.

**Sway** of the hip midpoint over the hold (from the frame nearest its start to the frame
nearest its end), in torso lengths: ``path_length_per_s`` (total path length / duration),
``rms`` (root-mean-square distance from its mean position) and ``ellipse_area_95`` (area of
the 95 % confidence ellipse, pi * chi2_2(0.95) * sqrt(det(cov)), in torso lengths squared).
Arm movements shift the hip keypoints little; the result says when they happened.

**Score** (0-100, more sway or a shorter hold gives less)::

    score = 100 * min(1, hold_seconds / target_seconds) / (1 + (rms / 0.05) ** 2)

so a full hold with an RMS sway of 1 % of torso length scores 96, 5 % scores 50, 10 % scores
20. It is a relative measure for following one patient over time, not a normative one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy.stats import chi2

from pose.keypoints import KP
from pose.measures.angles import hip_midpoint, shoulder_midpoint, torso_length, trunk_lean
from pose.measures.cleaning import finite_runs, sample_rate

if TYPE_CHECKING:  # the protocol module imports this one
    from pose.measures.protocols.hold_balance import HoldBalance

SWAY_RMS_REFERENCE = 0.05
SCALE_SECONDS = 1.0  # the torso length of a frame: its running median over this long
EVENT_SECONDS = 0.3  # a posture event lasts at least this long
OVERHEAD = 0.25  # a wrist this far (torso lengths) above the shoulders = arms raised
# Degrees a standing leg (hip to ankle) turns in a step of about 20 cm; swaying and shifting the
# pelvis over the foot turn it less than 9 on the development set's holds.
STEP_ANGLE = 12.0
SCORE_FORMULA = (
    "score = 100 * min(1, hold_seconds / target_seconds) / (1 + (sway_rms / 0.05)^2); "
    "sway_rms in torso lengths"
)
CHI2_95_2DOF = float(chi2.ppf(0.95, 2))
POSTURE_EVENTS = {
    "arms": "a hand moved away from the body (arms raised or reaching out)",
    "trunk": "the trunk leaned",
}


@dataclass(frozen=True)
class PostureEvent:
    kind: str  # a key of POSTURE_EVENTS
    start: float
    end: float | None  # None: lasted to the clip's end


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
    events: list[PostureEvent] = field(default_factory=list)


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


def frame_scale(xy: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Torso length (pixels) of each frame: the running median over :data:`SCALE_SECONDS`, which
    follows a zoom or a person walking nearer but not the keypoints' frame-to-frame noise;
    frames where the torso is unseen take the nearest known value (NaN if never seen)."""
    lengths = torso_length(xy)
    known = np.isfinite(lengths) & (lengths > 0)
    if not known.any():
        return np.full(len(t), np.nan)
    filled = np.interp(np.arange(len(t)), np.flatnonzero(known), lengths[known])
    half = max(1, int(round(SCALE_SECONDS * sample_rate(t) / 2)))
    windows = np.lib.stride_tricks.sliding_window_view(
        np.pad(filled, half, mode="edge"), 2 * half + 1
    )
    return np.median(windows, axis=1)


def _sustained(mask: np.ndarray, t: np.ndarray, seconds: float, from_index: int) -> int | None:
    """First index >= from_index starting a True run lasting ``seconds`` (or to the clip end)."""
    for start, stop in finite_runs(mask):
        if stop <= from_index:
            continue
        start = max(start, from_index)
        if stop == len(mask) or t[stop - 1] - t[start] >= seconds - 1e-9:
            return start
    return None


def ankle_lifts(xy: np.ndarray, scale: np.ndarray) -> dict[str, np.ndarray]:
    """Each ankle's height above the other one, in torso lengths of its frame."""
    left = (xy[:, KP["right_ankle"], 1] - xy[:, KP["left_ankle"], 1]) / scale
    return {"left": left, "right": -left}


def analyse_balance(
    xy: np.ndarray, t: np.ndarray, protocol: HoldBalance, raw_xy: np.ndarray | None = None
) -> BalanceResult:
    """Hold, loss, events, sway and score for cleaned ``(T, 17, 2)`` keypoints (NaN = unknown).

    ``raw_xy``: the same keypoints unsmoothed (gated, gap-filled), for the contact moments;
    without it the cleaned ones are used.
    """
    scale = frame_scale(xy, t)
    lift = ankle_lifts(xy, scale)
    raw_lift = ankle_lifts(raw_xy, scale) if raw_xy is not None else lift
    start, started_at, lifted = _stance_start(xy, lift, raw_lift, t, scale, protocol)
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
    posture = _posture(xy, scale, protocol)
    lost, lost_at, reason = _loss(xy, lift, raw_lift, t, scale, protocol, start, lifted, posture)
    stop = lost if lost is not None else len(t) - 1
    end_time = lost_at if lost_at is not None else float(t[-1])
    body = np.nanmedian(scale)
    hips = hip_midpoint(xy)[start : stop + 1] / body
    sway = sway_measures(hips, t[start : stop + 1])
    hold = max(0.0, end_time - started_at)
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
        events=[
            PostureEvent(kind, max(begin, started_at), until)
            for kind, begin, until in _events(posture, t)
            if begin < end_time and (until is None or until > started_at)
        ],
    )


def _stance_start(
    xy: np.ndarray,
    lift: dict[str, np.ndarray],
    raw_lift: dict[str, np.ndarray],
    t: np.ndarray,
    scale: np.ndarray,
    p: HoldBalance,
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
            begin = _rose_through(raw_lift[side], t, up, p.touch)
            if best is None or begin < best[0]:
                best = (begin, side)
        if best is None:
            return None, None, None
        return _nearest_frame(t, best[0]), best[0], best[1]
    gap = np.abs(xy[:, KP["left_ankle"], 0] - xy[:, KP["right_ankle"], 0]) / scale
    both_down = np.abs(lift["left"]) < p.lift_on
    in_position = np.nan_to_num(gap, nan=np.inf) <= p.max_ankle_gap
    start = _sustained(in_position & both_down, t, p.settle_seconds, 0)
    return start, (float(t[start]) if start is not None else None), None


def _posture(xy: np.ndarray, scale: np.ndarray, p: HoldBalance) -> dict[str, np.ndarray]:
    """Per frame, whether each posture event (:data:`POSTURE_EVENTS`) is going on."""
    lean = np.nan_to_num(trunk_lean(xy), nan=0) > p.max_trunk_lean
    out, above = _hand_reach(xy, scale)
    arms = (out > p.max_hand_reach) | (above > OVERHEAD)
    return {"arms": arms, "trunk": lean}


def _events(posture: dict[str, np.ndarray], t: np.ndarray) -> list[tuple[str, float, float | None]]:
    """(kind, start, end) of every run of a posture event lasting :data:`EVENT_SECONDS`, in
    time order (shorter runs are keypoint flicker, not a movement)."""
    out = []
    for kind, mask in posture.items():
        for begin, stop in finite_runs(mask):
            if stop < len(t) and t[stop - 1] - t[begin] < EVENT_SECONDS:
                continue
            out.append((kind, float(t[begin]), None if stop == len(t) else float(t[stop])))
    return sorted(out, key=lambda e: e[1])


def _loss(
    xy: np.ndarray,
    lift: dict[str, np.ndarray],
    raw_lift: dict[str, np.ndarray],
    t: np.ndarray,
    scale: np.ndarray,
    p: HoldBalance,
    start: int,
    lifted: str | None,
    posture: dict[str, np.ndarray],
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
        # A step moves the foot in the picture and turns the leg under the hip. The picture
        # alone can drift (a slow zoom, a recorded screen); the leg alone turns a few degrees as
        # the pelvis shifts over it. Both together are a step.
        ankle = xy[:, KP[f"{side}_ankle"]]
        moved = np.linalg.norm(ankle - np.nanmedian(ankle[settle], axis=0), axis=1) / scale
        leg = ankle - xy[:, KP[f"{side}_hip"]]
        direction = np.degrees(np.arctan2(leg[:, 0], leg[:, 1]))
        turned = np.abs(direction - np.nanmedian(direction[settle]))
        stepped = (nan_false(moved, nan=0) > p.foot_move) & (nan_false(turned, nan=0) > STEP_ANGLE)
        conditions.append(("stance foot moved", stepped))
    if p.end_on_posture:
        conditions.append(("trunk leaned too far", posture["trunk"]))
        conditions.append(("hands reached out", posture["arms"]))
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
            when = max(_fell_through(raw_lift[lifted], t, at, p.touch), float(t[start]))
            at = _nearest_frame(t, when)
        if first is None or when < first[0]:
            first = (when, at, reason)
    return (first[1], first[0], first[2]) if first else (None, None, None)


def _nearest_frame(t: np.ndarray, when: float) -> int:
    return int(np.clip(np.argmin(np.abs(t - when)), 0, len(t) - 1))


def _rose_through(lift: np.ndarray, t: np.ndarray, up: int, level: float) -> float:
    """Moment ``lift`` last rose through ``level`` before frame ``up`` (where it is well above
    it), linear between frames; the first frame's time if it was above from the start."""
    j = up
    while j > 0 and np.isfinite(lift[j - 1]) and lift[j - 1] > level:
        j -= 1
    if j == 0 or not (np.isfinite(lift[j - 1]) and np.isfinite(lift[j]) and lift[j] > level):
        return float(t[j])
    a, b = lift[j - 1], lift[j]
    return float(t[j - 1] + (t[j] - t[j - 1]) * (level - a) / (b - a))


def _fell_through(lift: np.ndarray, t: np.ndarray, down: int, level: float) -> float:
    """Moment ``lift`` fell through ``level`` at or before frame ``down`` (where the smoothed
    lift is back on the floor), linear between frames; ``down``'s time if it cannot tell."""
    k = down
    while k > 0 and not (np.isfinite(lift[k]) and lift[k] > level):
        k -= 1
    if not (np.isfinite(lift[k]) and lift[k] > level) or k + 1 >= len(lift):
        return float(t[down])
    a, b = lift[k], lift[k + 1]
    if not (np.isfinite(b) and b <= level):
        return float(t[down])
    return float(t[k] + (t[k + 1] - t[k]) * (a - level) / (a - b))


def _hand_reach(xy: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame, torso lengths (0 where unseen): the largest wrist distance from the trunk's
    axis line (reaching out), and the largest wrist height above the shoulders along the trunk
    (arms raised overhead, which the distance from the axis does not see)."""
    base, top = hip_midpoint(xy), shoulder_midpoint(xy)
    axis = top - base
    norm = np.linalg.norm(axis, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = axis / norm
    out, above = np.zeros(len(xy)), np.zeros(len(xy))
    for side in ("left", "right"):
        wrist = xy[:, KP[f"{side}_wrist"], :]
        rel = wrist - base
        away = np.abs(rel[:, 0] * unit[:, 1] - rel[:, 1] * unit[:, 0]) / scale
        up = ((wrist - top) * unit).sum(axis=1) / scale
        out = np.fmax(out, np.nan_to_num(away, nan=0.0))
        above = np.fmax(above, np.nan_to_num(up, nan=0.0))
    return out, above
