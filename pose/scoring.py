"""One exercise's measures for one keypoint track: the ``score_track`` entry point.

Steps: clean the keypoints (:mod:`pose.signal`), compute every angle and height
(:mod:`pose.angles`), check quality (:mod:`pose.quality`), then count repetitions
(:mod:`pose.reps`) or time the balance hold (:mod:`pose.balance`) as the exercise's protocol
says. The answer is plain JSON (no NaN: unknown values are None). When the quality checks fail,
``reps.count`` and ``balance.score`` and the summary's numbers are None and
``quality.problems`` says why; the details stay for the therapist to review.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import numpy as np

from pose.angles import angles_from_xy, heights_from_xy
from pose.balance import BalanceResult, analyse_balance
from pose.catalog import ExerciseSpec
from pose.protocols import HoldBalance, RepsOnAngle
from pose.quality import Quality, check_quality
from pose.reps import Rep, RepResult, count_for_protocol, side_series
from pose.signal import clean_keypoints
from pose.track import KeypointTrack


def score_track(
    track: KeypointTrack, exercise: ExerciseSpec, *, brightness: np.ndarray | None = None
) -> dict[str, Any]:
    """Angles, repetitions or balance, quality and a summary for ``exercise`` (see module doc)."""
    protocol = exercise.make_protocol()
    t = track.timestamps
    xy = clean_keypoints(t, track.keypoints)
    angles, heights = angles_from_xy(xy), heights_from_xy(xy)
    quality = check_quality(track, protocol, exercise.camera_view, brightness=brightness)
    reps_part = balance_part = None
    primary = None
    if isinstance(protocol, RepsOnAngle):
        series = {**angles, **heights}
        target = angles if protocol.joint in {k.split("_", 1)[1] for k in angles} else heights
        if protocol.side == "both":
            target[f"mean_{protocol.joint}"] = side_series(series, protocol.joint, "both")
        reps = count_for_protocol(series, t, protocol)
        primary = f"{'mean' if reps.side == 'both' else reps.side}_{protocol.joint}"
        reps_part = _reps_json(reps, quality)
        summary = _reps_summary(reps, primary, quality)
    else:
        assert isinstance(protocol, HoldBalance)
        balance = analyse_balance(xy, t, protocol)
        if balance.held_to_clip_end and balance.hold_seconds < protocol.target_seconds:
            quality.problems.append(
                f"The clip ended after {balance.hold_seconds:.1f} s while the stance was still "
                f"held; record at least {protocol.target_seconds:.0f} s so the hold can be timed."
            )
            quality.trusted = False
        balance_part = _balance_json(balance, quality)
        summary = _balance_summary(balance, quality)
    return {
        "exercise": exercise.slug,
        "protocol": protocol.name,
        "protocol_params": _clean(protocol.to_json()),
        "timestamps": [round(float(x), 6) for x in t],
        "angles": {k: _series(v) for k, v in angles.items()},
        "heights": {k: _series(v) for k, v in heights.items()},
        "primary_angle": primary,
        "reps": reps_part,
        "balance": balance_part,
        "quality": _quality_json(quality),
        "summary": summary,
    }


def _num(value: Any, digits: int = 3) -> float | None:
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def _series(values: np.ndarray) -> list[float | None]:
    return [_num(v, 1) for v in values]


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, bool | int | str) or obj is None:
        return obj
    return _num(obj, 4)


def _rep_json(rep: Rep, partial: bool) -> dict[str, Any]:
    out = {
        "index": rep.index,
        "side": rep.side,
        **{k: _num(getattr(rep, k), 3) for k in ("start", "end", "peak_time")},
        **{k: _num(getattr(rep, k), 1) for k in ("peak_angle", "start_angle", "range_of_motion")},
        **{
            k: _num(getattr(rep, k), 3)
            for k in ("duration", "concentric_seconds", "eccentric_seconds")
        },
    }
    if partial:
        out["reason"] = rep.reason
    return out


def _reps_json(reps: RepResult, quality: Quality) -> dict[str, Any]:
    th = reps.thresholds
    return {
        "count": reps.count if quality.trusted else None,
        "items": [_rep_json(r, False) for r in reps.items],
        "partial": [_rep_json(r, True) for r in reps.partial],
        "thresholds": {"enter": _num(th.enter, 1), "exit": _num(th.exit, 1)} if th else None,
        "side": reps.side,
        "note": None if th else "no movement large enough to count was seen",
    }


def _reps_summary(reps: RepResult, primary: str, quality: Quality) -> dict[str, Any]:
    items = reps.items if quality.trusted else []
    sign = reps.thresholds.sign if reps.thresholds else 1.0

    def mean(key: str) -> float | None:
        return float(np.mean([getattr(r, key) for r in items])) if items else None

    best = max(items, key=lambda r: sign * r.peak_angle) if items else None
    return {
        "measure": primary,
        "trusted": quality.trusted,
        "count": reps.count if quality.trusted else None,
        "partial_count": len(reps.partial) if quality.trusted else None,
        "peak_angle": _num(best.peak_angle, 1) if best else None,
        "mean_peak_angle": _num(mean("peak_angle"), 1),
        "range_of_motion": _num(max(r.range_of_motion for r in items), 1) if items else None,
        "mean_range_of_motion": _num(mean("range_of_motion"), 1),
        "mean_duration": _num(mean("duration"), 3),
        "mean_concentric_seconds": _num(mean("concentric_seconds"), 3),
        "mean_eccentric_seconds": _num(mean("eccentric_seconds"), 3),
    }


def _balance_json(balance: BalanceResult, quality: Quality) -> dict[str, Any]:
    data = asdict(balance)
    data["score"] = _num(balance.score, 1) if quality.trusted else None
    data["trace"] = {k: [_num(v, 4) for v in vals] for k, vals in balance.trace.items()}
    data["sway"] = {k: _num(v, 5) for k, v in balance.sway.items()}
    for key in ("hold_seconds", "started_at", "lost_at", "target_seconds"):
        data[key] = _num(data[key], 3)
    return data


def _balance_summary(balance: BalanceResult, quality: Quality) -> dict[str, Any]:
    ok = quality.trusted
    return {
        "measure": "hold_seconds",
        "trusted": ok,
        "hold_seconds": _num(balance.hold_seconds, 3) if ok else None,
        "score": _num(balance.score, 1) if ok else None,
        "sway_rms": _num(balance.sway["rms"], 5) if ok else None,
        "sway_path_length_per_s": _num(balance.sway["path_length_per_s"], 5) if ok else None,
        "lost_reason": balance.lost_reason,
    }


def _quality_json(q: Quality) -> dict[str, Any]:
    return {
        "trusted": q.trusted,
        "problems": list(q.problems),
        "visible_fraction": _num(q.visible_fraction, 3),
        "view": {**q.view, "shoulder_to_torso_ratio": _num(q.view_ratio, 3)},
        "whole_body_in_frame": q.whole_body_in_frame,
        "duration_seconds": _num(q.duration_seconds, 3),
        "too_short": q.too_short,
        "too_dark": q.too_dark,
    }
