"""Test clips made from real photos and the reference clip (nothing downloaded, nothing mocked)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import av
import numpy as np
from shared_data import require_testdata

shared_file = require_testdata


def write_clip(
    path: Path,
    frames: Iterable[np.ndarray],
    *,
    fps: int = 30,
    codec: str = "libx264",
    rotation: int | None = None,
    pts: list[int] | None = None,
    time_base: tuple[int, int] | None = None,
) -> Path:
    """Encode RGB frames. ``rotation``: display-matrix angle (PyAV's sign, -90 = turn clockwise).

    ``pts`` (in ``time_base`` units) gives each frame its own timestamp, for variable frame rate.
    """
    frames = list(frames)
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        if codec == "libx264":
            stream.options = {"crf": "18", "preset": "fast"}
        if time_base is not None:
            from fractions import Fraction

            stream.codec_context.time_base = Fraction(*time_base)
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            if pts is not None:
                from fractions import Fraction

                frame.pts = pts[i]
                frame.time_base = Fraction(*time_base)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def read_clip_frames(path: Path, limit: int | None = None) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        out = []
        for frame in container.decode(video=0):
            out.append(frame.to_ndarray(format="rgb24"))
            if limit and len(out) >= limit:
                break
        return out


def pan_zoom_frames(photo: np.ndarray, n: int, size: tuple[int, int]):
    """Frames of a virtual camera panning and zooming over a photo.

    Returns (frames, transforms) where transform i maps photo pixel (x, y) to frame pixel as
    ``(x - x0) * s, (y - y0) * s``.
    """
    out_w, out_h = size
    ph, pw = photo.shape[:2]
    frames, transforms = [], []
    for i in range(n):
        t = i / max(n - 1, 1)
        widest = min(pw, ph * out_w / out_h) * 0.98
        view_w = widest * (1 - 0.3 * np.sin(np.pi * t))  # zoom in then out
        view_h = view_w * out_h / out_w
        x0 = (pw - view_w) * (0.5 + 0.45 * np.sin(2 * np.pi * t))  # pan left-right
        y0 = (ph - view_h) * 0.5
        src = av.VideoFrame.from_ndarray(
            np.ascontiguousarray(photo[int(y0) : int(y0 + view_h), int(x0) : int(x0 + view_w)]),
            format="rgb24",
        )
        frames.append(src.reformat(width=out_w, height=out_h).to_ndarray())
        transforms.append((int(x0), int(y0), out_w / int(view_w), out_h / int(view_h)))
    return frames, transforms
