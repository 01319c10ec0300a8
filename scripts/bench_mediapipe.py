"""MediaPipe Pose (BlazePose Full, video mode) on the bench clips, for the ratio in `make bench`.

Not a dependency of the project: run it with an interpreter that has ``mediapipe`` and ``av``,
for example a throw-away virtualenv::

    python3 -m venv /tmp/mp && /tmp/mp/bin/pip install mediapipe==0.10.14 av
    /tmp/mp/bin/python scripts/bench_mediapipe.py      # after `make bench` made the clips

Prints end-to-end frames per second (decode to landmarks), median of 5 runs per clip.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import av
import mediapipe as mp

CLIPS = sorted((Path(__file__).resolve().parent.parent / ".cache" / "bench").glob("bench-*.mp4"))


def run(clip: Path) -> int:
    frames = 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1,
                                smooth_landmarks=True) as pose, av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            pose.process(frame.to_ndarray(format="rgb24"))
            frames += 1
    return frames


def main() -> int:
    if not CLIPS:
        print("no bench clips: run `make bench` first", file=sys.stderr)
        return 1
    for clip in CLIPS:
        run(clip)
        rates = []
        for _ in range(5):
            start = time.perf_counter()
            n = run(clip)
            rates.append(n / (time.perf_counter() - start))
        print(f"{clip.stem:<22} MediaPipe BlazePose Full {statistics.median(rates):6.1f} fps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
