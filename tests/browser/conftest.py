"""Playwright with Debian's Chromium, headless, with a fake camera playing a real clip.

`playwright install` cannot download browsers here: the tests launch /usr/bin/chromium
(scripts/ensure_chromium.sh installs it). Without it the tests skip, except under CI=true.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (fixtures, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
]


def make_y4m(source: Path, target: Path) -> Path:
    """Decode ``source`` with PyAV and write it as a YUV4MPEG2 (yuv420p) file for Chromium's
    fake camera (--use-file-for-fake-video-capture), at the source's frame rate."""
    import av

    with av.open(str(source)) as src:
        stream = src.streams.video[0]
        rate = stream.average_rate or Fraction(30)
        with av.open(str(target), "w", format="yuv4mpegpipe") as out:
            ostream = out.add_stream("rawvideo", rate=rate)
            ostream.width, ostream.height = stream.width, stream.height
            ostream.pix_fmt = "yuv420p"
            for frame in src.decode(stream):
                frame = frame.reformat(format="yuv420p")
                frame.pts = None
                for packet in ostream.encode(frame):
                    out.mux(packet)
            for packet in ostream.encode():
                out.mux(packet)
    return target


@pytest.fixture(scope="session")
def pose_clip_y4m(tmp_path_factory) -> Path:
    from conftest import require_testdata

    source = require_testdata("pose_1.mp4")
    return make_y4m(source, tmp_path_factory.mktemp("camera") / "pose_1.y4m")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} not found (run scripts/ensure_chromium.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path, pose_clip_y4m):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium_path),
            headless=True,
            args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={pose_clip_y4m}"],
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def eager_analysis(settings):
    """Uploads are analysed in-process by the real engine (the worker path is covered by
    tests/integration)."""
    from config.celery_app import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old
