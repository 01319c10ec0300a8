"""The whole loop in a real browser: the therapist builds a routine, the patient does the
exercise in front of Chromium's fake camera (pose_1.mp4: both arms raised overhead once),
sees the live skeleton and count, records, uploads and gets the server's result; the therapist
reviews the session. The page may talk to no host but the test server."""

from __future__ import annotations

import pytest
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
    page.get_by_role("link", name=patient.get_full_name() or patient.username).click()
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
    page.wait_for_function(
        "Number(document.getElementById('overlay').dataset.keypoints || 0) >= 12", timeout=60_000
    )
    assert page.locator("#live").get_attribute("data-backend") == "wasm"
    page.wait_for_function(
        "Number(document.getElementById('live-count').textContent) >= 1", timeout=30_000
    )
    page.screenshot(path=screenshot_dir / "patient-exercise-live-phone.png", full_page=True)
    fps = float(page.locator("#live").get_attribute("data-fps") or 0)
    assert fps > 5, f"live pose estimation too slow: {fps} frames/s"

    # Set-up check passes for this clip (whole body, front view, light); then record.
    record = page.get_by_role("button", name="Record", exact=True)
    page.wait_for_function("!document.getElementById('record').disabled", timeout=20_000)
    assert page.locator("#setup-checks li[data-ok=true]").count() == 3
    record.click()
    page.wait_for_selector("#live[data-state=recording]", timeout=10_000)
    assert page.locator("#live-count").inner_text() == "0"
    page.wait_for_function(
        "Number(document.getElementById('live-count').textContent) >= 1", timeout=30_000
    )
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Stop recording").click()

    # Upload (progress bar) and the server's result without reloading.
    page.wait_for_selector("#result[data-status=done]", timeout=90_000)
    assert int(page.locator("#upload-progress").get_attribute("value")) == 100
    count = _int_text(page, "#result-count")
    assert count >= 1, page.locator("#result").inner_text()
    page.get_by_label("Pain during this exercise").select_option("3")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_function(
        "document.getElementById('feedback-status').textContent.startsWith('Saved')"
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
    page.get_by_role("link", name=patient.get_full_name() or patient.username).click()
    page.wait_for_function("document.querySelector('canvas.trend-chart')?.dataset.ready")
    page.screenshot(path=screenshot_dir / "therapist-patient-trends.png", full_page=True)
    page.locator("[data-testid=session-row] a").first.click()
    page.wait_for_function("document.getElementById('angle-chart')?.dataset.ready === 'true'")
    page.wait_for_function("document.getElementById('review-overlay')?.dataset.ready === 'true'")
    assert page.locator("[data-testid=rep-table] tbody tr:not(.partial)").count() >= 1
    video = page.locator("#review-video")
    page.wait_for_function("document.getElementById('review-video').readyState >= 1")
    video.evaluate("v => { v.currentTime = Math.min(1.5, v.duration || 1.5); }")
    page.wait_for_function(
        "Number(document.getElementById('review-overlay').dataset.keypoints || 0) >= 12"
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
