"""Print the live page's frame rate in headless Chromium with the fake camera (pose_1.mp4).

Runs tests/browser/test_live_backend.py with a longer sampling window and its output shown:
the backend the page chose and why, whether WASM threads and SIMD are on, and the median of
the page's ``data-fps`` over the window. Measure on a quiet machine; the figure depends on the
CPU and on whatever else runs.

    .venv/bin/python scripts/live_fps.py [--seconds 10]

DATABASE_URL / REDIS_URL are passed through as for any test run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="sampling window (s)")
    args = parser.parse_args()
    env = {**os.environ, "THERAPOSE_FPS_SECONDS": str(args.seconds)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/browser/test_live_backend.py",
        "-s",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
