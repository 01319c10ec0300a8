"""Writing and reading small test clips with PyAV: the one encoder every test folder uses."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

X264_DEFAULTS = {"crf": "18", "preset": "fast"}


def write_clip(
    path: Path,
    frames: Iterable[np.ndarray],
    *,
    fps: int | Fraction = 30,
    codec: str = "libx264",
    pix_fmt: str = "yuv420p",
    options: dict[str, str] | None = None,
    rotation: int | None = None,
    pts: list[int] | None = None,
    time_base: tuple[int, int] | None = None,
) -> Path:
    """Encode RGB frames (any iterable: they are encoded as they come, not held in memory).

    ``rotation``: display-matrix angle (PyAV's sign, -90 = turn clockwise). ``pts`` (in
    ``time_base`` units) gives each frame its own timestamp, for variable frame rate or frames
    hours apart. ``pix_fmt``: the stored pixel format (10-bit, full range, 4:4:4...).
    ``options`` go to the encoder (libx264 defaults to crf 18, preset fast).
    """
    frames = iter(frames)
    first = next(frames)
    height, width = first.shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        if options is not None:
            stream.options = options
        elif codec == "libx264":
            stream.options = X264_DEFAULTS
        if time_base is not None:
            stream.codec_context.time_base = Fraction(*time_base)
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for i, rgb in enumerate(itertools.chain([first], frames)):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            if pix_fmt != "yuv420p":
                frame = frame.reformat(format=pix_fmt)
            if pts is not None:
                frame.pts = pts[i]
                frame.time_base = Fraction(*time_base)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def clip_rate(path: Path) -> Fraction:
    """The clip's average frame rate (30 when the container does not say)."""
    with av.open(str(path)) as container:
        return Fraction(container.streams.video[0].average_rate or 30)


def read_clip_frames(path: Path, limit: int | None = None) -> list[np.ndarray]:
    """The clip's frames as stored (no rotation applied), RGB."""
    with av.open(str(path)) as container:
        out = []
        for frame in container.decode(video=0):
            out.append(frame.to_ndarray(format="rgb24"))
            if limit and len(out) >= limit:
                break
        return out
