"""Test clips made from real photos and the reference clip (nothing downloaded, nothing mocked)."""

from __future__ import annotations

import av
import numpy as np

from tests.support.clip_files import read_clip_frames, write_clip
from tests.support.shared_data import require_testdata

shared_file = require_testdata
__all__ = ["pan_zoom_frames", "read_clip_frames", "shared_file", "write_clip"]


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
