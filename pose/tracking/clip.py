"""The clip loop: decode → track (crop, MoveNet, smooth), giving the patient's keypoints per frame.

Where decoding and the network run is the machine's thread plan (:mod:`pose.tracking.threads`):
decoding in a background thread while the model runs in this one (PyAV and LiteRT both release
the GIL), or in the loop, never more busy threads than cores. Clips recorded above 30 fps are
analysed at 30 by default (their true timestamps reach the filters). Models are created once per process and
reused (:func:`get_tracker_models`), which is what a Celery worker wants.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from pose.model.backends import DEFAULT_THREADS, resolve_precision
from pose.model.movenet import MultiPoseModel, SinglePoseModel
from pose.result import TrackResult, VideoInfo
from pose.track import KeypointTrack
from pose.tracking.chooser import scan_people
from pose.tracking.threads import ThreadPlan, plan_for
from pose.tracking.tracker import SinglePoseTracker
from pose.video.reader import DEFAULT_MAX_FPS, DEFAULT_WORKING_SIDE, Frame, VideoReader

ProgressFn = Callable[[int, int], None]


def get_tracker_models(
    model: str = "lightning",
    backend: str = "litert",
    num_threads: int = DEFAULT_THREADS,
    choose_patient: bool = True,
    precision: str | None = None,
) -> tuple[SinglePoseModel, MultiPoseModel | None]:
    """The models for a tracker, loaded once per process (lazily: never at import time).

    Cached by the precision the backend will really run (``None`` and the default it stands
    for share one interpreter); MultiPose, the same in every precision, is loaded once.
    """
    single = _single_model(model, backend, num_threads, resolve_precision(backend, precision))
    return single, (_chooser_model(backend, num_threads) if choose_patient else None)


@lru_cache(maxsize=8)
def _single_model(model: str, backend: str, num_threads: int, precision: str) -> SinglePoseModel:
    return SinglePoseModel(model, backend, num_threads, precision)


@lru_cache(maxsize=4)
def _chooser_model(backend: str, num_threads: int) -> MultiPoseModel:
    return MultiPoseModel(backend, num_threads)


def _prefetch(frames: Iterator[Frame], depth: int = 8, nice: int = 0) -> Iterator[Frame]:
    """Run ``frames`` in a thread, ``depth`` frames ahead; re-raise its errors here.
    ``nice``: lower that thread's priority by this much (Linux: per thread)."""
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def worker() -> None:
        if nice:
            _lower_priority(nice)
        try:
            for frame in frames:
                if stop.is_set():
                    return
                buffer.put(frame)
            buffer.put(done)
        except BaseException as exc:  # handed to the consumer
            buffer.put(exc)

    thread = threading.Thread(target=worker, name="decode", daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                buffer.get_nowait()
            except queue.Empty:
                thread.join(0.01)


def _lower_priority(nice: int) -> None:
    """Raise this thread's nice level by ``nice`` (a no-op where threads have no nice level)."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
    except (AttributeError, OSError):
        pass


def track_clip(
    path: str | Path,
    *,
    model: str = "lightning",
    backend: str = "litert",
    precision: str | None = None,
    num_threads: int | None = None,
    smoothing: bool = True,
    choose_patient: bool = True,
    max_seconds: float | None = None,
    timestamps: str = "pts",
    working_side: int = DEFAULT_WORKING_SIDE,
    progress: ProgressFn | None = None,
    planar: bool = True,
    max_fps: float | None = DEFAULT_MAX_FPS,
    thread_plan: ThreadPlan | None = None,
) -> TrackResult:
    """Keypoints of the patient in every frame of a clip (no exercise measures).

    ``timestamps="pts"`` uses each frame's presentation time; ``"fps:30"`` feeds the tracker
    evenly spaced timestamps instead (how the TF.js reference in ``shared/testdata`` was made).
    ``precision``: ``"float"`` or ``"int8"`` (LiteRT; default ``THERAPOSE_PRECISION``, float).
    ``planar``: crop 4:2:0 frames straight from their YUV planes (:mod:`pose.video.planar`); False
    converts every frame to RGB first.
    ``max_fps``: clips recorded clearly faster are analysed at about this rate, one frame per
    ``1 / max_fps`` s with its true timestamp (default 30, ``THERAPOSE_MAX_FPS``); None keeps
    every frame (``--all-frames``). ``thread_plan``: default :func:`pose.tracking.threads.plan_for`;
    ``num_threads`` overrides its inference threads.
    """
    plan = thread_plan or plan_for()
    if num_threads is not None:
        plan = replace(plan, inference_threads=max(1, num_threads))
    fixed_step = 1.0 / float(timestamps.split(":", 1)[1]) if timestamps.startswith("fps:") else None
    times: list[float] = []
    keypoints: list[np.ndarray] = []
    scores: list[float] = []
    brightness: list[float] = []
    started = time.perf_counter()
    with VideoReader(path, max_seconds=max_seconds) as reader:  # check the file first
        single, chooser = get_tracker_models(
            model, backend, plan.inference_threads, choose_patient, precision
        )
        tracker = SinglePoseTracker(single, smoothing=smoothing, chooser=chooser)
        chosen_by_movement = chooser is not None and _start_on_mover(
            path, tracker, chooser, reader, working_side, planar, max_seconds
        )
        expected = reader.expected_frames(max_fps)
        frames = reader.frames(
            working_side, planar=planar, max_fps=max_fps, decode_threads=plan.decode_threads
        )
        if plan.prefetch:
            frames = _prefetch(frames, depth=16, nice=plan.decode_nice)
        for frame in frames:
            t = frame.index * fixed_step if fixed_step else frame.time
            pose = tracker(frame.picture, t)
            times.append(frame.time if fixed_step is None else t)
            keypoints.append(pose.keypoints)
            scores.append(pose.score)
            brightness.append(frame.brightness)
            if progress is not None:
                progress(frame.index + 1, expected)
        width, height = reader.upright_size()
        info = VideoInfo(
            width=width,
            height=height,
            rotation=reader.rotation,
            fps=round(reader.nominal_fps or (len(times) / max(times[-1], 1e-9)), 3),
            frames=len(times),
            duration=round(reader.nominal_duration or times[-1], 4),
            codec=reader.codec,
            container=reader.format,
        )
        truncated = reader.truncated
    elapsed = time.perf_counter() - started
    yx = np.asarray(keypoints)
    pixels = np.stack([yx[..., 1] * width, yx[..., 0] * height, yx[..., 2]], axis=-1)
    pose_scores = np.asarray(scores)
    warnings = []
    person_found = bool((pose_scores > 0).any())
    if not person_found:
        warnings.append("no person was found in the clip")
    if truncated:
        warnings.append("the video ended early (damaged or cut off); the frames before were used")
    if chosen_by_movement:
        warnings.append(f"{tracker.people_seen} people were seen; the one moving most was followed")
    elif tracker.people_seen > 1:
        warnings.append(
            f"{tracker.people_seen} people were seen; the one nearest the centre "
            "and largest was followed"
        )
    return TrackResult.of_track(
        KeypointTrack(np.asarray(times), pixels, width, height),
        model=single.label,
        video=info,
        backend=backend,
        precision=single.precision,
        pose_scores=[round(float(s), 4) for s in pose_scores],
        brightness=[round(float(b), 1) for b in brightness],
        person_found=person_found,
        people_seen=tracker.people_seen,
        warnings=warnings,
        processing_seconds=round(elapsed, 3),
    )


def _start_on_mover(
    path: str | Path,
    tracker: SinglePoseTracker,
    chooser: MultiPoseModel,
    reader: VideoReader,
    working_side: int,
    planar: bool,
    max_seconds: float | None,
) -> bool:
    """Scan the clip's first seconds (a second, short decode) and start ``tracker`` on the
    person moving clearly most, when several people are there (:mod:`pose.tracking.chooser`)."""
    with VideoReader(path, max_seconds=max_seconds) as scan:
        frames = scan.frames(working_side, planar=planar)
        found = scan_people(frames, chooser, reader.nominal_fps or 30.0)
        frames.close()
    if found is None:
        return False
    keypoints, (height, width) = found
    tracker.start_on(keypoints, height, width)
    return True


__all__ = ["get_tracker_models", "track_clip"]
