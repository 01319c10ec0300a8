"""A playable MP4 of the clip with the tracked skeleton drawn over it (for review by eye)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image, ImageDraw

from pose.keypoints import SKELETON_EDGES
from pose.video import VideoReader

MIN_DRAW_SCORE = 0.2


def draw_skeleton(rgb: np.ndarray, keypoints: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The frame with joints and bones drawn where both ends score above 0.2."""
    image = Image.fromarray(np.ascontiguousarray(rgb))
    draw = ImageDraw.Draw(image)
    width = max(2, int(round(3 * scale)))
    xy = keypoints[:, :2] * scale
    ok = keypoints[:, 2] > MIN_DRAW_SCORE
    for a, b in SKELETON_EDGES:
        if ok[a] and ok[b]:
            draw.line([tuple(xy[a]), tuple(xy[b])], fill=(0, 230, 120), width=width)
    r = width + 1
    for (x, y), good in zip(xy, ok, strict=True):
        if good:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 80, 40))
    return np.asarray(image)


def write_overlay(
    clip: str | Path, result: dict[str, Any], out: str | Path, max_side: int = 1280
) -> Path:
    """Decode ``clip`` again and write ``out`` (H.264 MP4) with ``result``'s keypoints drawn."""
    out = Path(out)
    keypoints = np.asarray(result["keypoints"], dtype=float)
    times = np.asarray(result["timestamps"], dtype=float)
    width, height = result["video"]["width"], result["video"]["height"]
    fps = result["video"].get("fps") or 30
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
    _ = height
    return out
