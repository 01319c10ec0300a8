"""``python -m pose bench``: frames per second, end to end and by stage, median of several runs.

It makes its own clips from ``pose_1.mp4`` (or, without ``shared/testdata``, from
``skimage.data.astronaut()``): a 576x576 H.264 and a phone-like 720x1280 H.264 (portrait, the
clip scaled and padded, about 6 Mbit/s), each looped forwards and backwards to 600 frames.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import av
import numpy as np

from pose.tools import machine
from pose.tracking.clip import get_tracker_models, track_clip
from pose.tracking.crop import init_crop_region
from pose.video.reader import VideoReader
from pose.video.sampling import crop_and_resize

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "bench"
SOURCE = ROOT.parent / "shared" / "testdata" / "pose_1.mp4"
FRAMES = 600
# MediaPipe Pose (BlazePose Full), end to end on these same clips, as measured on this machine
# by `make bench-mediapipe` (scripts/bench_mediapipe.py): not a dependency, so measured once per
# machine, and used only where the CPU signature matches (each machine here runs at its own speed).
MEDIAPIPE_NAME = "mediapipe.json"  # in CACHE
# The engine's speed targets on a 2-core machine: (model, clip) -> frames per second.
TARGETS = {
    ("lightning", "720x1280"): 200,
    ("lightning", "576x576"): 350,
    ("thunder", "720x1280"): 80,
}


def _source_frames() -> list[np.ndarray]:
    if SOURCE.is_file():
        with VideoReader(SOURCE) as reader:
            return [f.rgb for f in reader.frames(working_side=4096)]
    from skimage.data import astronaut

    image = astronaut()
    return [np.roll(image, shift=i, axis=1) for i in range(0, 120, 1)]


def _fit(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale to fit inside width x height and pad with black, centred."""
    src = av.VideoFrame.from_ndarray(frame, format="rgb24")
    scale = min(width / frame.shape[1], height / frame.shape[0])
    w, h = int(frame.shape[1] * scale) // 2 * 2, int(frame.shape[0] * scale) // 2 * 2
    scaled = src.reformat(width=w, height=h).to_ndarray()
    out = np.zeros((height, width, 3), np.uint8)
    top, left = (height - h) // 2, (width - w) // 2
    out[top : top + h, left : left + w] = scaled
    return out


def bench_clips() -> dict[str, Path]:
    """The bench's two clips by label, made on first use."""
    return {
        "576x576": make_clip(CACHE / "bench-576x576.mp4", 576, 576, 2_000_000),
        "720x1280": make_clip(CACHE / "bench-720x1280.mp4", 720, 1280, 6_000_000),
    }


