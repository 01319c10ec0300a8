"""A keypoint track: what the engine produces and what the analytics consume.

The same structure arrives from three places: the server-side engine, an on-device (privacy
mode) upload, and a stored result being re-scored. :meth:`KeypointTrack.from_json` validates
the untrusted ones and says exactly what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pose.errors import PoseError
from pose.keypoints import NUM_KEYPOINTS

MAX_TRACK_FRAMES = 60 * 60 * 60  # one hour at 60 fps: more than any exercise clip
MAX_FRAME_SIDE = 16384


class TrackError(PoseError, ValueError):
    """A keypoint track that cannot be used, with a message a person can act on."""


@dataclass(frozen=True)
class KeypointTrack:
    """Keypoints over time, in pixels of the upright frame.

    ``keypoints`` has shape ``(frames, 17, 3)``: x, y (pixels, origin top-left, y down) and the
    model's score in [0, 1], COCO order (:data:`pose.keypoints.KEYPOINT_NAMES`). ``timestamps``
    are seconds, strictly increasing. A frame where no person was found has all scores 0.
    """

    timestamps: np.ndarray
    keypoints: np.ndarray
    width: int
    height: int

    def __post_init__(self) -> None:
        if self.keypoints.ndim != 3 or self.keypoints.shape[1:] != (NUM_KEYPOINTS, 3):
            raise TrackError(
                f"keypoints must have shape (frames, {NUM_KEYPOINTS}, 3), got {self.keypoints.shape}"
            )
        if self.timestamps.shape != (self.keypoints.shape[0],):
            raise TrackError(
                f"{self.timestamps.shape[0]} timestamps for {self.keypoints.shape[0]} frames"
            )

    @property
    def frames(self) -> int:
        return int(self.keypoints.shape[0])

    @property
    def xy(self) -> np.ndarray:
        return self.keypoints[..., :2]

    @property
    def scores(self) -> np.ndarray:
        return self.keypoints[..., 2]

    @classmethod
    def from_json(cls, data: Any) -> KeypointTrack:
        """Build a track from the engine's result JSON (or an on-device upload of the same shape).

        Needs ``timestamps``, ``keypoints`` and ``video.width`` / ``video.height``. Raises
        :class:`TrackError` naming the first problem found.
        """
        if not isinstance(data, dict):
            raise TrackError("a keypoint track must be a JSON object")
        video = data.get("video")
        if not isinstance(video, dict):
            raise TrackError("missing 'video' with 'width' and 'height'")
        width, height = video.get("width"), video.get("height")
        for name, value in (("width", width), ("height", height)):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not (0 < value <= MAX_FRAME_SIDE)
            ):
                raise TrackError(f"video.{name} must be a number between 1 and {MAX_FRAME_SIDE}")
        raw_ts, raw_kp = data.get("timestamps"), data.get("keypoints")
        if not isinstance(raw_ts, list) or not isinstance(raw_kp, list):
            raise TrackError("'timestamps' and 'keypoints' must be lists")
        if len(raw_kp) > MAX_TRACK_FRAMES:
            raise TrackError(f"too many frames: {len(raw_kp)} (limit {MAX_TRACK_FRAMES})")
        if len(raw_ts) != len(raw_kp):
            raise TrackError(f"{len(raw_ts)} timestamps for {len(raw_kp)} frames")
        if not raw_kp:
            raise TrackError("the track has no frames")
        try:
            timestamps = np.asarray(raw_ts, dtype=np.float64)
            keypoints = np.asarray(raw_kp, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            problem = "numbers" if "could not convert" in str(exc) else "same-sized frames"
            raise TrackError(
                f"keypoints must be {problem}: each frame must hold {NUM_KEYPOINTS} rows of "
                "[x, y, score]"
            ) from None
        if keypoints.shape[1:] != (NUM_KEYPOINTS, 3) or keypoints.ndim != 3:
            raise TrackError(
                f"each frame must hold {NUM_KEYPOINTS} rows of [x, y, score]; got shape "
                f"{keypoints.shape[1:] if keypoints.ndim > 1 else 'flat'}"
            )
        if timestamps.ndim != 1:
            raise TrackError("timestamps must be a flat list of seconds")
        if not np.all(np.isfinite(timestamps)) or not np.all(np.isfinite(keypoints)):
            raise TrackError("the track contains NaN or infinite values")
        if np.any(np.diff(timestamps) <= 0):
            bad = int(np.argmax(np.diff(timestamps) <= 0)) + 1
            raise TrackError(f"timestamps must increase strictly (frame {bad} does not)")
        if timestamps[0] < 0 or timestamps[-1] > MAX_TRACK_FRAMES:
            raise TrackError("timestamps must be seconds from the start of the clip")
        scores = keypoints[..., 2]
        if np.any(scores < 0) or np.any(scores > 1):
            raise TrackError("keypoint scores must lie in [0, 1]")
        limit = 4 * max(width, height)
        if np.any(np.abs(keypoints[..., :2]) > limit):
            raise TrackError("keypoint coordinates lie far outside the frame")
        return cls(timestamps=timestamps, keypoints=keypoints, width=int(width), height=int(height))

    def to_json(self) -> dict[str, Any]:
        """The track part of the result contract (``timestamps``, ``keypoints``, frame size)."""
        # Rounded as arrays (a Python round() per value was costly per frame): pixels to 0.01,
        # scores to 0.0001; a missing value (NaN) is written as 0, which no score passes.
        keypoints = np.nan_to_num(
            np.asarray(self.keypoints, dtype=float), nan=0.0, posinf=0.0, neginf=0.0
        )
        rounded = np.concatenate(
            [np.round(keypoints[..., :2], 2), np.round(keypoints[..., 2:], 4)], axis=-1
        )
        return {
            "video": {"width": self.width, "height": self.height},
            "timestamps": np.round(np.asarray(self.timestamps, dtype=float), 6).tolist(),
            "keypoints": rounded.tolist(),
        }
