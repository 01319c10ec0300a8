"""A playable MP4 of the clip with the tracked skeleton drawn over it (for review by eye)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

from pose.keypoints import SKELETON_EDGES
from pose.measures.cleaning import MIN_SCORE
from pose.result import TrackResult
from pose.video.reader import VideoReader

# A joint is drawn when the measures would use it (score at least their gate), as the browser
# draws it too (static/js/skeleton.js, through pose/measures/shared_constants.py).
MIN_DRAW_SCORE = MIN_SCORE


def draw_skeleton(rgb: np.ndarray, keypoints: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The frame with joints drawn where they score at least :data:`MIN_DRAW_SCORE`, and bones
    where both ends do."""
    image = Image.fromarray(np.ascontiguousarray(rgb))
    draw = ImageDraw.Draw(image)
    width = max(2, int(round(3 * scale)))
    xy = keypoints[:, :2] * scale
    ok = keypoints[:, 2] >= MIN_DRAW_SCORE
    for a, b in SKELETON_EDGES:
        if ok[a] and ok[b]:
            draw.line([tuple(xy[a]), tuple(xy[b])], fill=(0, 230, 120), width=width)
    r = width + 1
    for (x, y), good in zip(xy, ok, strict=True):
        if good:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 80, 40))
    return np.asarray(image)


def write_overlay(
    clip: str | Path, track: TrackResult, out: str | Path, max_side: int = 1280
) -> Path:
    """Decode ``clip`` again and write ``out`` (H.264 MP4) with ``track``'s keypoints drawn
    (the track part of :func:`pose.pipeline.analyze_clip`'s result)."""
    out = Path(out)
    keypoints = np.asarray(track.keypoints, dtype=float)
    times = np.asarray(track.timestamps, dtype=float)
    width = track.video.width
    fps = track.video.fps or 30
    with VideoReader(clip) as reader, av.open(str(out), mode="w") as container:
        stream = None
        for frame in reader.frames(working_side=max_side):
            if stream is None:
                h, w = frame.rgb.shape[:2]
                stream = container.add_stream("libx264", rate=int(round(fps)))
                stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
                stream.options = {"crf": "23", "preset": "veryfast"}
                scale = w / width
            i = int(np.argmin(np.abs(times - frame.time)))
            drawn = draw_skeleton(frame.rgb, keypoints[i], scale)
            video_frame = av.VideoFrame.from_ndarray(drawn, format="rgb24")
            for packet in stream.encode(video_frame):
                container.mux(packet)
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
    return out
