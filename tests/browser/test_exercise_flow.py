"""The whole loop in a real browser: the therapist builds a routine, the patient does the
exercise in front of Chromium's fake camera (pose_1.mp4: both arms raised overhead once),
sees the live skeleton and count, records, uploads and gets the server's result; the therapist
reviews the session. The page may talk to no host but the test server.

Playwright drives Debian's Chromium (`playwright install` cannot download browsers here):
scripts/ensure_chromium.sh installs /usr/bin/chromium; without it the test skips, except under
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
    # One Playwright driver for every browser module (tests/browser/conftest.py).
    browser = playwright_driver.chromium.launch(
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


# serialized_rollback: the flush after each test then leaves the migration-seeded rows (the
# catalog) for the modules after this one, as the worker tests do.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def _new_page(browser, viewport, requests: list[str]):
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(30_000)
    return context, page, errors


def _wait_until(page, predicate, *, timeout: float = 30.0, what: str = "condition") -> None:
    """Poll ``predicate()`` from Python. (``page.wait_for_function`` evaluates a string with
    eval, which the site's Content-Security-Policy rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        page.wait_for_timeout(150)


def _number(page, selector: str, attribute: str | None = None) -> float:
    loc = page.locator(selector)
    if not loc.count():
        return float("nan")
    text = loc.get_attribute(attribute) if attribute else loc.inner_text()
    try:
        return float((text or "").strip())
    except ValueError:
        return float("nan")


def _int_text(page, selector: str) -> int:
    text = page.locator(selector).inner_text().strip()
    return int(text) if text.isdigit() else -1


def test_routine_exercise_upload_and_review(
    browser, live_server, therapist, patient, exercises_catalog, eager_analysis, screenshot_dir
):
    from therapy.models import ExerciseSession, SessionStatus

    base = live_server.url
    requests: list[str] = []

    # --- Therapist builds a routine --------------------------------------------------------
    context, page, errors = _new_page(browser, DESKTOP, requests)
    _log_in(page, base, "therapist")
    page.screenshot(path=screenshot_dir / "therapist-dashboard.png", full_page=True)
    page.get_by_role("link", name=patient.get_full_name() or patient.username, exact=True).click()
    form = page.get_by_role("form", name="New routine")
    form.get_by_label("Title").fill("Shoulder programme")
    form.get_by_label("Exercise").select_option("shoulder_abduction")
    form.get_by_label("Reps").fill("5")
    form.get_by_label("Times per week").fill("3")
    form.get_by_role("button", name="Create routine").click()
    page.wait_for_load_state("networkidle")
    assert "Routine “Shoulder programme” created." in page.content()
    page.screenshot(path=screenshot_dir / "therapist-patient-routine.png", full_page=True)
    context.close()

    # --- Patient: today, then the exercise with the live camera -----------------------------
    context, page, errors = _new_page(browser, PHONE, requests)
    _log_in(page, base, "patient")
    assert page.url.endswith("/patient/")
    page.screenshot(path=screenshot_dir / "patient-today-phone.png", full_page=True)
    page.get_by_role("link", name="Start Shoulder").click()
    page.goto(page.url + "?backend=wasm")  # headless WebGL is software-rendered: use WASM
    page.get_by_role("button", name="Start camera").click()
    _wait_until(
        page,
        lambda: _number(page, "#overlay", "data-keypoints") >= 12,
        timeout=60,
        what="the live skeleton",
    )
    assert page.locator("#live").get_attribute("data-backend") == "wasm"
    _wait_until(page, lambda: _number(page, "#live-count") >= 1, what="a live repetition")
    page.screenshot(path=screenshot_dir / "patient-exercise-live-phone.png", full_page=True)
    fps = float(page.locator("#live").get_attribute("data-fps") or 0)
    assert fps > 5, f"live pose estimation too slow: {fps} frames/s"

    # Set-up check passes for this clip (whole body, front view, light); then record.
    record = page.get_by_role("button", name="Record", exact=True)
    _wait_until(page, record.is_enabled, what="the set-up check to pass")
    assert page.locator("#setup-checks li[data-ok=true]").count() == 3
    record.click()
    page.wait_for_selector("#live[data-state=recording]")  # after the 3-s countdown
    assert page.locator("#live-count").inner_text() == "0"
    _wait_until(page, lambda: _number(page, "#live-count") >= 1, what="a recorded repetition")
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Stop recording").click()

    # Upload (progress bar) and the server's result without reloading.
    page.wait_for_selector("#result[data-status=done]", timeout=90_000)
    assert int(page.locator("#upload-progress").get_attribute("value")) == 100
    count = _int_text(page, "#result-count")
    assert count >= 1, page.locator("#result").inner_text()
    # Each figure in its unit, as the protocol registry gives it: an angle in degrees.
    assert page.locator("#result-peak_angle").inner_text().endswith("°")
    page.get_by_label("Pain during this exercise").select_option("3")
    page.get_by_role("button", name="Save", exact=True).click()
    _wait_until(
        page,
        lambda: page.locator("#feedback-status").inner_text().startswith("Saved"),
        what="the pain score to be saved",
    )
    page.screenshot(path=screenshot_dir / "patient-exercise-result-phone.png", full_page=True)
    assert not errors, errors
    context.close()

    session = ExerciseSession.objects.get()
    assert session.status == SessionStatus.DONE and session.source == "clip"
    assert session.pain_score == 3
    assert session.result.rep_count >= 1

    # --- Therapist reviews the session -------------------------------------------------------
    context, page, errors = _new_page(browser, DESKTOP, requests)
    _log_in(page, base, "therapist")
    page.get_by_role("link", name=patient.get_full_name() or patient.username, exact=True).click()
    page.wait_for_selector("canvas.trend-chart[data-ready=true]")
    page.screenshot(path=screenshot_dir / "therapist-patient-trends.png", full_page=True)
    page.locator("[data-testid=session-row] a").first.click()
    page.wait_for_selector("#angle-chart[data-ready=true]")
    page.wait_for_selector("#review-overlay[data-ready=true]", state="attached")
    assert page.locator("[data-testid=rep-table] tbody tr:not(.partial)").count() >= 1
    video = page.locator("#review-video")
    _wait_until(page, lambda: video.evaluate("v => v.readyState") >= 1, what="the clip")
    video.evaluate("v => { v.currentTime = 1.5; }")
    _wait_until(
        page,
        lambda: _number(page, "#review-overlay", "data-keypoints") >= 12,
        what="the skeleton over the clip",
    )
    page.get_by_role("button", name="Pin to the current moment").click()
    page.get_by_label("Note", exact=True).fill("Arms fully overhead here")
    page.get_by_role("button", name="Save note").click()
    page.wait_for_load_state("networkidle")
    assert "Arms fully overhead here" in page.content()
    page.screenshot(path=screenshot_dir / "therapist-session-review.png", full_page=True)
    page.goto(f"{base}/therapist/patients/{patient.pk}/report/")
    page.emulate_media(media="print")
    page.screenshot(path=screenshot_dir / "therapist-report-print.png", full_page=True)
    assert not errors, errors
    context.close()

    foreign = [u for u in requests if not u.startswith((base, "data:", "blob:"))]
    assert not foreign, f"requests to other hosts: {foreign[:5]}"


def test_privacy_mode_sends_keypoints_only(
    browser, live_server, therapist, patient, routine, eager_analysis, screenshot_dir
):
    from therapy.models import ExerciseSession

    patient.privacy_mode = True
    patient.save(update_fields=["privacy_mode"])
    item = routine.items.get()
    base = live_server.url
    requests: list[str] = []
    uploads: list[tuple[str, str]] = []

    context, page, errors = _new_page(browser, PHONE, requests)
    page.on(
        "request",
        lambda r: uploads.append((r.method, r.headers.get("content-type", "")))
        if r.method == "POST" and "/api/v1/sessions/" in r.url
        else None,
    )
    _log_in(page, base, "patient")
    page.goto(f"{base}/patient/exercise/{item.pk}/?backend=wasm")
    assert page.locator("#privacy-notice").is_visible()
    page.get_by_role("button", name="Start camera").click()
    record = page.get_by_role("button", name="Record", exact=True)
    _wait_until(page, record.is_enabled, timeout=60, what="the set-up check to pass")
    record.click()
    page.wait_for_selector("#live[data-state=recording]")  # after the 3-s countdown
    _wait_until(page, lambda: _number(page, "#live-count") >= 1, what="a recorded repetition")
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Stop recording").click()
    page.wait_for_selector("#result[data-status=done]", timeout=60_000)
    assert _int_text(page, "#result-count") >= 1, page.locator("#result").inner_text()
    page.screenshot(path=screenshot_dir / "patient-privacy-result-phone.png", full_page=True)
    assert uploads == [("POST", "application/json")]  # a keypoint track, never a video
    assert not errors, errors
    context.close()

    session = ExerciseSession.objects.get()
    assert session.source == "keypoints" and not session.clip
    assert session.result.rep_count >= 1

    context, page, errors = _new_page(browser, DESKTOP, requests)
    _log_in(page, base, "therapist")
    page.goto(f"{base}/therapist/sessions/{session.pk}/")
    assert page.locator("#review-video").count() == 0
    page.wait_for_selector("#review-overlay[data-ready=true]", state="attached")
    page.get_by_role("slider", name="Time").fill("1.5")
    _wait_until(
        page,
        lambda: _number(page, "#review-overlay", "data-keypoints") >= 12,
        what="the skeleton at 1.5 s",
    )
    page.screenshot(path=screenshot_dir / "therapist-session-review-privacy.png", full_page=True)
    assert not errors, errors
    context.close()

    foreign = [u for u in requests if not u.startswith((base, "data:", "blob:"))]
    assert not foreign, f"requests to other hosts: {foreign[:5]}"
