"""What the browser test modules share: one Playwright driver for the whole run (its sync API
keeps an event loop open in this thread, so two drivers cannot be open at once), Debian's
Chromium with a fake camera playing pose_1.mp4 (both arms raised overhead once, looped), the
in-process analysis, the viewports, and small page helpers.

Playwright drives Debian's Chromium (`playwright install` cannot download browsers here):
scripts/ensure_chromium.sh installs /usr/bin/chromium; without it the tests skip, except under
CI=true. The fake camera plays a Y4M made from pose_1.mp4 with PyAV.
"""

from __future__ import annotations

import os
import time
from fractions import Fraction
from pathlib import Path

import pytest

from tests.support.shared_data import PASSWORD, require_testdata, skip_or_fail

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while it is open; the ORM calls
    # the tests themselves make (fixtures, assertions) are still synchronous and safe. Allowed
    # only while the driver is open (until the end of the run, as before).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        yield pw
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


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
    source = require_testdata("pose_1.mp4")
    return make_y4m(source, tmp_path_factory.mktemp("camera") / "pose_1.y4m")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.is_file():
        skip_or_fail(f"{CHROMIUM} not found (run scripts/ensure_chromium.sh)")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path, pose_clip_y4m, playwright_driver):
    """Chromium whose camera plays pose_1.mp4 (one Playwright driver for every module)."""
    browser = playwright_driver.chromium.launch(
        executable_path=str(chromium_path),
        headless=True,
        args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={pose_clip_y4m}"],
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def plain_browser(chromium_path, playwright_driver):
    """Chromium without a camera, for pages that only read what is stored."""
    browser = playwright_driver.chromium.launch(
        executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
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

    # Read the app's values before changing Django's settings: the app loads its configuration
    # from them lazily, and restoring a value read afterwards would leave every later module
    # analysing in-process instead of on the worker.
    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


# --- page helpers ------------------------------------------------------------------------------


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def new_page(browser, viewport, requests: list[str], *, init_script: str | None = None):
    """A fresh context and page: every request's URL goes to ``requests``; page errors are
    returned in a list. ``init_script`` runs in the page before its own scripts."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(30_000)
    return context, page, errors


def wait_until(page, predicate, *, timeout: float = 30.0, what: str = "condition") -> None:
    """Poll ``predicate()`` from Python. (``page.wait_for_function`` evaluates a string with
    eval, which the site's Content-Security-Policy rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        page.wait_for_timeout(150)


def number(page, selector: str, attribute: str | None = None) -> float:
    """The number in an element's text (or ``attribute``); NaN when absent or not a number."""
    loc = page.locator(selector)
    if not loc.count():
        return float("nan")
    text = loc.get_attribute(attribute) if attribute else loc.inner_text()
    try:
        return float((text or "").strip())
    except ValueError:
        return float("nan")


def int_text(page, selector: str) -> int:
    """The element's text as a whole number, -1 when it is not one."""
    text = page.locator(selector).inner_text().strip()
    return int(text) if text.isdigit() else -1
