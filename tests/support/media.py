"""Media for the reliability tests and the load test, made with PyAV and numpy.

Each builder writes a small file whose defect is known, so a test can say exactly what the
platform must answer.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from tests.support.clip_files import clip_rate, read_clip_frames, write_clip


def loop_clip(src: Path, dst: Path, seconds: float, *, side: int | None = None) -> Path:
    """``src`` played forwards and backwards until ``seconds`` (a longer exercise clip with a
    real person in it). ``side`` rescales the frames (smaller: faster to write and decode)."""
    frames, rate = read_clip_frames(src), clip_rate(src)
    if side:
        frames = [
            av.VideoFrame.from_ndarray(f, format="rgb24")
            .reformat(side, side)
            .to_ndarray(format="rgb24")
            for f in frames
        ]
    cycle = frames + frames[-2:0:-1]
    total = int(round(seconds * float(rate)))
    looped = (cycle[i % len(cycle)] for i in range(total))
    return write_clip(dst, looped, fps=rate, options={"preset": "ultrafast", "crf": "28"})


def synthetic_clip(
    dst: Path,
    *,
    width: int = 64,
    height: int = 64,
    frames: int = 30,
    rate: int = 30,
    seconds_between: float | None = None,
    codec: str = "libx264",
    seed: int = 0,
) -> Path:
    """Frames of smooth noise (no person). ``seconds_between`` spaces the frames out in time
    (two frames three hours apart make a 3-hour clip of a few hundred bytes)."""
    rng = np.random.default_rng(seed)
    base = rng.integers(60, 200, size=(height // 8 + 1, width // 8 + 1, 3), dtype=np.uint8)
    image = np.kron(base, np.ones((8, 8, 1), dtype=np.uint8))[:height, :width]
    moving = (np.roll(image, i, axis=1) for i in range(frames))
    options = {"preset": "ultrafast"} if codec == "libx264" else {}
    if seconds_between:
        pts = [int(round(i * seconds_between)) for i in range(frames)]
        return write_clip(
            dst, moving, fps=1, codec=codec, options=options, pts=pts, time_base=(1, 1)
        )
    return write_clip(dst, moving, fps=rate, codec=codec, options=options)


def huge_clip(dst: Path, side: int = 8000) -> Path:
    """One black frame of ``side`` x ``side`` (made in YUV directly: no colour conversion)."""
    with av.open(str(dst), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width = stream.height = side
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast"}
        frame = av.VideoFrame(side, side, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return dst


def audio_only_clip(dst: Path, seconds: float = 1.0) -> Path:
    """An MP4 with one AAC track and no video (a voice memo renamed .mp4)."""
    rate = 44100
    with av.open(str(dst), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=rate)
        samples = 1024
        t = 0
        while t < seconds * rate:
            tone = np.sin(2 * np.pi * 440 * (np.arange(samples) + t) / rate).astype(np.float32)
            frame = av.AudioFrame.from_ndarray(tone[None, :], format="fltp", layout="mono")
            frame.sample_rate = rate
            frame.pts = t
            out.mux(stream.encode(frame))
            t += samples
        out.mux(stream.encode())
    return dst


def png_image(dst: Path, width: int = 32, height: int = 32) -> Path:
    with av.open(str(dst), "w", format="image2", options={"update": "1"}) as out:
        stream = out.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = width, height, "rgb24"
        image = np.full((height, width, 3), 128, dtype=np.uint8)
        out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(stream.encode())
    return dst


def probe_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return float(stream.duration * stream.time_base)