def make_clip(path: Path, width: int, height: int, bitrate: int) -> Path:
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = _source_frames()
    loop = frames + frames[::-1]
    tmp = path.with_suffix(".part.mp4")
    with av.open(str(tmp), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.bit_rate = bitrate
        stream.options = {"preset": "fast", "g": "60"}
        for i in range(FRAMES):
            frame = av.VideoFrame.from_ndarray(
                _fit(loop[i % len(loop)], width, height), format="rgb24"
            )
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    tmp.replace(path)
    return path


def _rate(fn: Callable[[], int]) -> float:
    """Frames per second of one call of ``fn`` (which returns the frames it did)."""
    start = time.perf_counter()
    count = fn()
    return count / (time.perf_counter() - start)


def _interleaved(jobs: dict[str, Callable[[], int]], runs: int) -> dict[str, list[float]]:
    """``runs`` rounds, every job once per round: the machine's speed drifts by 10-20% over
    minutes here, and interleaving puts every row through the same drift."""
    rates: dict[str, list[float]] = {key: [] for key in jobs}
    for _ in range(runs):
        for key, fn in jobs.items():
            rates[key].append(_rate(fn))
    return rates


def _infer(model, crop: np.ndarray, n: int = 200) -> int:
    for _ in range(n):
        model(crop)
    return n


def _decode(clip: Path) -> int:
    """Decoding as the tracker gets it (planar: YUV planes, no whole-frame RGB)."""
    with VideoReader(clip) as reader:
        return sum(1 for _ in reader.frames(planar=True))


def _end_to_end(clip: Path, model: str, threads: int, precision: str) -> int:
    return track_clip(clip, model=model, num_threads=threads, precision=precision).frames


def run_bench(
    runs: int = 5,
    models: list[str] | None = None,
    threads: int = 2,
    precisions: list[str] | None = None,
) -> int:
    models = models or ["lightning", "thunder"]
    precisions = precisions or ["int8", "float"]
    clips = bench_clips()
    configs = [(model, precision) for model in models for precision in precisions]
    jobs: dict[str, Callable[[], int]] = {}
    for label, clip in clips.items():
        jobs[f"decode {label}"] = partial(_decode, clip)
    for model, precision in configs:
        single, _ = get_tracker_models(model, "litert", threads, True, precision)
        crop = crop_and_resize(
            np.zeros((64, 64, 3), np.uint8), init_crop_region(True, 64, 64), single.input_size
        )
        _infer(single, crop, 20)  # warm-up
        jobs[f"infer {model} {precision}"] = partial(_infer, single, crop)
        for label, clip in clips.items():
            _end_to_end(clip, model, threads, precision)  # warm-up
            jobs[f"track {label} {model} {precision}"] = partial(
                _end_to_end, clip, model, threads, precision
            )
    rates = _interleaved(jobs, runs)
    median = {key: statistics.median(values) for key, values in rates.items()}
    here = machine.signature()
    mediapipe = mediapipe_fps(CACHE / MEDIAPIPE_NAME, here)
    print(f"machine: {here}")
    print(
        f"median of {runs} interleaved runs, {FRAMES}-frame H.264 clips, "
        f"{threads} inference threads"
    )
    print(
        f"{'clip':<10} {'model':<10} {'precision':<10} {'decode fps':>11} {'infer fps':>10}"
        f" {'serial fps':>11} {'end-to-end fps':>15} {'range':>10} {'x MediaPipe':>12}"
    )
    for model, precision in configs:
        for label in clips:
            decode = median[f"decode {label}"]
            infer = median[f"infer {model} {precision}"]
            track = rates[f"track {label} {model} {precision}"]
            e2e = median[f"track {label} {model} {precision}"]
            spread = f"{min(track):.0f}-{max(track):.0f}"
            print(
                f"{label:<10} {model:<10} {precision:<10} {decode:>11.0f} {infer:>10.0f} "
                f"{serial_fps(decode, infer):>11.0f} {e2e:>15.0f} {spread:>10} "
                f"{_ratio(e2e, mediapipe.get(label)):>12}",
                flush=True,
            )
    for (model, label), target in TARGETS.items():
        rows = [
            f"{precision} {median[key]:.0f}"
            for precision in precisions
            if (key := f"track {label} {model} {precision}") in median
        ]
        if rows:
            print(f"target: {model} {label} >= {target} fps end to end: {', '.join(rows)}")
    print(
        "(serial: decoding then inference one after the other, 1 / (1/decode + 1/infer); "
        "end to end overlaps them and adds cropping and smoothing)"
    )
    if mediapipe:
        figures = ", ".join(f"{label} {fps:.0f} fps" for label, fps in mediapipe.items())
        print(f"(x MediaPipe: BlazePose Full on the same clips on this machine, {figures})")
    else:
        print("(x MediaPipe: not measured on this machine; `make bench-mediapipe` measures it)")
    return 0


def serial_fps(decode_fps: float, infer_fps: float) -> float:
    """Frames per second if each frame were decoded, then run through the model, in turn."""
    return 1.0 / (1.0 / decode_fps + 1.0 / infer_fps)


def _ratio(fps: float, reference: float | None) -> str:
    return f"{fps / reference:.1f}x" if reference else "-"


def mediapipe_fps(path: Path, here: str) -> dict[str, float]:
    """MediaPipe's frames per second by clip, from ``path``, if measured on machine ``here``."""
    try:
        recorded = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(recorded, dict) or recorded.get("machine") != here:
        return {}
    fps = recorded.get("fps")
    if not isinstance(fps, dict):
        return {}
    return {str(k): float(v) for k, v in fps.items() if isinstance(v, int | float) and v > 0}
