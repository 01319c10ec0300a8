"""A therapist adds a patient by name and email in Chromium; the patient opens the emailed
invitation, chooses a password, lands on today's routine, signs in again later; opens the exercise
with its demonstration, sends a video and sees it on their progress page.

The live server runs in this process, so the invitation is read from Django's locmem outbox.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.conftest import PHONE, log_in
from tests.support.shared_data import require_testdata
from therapy import services
from therapy.models import User

NEW_PASSWORD = "knees-and-shoulders-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _fill_add_form(page, email: str) -> None:
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Diagnosis (optional)").fill("Rotator cuff tear")
    page.get_by_role("button", name="Add patient and send the invitation").click()
    page.wait_for_load_state("networkidle")


def test_invite_to_password_to_today_demo_upload_and_progress(
    plain_browser, live_server, settings, therapist, patient, exercises_catalog, eager_analysis
):
    settings.SITE_URL = live_server.url
    patient.email = "taken@example.org"
    patient.save()
    mail.outbox.clear()

    context = plain_browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_server.url, therapist.username)
    assert page.url == f"{live_server.url}/therapist/"

    _fill_add_form(page, "taken@example.org")  # an address in use: inline error, typed kept
    assert page.locator("#id_add-email-error").inner_text() == (
        "Another account already uses this email address."
    )
    assert page.get_by_label("First name").input_value() == "Grace"
    assert page.get_by_label("Diagnosis (optional)").input_value() == "Rotator cuff tear"
    assert mail.outbox == []

    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_role("button", name="Add patient and send the invitation").click()
    page.wait_for_load_state("networkidle")
    grace = User.objects.get(email="grace@example.org")
    assert page.url == f"{live_server.url}/therapist/patients/{grace.pk}/"
    status = page.get_by_test_id("invite-status")
    assert status.get_attribute("data-state") == "sent"
    assert "grace@example.org" in status.inner_text()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["grace@example.org"]
    services.routine_create(
        therapist=therapist,
        patient=grace,
        title="Shoulder programme",
        items=[{"exercise": exercises_catalog["shoulder_abduction"], "reps": 8, "per_week": 7}],
    )
    context.close()

    link = re.search(r"(http://\S+/accounts/invite/\S+/)", mail.outbox[0].body).group(1)
    assert link.startswith(live_server.url)
    context = plain_browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Set your password"
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("The same password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    page.wait_for_url(f"{live_server.url}/patient/")
    assert page.get_by_role("heading", level=1).inner_text() == "Today's routine"
    assert page.get_by_role("heading", name="Shoulder programme").is_visible()
    grace.refresh_from_db()
    assert grace.check_password(NEW_PASSWORD)
    context.close()

    # Later, on another device: signing in with the chosen password lands on Today.
    context = plain_browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_server.url, grace.username, NEW_PASSWORD)
    assert page.url == f"{live_server.url}/patient/"
    assert page.get_by_role("heading", name="Shoulder programme").is_visible()

    # Today's exercise: its demonstration, then a video sent from the phone, then progress.
    page.get_by_role("link", name="Start Shoulder abduction").click()
    page.wait_for_selector("#demo-canvas")
    page.get_by_label("Video", exact=True).set_input_files(str(require_testdata("pose_1.mp4")))
    page.get_by_role("button", name="Send this video").click()
    # The analysis runs in the live server's thread: allow for a loaded machine, and say how
    # it ended rather than only that "done" never came.
    result = page.wait_for_selector(
        "#result[data-status=done], #result[data-status=failed]", timeout=120_000
    )
    assert result.get_attribute("data-status") == "done", result.inner_text()
    page.goto(f"{live_server.url}/patient/progress/")
    trend = page.get_by_test_id("progress-trend")
    assert trend.count() == 1 and "Shoulder abduction" in trend.inner_text()
    assert grace.sessions.get().status == "done"

    page.goto(link)  # single use
    assert "already used" in page.get_by_test_id("invite-problem").inner_text()
    context.close()
