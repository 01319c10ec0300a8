"""MediaPipe Pose (BlazePose Full, video mode) on the bench clips, for the ratio in `make bench`.

Not a dependency of the project: ``make bench-mediapipe`` runs it in a throw-away virtualenv
(``.cache/mediapipe-venv``, with ``mediapipe`` and ``av`` only) on the clips ``make bench`` makes.

Prints end-to-end frames per second (decode to landmarks), median of 5 runs per clip, and
records them with this machine's CPU signature in ``.cache/bench/mediapipe.json``, where the
bench reads them for its "x MediaPipe" column.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import av
import mediapipe as mp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pose.tools import machine  # noqa: E402  (standard library only)

BENCH = ROOT / ".cache" / "bench"
CLIPS = sorted(BENCH.glob("bench-*.mp4"))


def run(clip: Path) -> int:
    frames = 0
    with (
        mp.solutions.pose.Pose(
            static_image_mode=False, model_complexity=1, smooth_landmarks=True
        ) as pose,
        av.open(str(clip)) as container,
    ):
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
    here = machine.signature()
    fps = {}
    for clip in CLIPS:
        run(clip)
        rates = []
        for _ in range(5):
            start = time.perf_counter()
            n = run(clip)
            rates.append(n / (time.perf_counter() - start))
        fps[clip.stem.removeprefix("bench-")] = round(statistics.median(rates), 1)
        print(f"{clip.stem:<22} MediaPipe BlazePose Full {statistics.median(rates):6.1f} fps")
    record = {
        "machine": here,
        "mediapipe": mp.__version__,
        "fps": fps,
        "measured": time.strftime("%Y-%m-%d"),
    }
    (BENCH / "mediapipe.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"recorded for {here} in {BENCH / 'mediapipe.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
