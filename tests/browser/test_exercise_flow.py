"""The whole loop in a real browser: the therapist builds a routine, the patient does the
exercise in front of Chromium's fake camera (pose_1.mp4: both arms raised overhead once),
sees the live skeleton and count, records, uploads and gets the server's result; the therapist
reviews the session. The page may talk to no host but the test server.

Playwright drives Debian's Chromium (`playwright install` cannot download browsers here):
scripts/ensure_chromium.sh installs /usr/bin/chromium; without it the test skips, except under
CI=true. The fake camera plays a Y4M made from pose_1.mp4 with PyAV (tests/browser/conftest.py).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, int_text, log_in, new_page, number, wait_until

# serialized_rollback: the flush after each test then leaves the migration-seeded rows (the
# catalog) for the modules after this one, as the worker tests do.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A test records with the countdown it chooses (localStorage, as the page's select stores it).
SHORT_COUNTDOWN = "localStorage.setItem('therapose.countdown', '1');"


def test_routine_exercise_upload_and_review(
    browser, live_server, therapist, patient, exercises_catalog, eager_analysis, screenshot_dir
):
    from therapy.models import ExerciseSession, SessionStatus

    base = live_server.url
    requests: list[str] = []

    # --- Therapist builds a routine --------------------------------------------------------
    context, page, errors = new_page(browser, DESKTOP, requests)
    log_in(page, base, "therapist")
    page.screenshot(path=screenshot_dir / "therapist-dashboard.png", full_page=True)
    page.get_by_role("link", name=patient.get_full_name() or patient.username, exact=True).click()
    page.get_by_role("link", name="New routine").click()  # the routine builder
    form = page.get_by_role("form", name="Routine")
    form.get_by_label("Title").fill("Shoulder programme")
    form.get_by_label("Exercise", exact=True).select_option("shoulder_abduction")
    form.get_by_label("Reps").fill("5")
    form.get_by_label("Per week").fill("3")
    form.get_by_role("button", name="Save routine").click()
    page.wait_for_load_state("networkidle")
    assert "Routine “Shoulder programme” saved." in page.content()
    page.screenshot(path=screenshot_dir / "therapist-patient-routine.png", full_page=True)
    context.close()

    # --- Patient: today, then the exercise with the live camera -----------------------------
    context, page, errors = new_page(browser, PHONE, requests)
    log_in(page, base, "patient")
    assert page.url.endswith("/patient/")
    page.screenshot(path=screenshot_dir / "patient-today-phone.png", full_page=True)
    page.get_by_role("link", name="Start Shoulder").click()
    page.goto(page.url + "?backend=wasm")  # headless WebGL is software-rendered: use WASM
    page.get_by_role("button", name="Start camera").click()
    wait_until(
        page,
        lambda: number(page, "#overlay", "data-keypoints") >= 12,
        timeout=60,
        what="the live skeleton",
    )
    assert page.locator("#live").get_attribute("data-backend") == "wasm"
    wait_until(page, lambda: number(page, "#live-count") >= 1, what="a live repetition")
    page.screenshot(path=screenshot_dir / "patient-exercise-live-phone.png", full_page=True)
    fps = float(page.locator("#live").get_attribute("data-fps") or 0)
    assert fps > 5, f"live pose estimation too slow: {fps} frames/s"

    # Set-up check passes for this clip (whole body, front view, light); then record.
    record = page.get_by_role("button", name="Record", exact=True)
    wait_until(page, record.is_enabled, what="the set-up check to pass")
    assert page.locator("#setup-checks li[data-ok=true]").count() == 3
    page.get_by_label("Countdown before recording").select_option("3")
    record.click()
    page.wait_for_selector("#live[data-state=recording]")  # after the 3-s countdown
    assert page.locator("#live-count").inner_text() == "0"
    wait_until(page, lambda: number(page, "#live-count") >= 1, what="a recorded repetition")
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Stop recording").click()

    # Upload (progress bar) and the server's result without reloading.
    page.wait_for_selector("#result[data-status=done]", timeout=90_000)
    assert int(page.locator("#upload-progress").get_attribute("value")) == 100
    count = int_text(page, "#result-count")
    assert count >= 1, page.locator("#result").inner_text()
    # Each figure in its unit, as the protocol registry gives it: an angle in degrees.
    assert page.locator("#result-peak_angle").inner_text().endswith("°")
    page.get_by_label("Pain during this exercise").select_option("3")
    page.get_by_role("button", name="Save", exact=True).click()
    wait_until(
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
    context, page, errors = new_page(browser, DESKTOP, requests)
    log_in(page, base, "therapist")
    page.get_by_role("link", name=patient.get_full_name() or patient.username, exact=True).click()
    page.wait_for_selector("canvas.trend-chart[data-ready=true]")
    page.screenshot(path=screenshot_dir / "therapist-patient-trends.png", full_page=True)
    page.locator("[data-testid=session-row] a").first.click()
    page.wait_for_selector("#angle-chart[data-ready=true]")
    page.wait_for_selector("#review-overlay[data-ready=true]", state="attached")
    assert page.locator("[data-testid=rep-table] tbody tr:not(.partial)").count() >= 1
    video = page.locator("#review-video")
    wait_until(page, lambda: video.evaluate("v => v.readyState") >= 1, what="the clip")
    video.evaluate("v => { v.currentTime = 1.5; }")
    wait_until(
        page,
        lambda: number(page, "#review-overlay", "data-keypoints") >= 12,
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

    context, page, errors = new_page(browser, PHONE, requests, init_script=SHORT_COUNTDOWN)
    page.on(
        "request",
        lambda r: uploads.append((r.method, r.headers.get("content-type", "")))
        if r.method == "POST" and "/api/v1/sessions/" in r.url
        else None,
    )
    log_in(page, base, "patient")
    page.goto(f"{base}/patient/exercise/{item.pk}/?backend=wasm")
    assert page.locator("#privacy-notice").is_visible()
    page.get_by_role("button", name="Start camera").click()
    record = page.get_by_role("button", name="Record", exact=True)
    wait_until(page, record.is_enabled, timeout=60, what="the set-up check to pass")
    record.click()
    page.wait_for_selector("#live[data-state=recording]")  # after the 3-s countdown
    wait_until(page, lambda: number(page, "#live-count") >= 1, what="a recorded repetition")
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Stop recording").click()
    page.wait_for_selector("#result[data-status=done]", timeout=60_000)
    assert int_text(page, "#result-count") >= 1, page.locator("#result").inner_text()
    page.screenshot(path=screenshot_dir / "patient-privacy-result-phone.png", full_page=True)
    assert uploads == [("POST", "application/json")]  # a keypoint track, never a video
    assert not errors, errors
    context.close()

    session = ExerciseSession.objects.get()
    assert session.source == "keypoints" and not session.clip
    assert session.result.rep_count >= 1

    context, page, errors = new_page(browser, DESKTOP, requests)
    log_in(page, base, "therapist")
    page.goto(f"{base}/therapist/sessions/{session.pk}/")
    assert page.locator("#review-video").count() == 0
    page.wait_for_selector("#review-overlay[data-ready=true]", state="attached")
    page.get_by_role("slider", name="Time").fill("1.5")
    wait_until(
        page,
        lambda: number(page, "#review-overlay", "data-keypoints") >= 12,
        what="the skeleton at 1.5 s",
    )
    page.screenshot(path=screenshot_dir / "therapist-session-review-privacy.png", full_page=True)
    assert not errors, errors
    context.close()

    foreign = [u for u in requests if not u.startswith((base, "data:", "blob:"))]
    assert not foreign, f"requests to other hosts: {foreign[:5]}"
