"""The live page picks its TF.js backend by what the device really does, in a cross-origin
isolated page, and reports the measured rate as ``data-fps`` on ``#live``.

Headless Chromium here draws WebGL in software (SwiftShader), so the page must choose WASM on its
own (no ``?backend=``) and say why; with COOP/COEP the WASM backend may use threads and SIMD.
The rate printed is a figure for the report, not a target: the floor asserted is a sanity check
(the machine is shared). ``scripts/live_fps.py`` runs this test for longer on a quiet machine.

Playwright drives Debian's Chromium (scripts/ensure_chromium.sh); without it the test skips,
except under CI=true. The fake camera plays a Y4M made from pose_1.mp4 with PyAV.
"""

from __future__ import annotations

import os
import statistics
import time
from fractions import Fraction
from pathlib import Path

import pytest

from tests.support.shared_data import PASSWORD, require_testdata, skip_or_fail

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Seconds of data-fps samples after the skeleton first appears (scripts/live_fps.py sets more).
FPS_SECONDS = float(os.environ.get("THERAPOSE_FPS_SECONDS", "4"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _y4m(source: Path, target: Path) -> Path:
    """``source`` as a YUV4MPEG2 file for Chromium's fake camera."""
    import av

    with av.open(str(source)) as src, av.open(str(target), "w", format="yuv4mpegpipe") as out:
        stream = src.streams.video[0]
        ostream = out.add_stream("rawvideo", rate=stream.average_rate or Fraction(30))
        ostream.width, ostream.height, ostream.pix_fmt = stream.width, stream.height, "yuv420p"
        for frame in src.decode(stream):
            frame = frame.reformat(format="yuv420p")
            frame.pts = None
            for packet in ostream.encode(frame):
                out.mux(packet)
        for packet in ostream.encode():
            out.mux(packet)
    return target


@pytest.fixture(scope="module")
def camera_browser(playwright_driver, tmp_path_factory):
    if not CHROMIUM.is_file():
        skip_or_fail(f"{CHROMIUM} not found (run scripts/ensure_chromium.sh)")
    y4m = _y4m(require_testdata("pose_1.mp4"), tmp_path_factory.mktemp("camera") / "pose_1.y4m")
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={y4m}"],
    )
    yield browser
    browser.close()


def _attr(page, name: str) -> str:
    return page.locator("#live").get_attribute(name) or ""


def _wait(page, predicate, timeout: float, what: str) -> None:
    # Polled from Python: page.wait_for_function uses eval, which the page's CSP forbids.
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        page.wait_for_timeout(150)


def test_live_page_chooses_wasm_isolated_and_reports_fps(camera_browser, live_server, routine):
    item = routine.items.get()
    context = camera_browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("patient")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/patient/")

    response = page.goto(f"{live_server.url}/patient/exercise/{item.pk}/")
    assert response.headers.get("cross-origin-opener-policy") == "same-origin"
    assert response.headers.get("cross-origin-embedder-policy") == "require-corp"
    assert page.evaluate("crossOriginIsolated") is True

    page.get_by_role("button", name="Start camera").click()
    try:
        _wait(page, lambda: _attr(page, "data-backend"), 60, "the backend choice")
    except AssertionError as exc:  # e.g. the WASM thread workers refused by the CSP
        raise AssertionError(f"{exc}; console: {console}; errors: {errors}") from None
    backend, reason = _attr(page, "data-backend"), _attr(page, "data-backend-reason")
    flags = page.evaluate(
        """async () => ({
            threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
            simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
            renderer: (() => { const gl = document.createElement('canvas').getContext('webgl');
              const i = gl && gl.getExtension('WEBGL_debug_renderer_info');
              return gl ? String(gl.getParameter(i ? i.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : null; })(),
        })"""
    )
    print(f"\nbackend={backend} reason={reason!r} {flags}")
    assert backend == "wasm", (backend, reason, flags)
    assert "software-rendered" in reason or reason.startswith("timed:") or "no WebGL" in reason
    assert flags["threads"] is True and flags["simd"] is True, flags

    _wait(page, lambda: _attr(page, "data-fps"), 60, "the first frame rate")
    samples: list[float] = []
    end = time.monotonic() + FPS_SECONDS
    while time.monotonic() < end:
        page.wait_for_timeout(1000)
        samples.append(float(_attr(page, "data-fps")))
    fps = statistics.median(samples)
    print(f"data-fps over {FPS_SECONDS:.0f} s: median {fps:.1f} (samples {samples})")
    assert fps > 5, f"live pose estimation too slow: {samples} frames/s"
    assert not errors, errors
    context.close()
