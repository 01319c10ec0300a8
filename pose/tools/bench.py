"""``python -m pose bench``: frames per second, end to end and by stage, median of several runs.

It makes its own clips from ``pose_1.mp4`` (or, without ``shared/testdata``, from
``skimage.data.astronaut()``): a 576x576 H.264 and a phone-like 720x1280 H.264 (portrait, the
clip scaled and padded, about 6 Mbit/s), each looped forwards and backwards to 600 frames;
then a 780-frame (26 s) 720x1280 clip on which it runs every thread plan of the clip loop
(:mod:`pose.tracking.threads`) side by side, prints each against the machine's compute limit,
and keeps the fastest as this machine's plan; and a 120 fps clip made from ``pose_1.mp4`` (each
frame four times), analysed at 30 fps (the default) and with every frame.
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
from pose.tracking.threads import (
    available_cores,
    plan_for,
    plans,
    record_measured_plan,
)
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


def plan_clip() -> Path:
    """The clip the thread plans run on: 720x1280, 1.3 times the bench's length (780 frames,
    26 s, as the clip of issue 19)."""
    frames = FRAMES * 13 // 10
    return make_clip(CACHE / f"bench-720x1280-{frames}.mp4", 720, 1280, 6_000_000, frames)


def make_slow_motion_clip(source: Path, path: Path, factor: int = 4) -> Path:
    """A ``30 * factor`` fps clip from a 30 fps one: each frame ``factor`` times (what a phone's
    slow motion gives of a still-ish moment; the analysis at 30 fps sees the source's frames)."""
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with VideoReader(source) as reader:
        frames = [f.rgb for f in reader.frames(working_side=4096)]
        rate = round(reader.nominal_fps or 30)
    tmp = path.with_suffix(".part.mp4")
    with av.open(str(tmp), "w") as container:
        stream = container.add_stream("libx264", rate=rate * factor)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "fast", "crf": "18"}
        for rgb in frames:
            for _ in range(factor):
                for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    tmp.replace(path)
    return path


def make_clip(path: Path, width: int, height: int, bitrate: int, frames: int = 0) -> Path:
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    source = _source_frames()
    loop = source + source[::-1]
    tmp = path.with_suffix(".part.mp4")
    with av.open(str(tmp), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.bit_rate = bitrate
        stream.options = {"preset": "fast", "g": "60"}
        for i in range(frames or FRAMES):
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


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compute_limit(network_ms: float, frames: int, cores: int, decode_seconds: float) -> float:
    """Seconds a clip needs at the least: the network alone (one thread) for every frame spread
    over the cores, plus decoding (issue 19)."""
    return network_ms / 1000 * frames / cores + decode_seconds


def run_thread_plans(runs: int, precision: str = "float") -> str:
    """Every thread plan on the 26-s clip, interleaved; prints the table and the limit, keeps
    the fastest for this machine, and returns its name."""
    clip = plan_clip()
    cores = available_cores()
    alternatives = plans(cores)
    single, _ = get_tracker_models("lightning", "litert", 1, True, precision)
    crop = np.zeros((single.input_size, single.input_size, 3), np.uint8)
    _infer(single, crop, 20)
    with VideoReader(clip) as reader:
        frames = reader.nominal_frames
    jobs: dict[str, Callable[[], object]] = {
        "network": partial(_infer, single, crop, frames),
        "decode": partial(_decode, clip),
    }
    for name, plan in alternatives.items():
        track_clip(clip, precision=precision, thread_plan=plan)  # warm-up (models per threads)
        jobs[name] = partial(track_clip, clip, precision=precision, thread_plan=plan)
    seconds: dict[str, list[float]] = {key: [] for key in jobs}
    for _ in range(runs):
        for key, fn in jobs.items():
            seconds[key].append(_seconds(fn))
    median = {key: statistics.median(values) for key, values in seconds.items()}
    network_ms = median["network"] / frames * 1000
    limit = compute_limit(network_ms, frames, cores, median["decode"])
    print(
        f"thread plans: lightning {precision}, {frames}-frame 720x1280 H.264 clip "
        f"({frames / 30:.0f} s), {cores} cores, median of {runs} interleaved runs"
    )
    for name, plan in alternatives.items():
        values = seconds[name]
        print(
            f"  {plan.describe():<100} {median[name]:6.2f} s  ({min(values):.2f}-{max(values):.2f})"
            f"  {median[name] / limit:5.2f}x limit",
            flush=True,
        )
    best = min(alternatives, key=lambda name: median[name])
    print(
        f"compute limit: network alone {network_ms:.2f} ms x {frames} frames / {cores} cores"
        f" + decoding {median['decode']:.2f} s = {limit:.2f} s"
    )
    record_measured_plan(best, cores, CACHE / "thread_plan.json")
    print(
        f"thread plan: {best} (fastest here, kept in {CACHE / 'thread_plan.json'}); whole process "
        f"{median[best]:.2f} s = {median[best] / limit:.2f}x the limit; "
        f"default before measuring: {plan_for(cores, {}, measured=False).name}"
    )
    return best


def run_slow_motion(precision: str = "float") -> None:
    """The 120 fps clip analysed at 30 fps (the default) and with every frame."""
    source = SOURCE if SOURCE.is_file() else bench_clips()["576x576"]
    clip = make_slow_motion_clip(source, CACHE / "bench-120fps.mp4")
    capped = track_clip(clip, precision=precision)
    every = track_clip(clip, precision=precision, max_fps=None)
    print(
        f"120 fps clip: {capped.frames} frames analysed at 30 fps in "
        f"{capped.processing_seconds:.2f} s; --all-frames {every.frames} frames in "
        f"{every.processing_seconds:.2f} s"
    )


def run_bench(
    runs: int = 5,
    models: list[str] | None = None,
    threads: int = 2,
    precisions: list[str] | None = None,
    plan_table: bool = True,
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
    if plan_table:
        run_thread_plans(runs)
        run_slow_motion()
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
