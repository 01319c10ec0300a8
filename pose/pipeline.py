"""From a clip or a keypoint track to the result: the one module that joins tracking and measures.

:func:`analyze_clip` tracks a clip (:mod:`pose.tracking.clip`) and scores it;
:func:`score_track_json` scores a keypoint track given as JSON (privacy-mode uploads, re-scoring,
``python -m pose score``). Both score from the result's own rounded keypoints, so a stored
result re-scored later gives exactly the same measures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pose.result import (
    Measures,
    Result,
    TrackResult,
    VideoInfo,
)
from pose.track import KeypointTrack
from pose.tracking.clip import track_clip


def analyze_clip(
    path: str | Path,
    *,
    model: str = "lightning",
    exercise=None,
    max_seconds: float | None = None,
    **options: Any,
) -> Result:
    """The full result for a clip: keypoint track, and measures when ``exercise`` is given.

    ``exercise`` is a :class:`pose.measures.catalog.ExerciseSpec`. Raises :class:`pose.errors.VideoError`
    with a message for the patient when the file is not a usable video. A clip with nobody in it
    is not an error: the result says ``person_found`` is False and its measures are untrusted.
    """
    track = track_clip(path, model=model, max_seconds=max_seconds, **options)
    return Result(track=track, measures=None if exercise is None else _measures(track, exercise))


def score_track_json(data: dict[str, Any], exercise) -> Result:
    """The full result for a keypoint track given as JSON: an on-device (privacy mode) upload,
    a stored result being re-scored, or a file for ``python -m pose score``.

    ``data`` is validated (:meth:`KeypointTrack.from_json` raises :class:`TrackError` naming the
    problem). Only known keys of ``data`` are carried over, and only with the right types
    (``model``; the ``video`` block's fields; ``pose_scores`` and ``brightness`` with one number
    per frame): an upload cannot add fields of its own to the result.
    """
    keypoints = KeypointTrack.from_json(data)
    model = data.get("model")
    track = TrackResult.of_track(
        keypoints,
        model=model if isinstance(model, str) and model else "device",
        video=_upload_video(data.get("video"), keypoints),
        **{
            key: _per_frame(data.get(key), keypoints.frames)
            for key in ("pose_scores", "brightness")
        },
    )
    return Result(track=track, measures=_measures(track, exercise))


def _upload_video(video: Any, track: KeypointTrack) -> VideoInfo:
    """The upload's video fields that have the right type, with the track's (checked) size."""
    return VideoInfo.from_json(
        {**video, "width": track.width, "height": track.height}, lenient=True
    )


def _per_frame(values: Any, frames: int) -> list[float] | None:
    """A per-frame list of numbers from an upload, or None if it is not one."""
    if not isinstance(values, list) or len(values) != frames:
        return None
    ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    return values if ok and bool(np.isfinite(np.asarray(values, dtype=float)).all()) else None


def _measures(track: TrackResult, exercise) -> Measures:
    """Angles, the protocol's measures and quality for the result's own (rounded) track."""
    from pose.measures.scoring import score_track

    brightness = track.brightness
    return score_track(
        track.keypoint_track(),
        exercise,
        brightness=np.asarray(brightness, dtype=float) if brightness else None,
    )


__all__ = ["analyze_clip", "score_track_json"]
