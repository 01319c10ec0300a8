"""Messages in Chromium: the therapist writes a note "for the patient" on a session; the
patient sees it on that session's page with the unread badge in the nav, and replies; the
therapist sees the unread reply on the dashboard and in the nav, opens the thread, and the
count falls to 0."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, log_in
from tests.support.sessions import make_done_session
from therapy.models import Message

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _signed_in(browser, base: str, username: str):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, username)
    return context, page


def test_note_for_the_patient_reply_and_unread_counts(
    plain_browser, live_server, therapist, patient, routine
):
    from playwright.sync_api import expect

    session = make_done_session(patient=patient, routine_item=routine.items.get())
    base = live_server.url

    # The therapist writes a note for the patient on the session's review page.
    context, page = _signed_in(plain_browser, base, therapist.username)
    page.goto(f"{base}/therapist/sessions/{session.pk}/")
    page.get_by_label("Note", exact=True).fill("Go a little slower on the way down.")
    page.get_by_label("For the patient").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note sent to the patient.")).to_be_visible()
    expect(page.get_by_test_id("session-message")).to_contain_text("a little slower")
    context.close()

    # The patient: a badge in the nav, the note on the session page, a reply.
    context, page = _signed_in(plain_browser, base, patient.username)
    badge = page.get_by_role("navigation").get_by_test_id("unread-badge")
    expect(badge).to_have_text("(1 unread)")
    page.goto(f"{base}/patient/sessions/{session.pk}/")
    expect(page.get_by_test_id("session-message")).to_contain_text(
        "Go a little slower on the way down."
    )
    page.get_by_label("Reply to your therapist").fill("Thank you, I will try that.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Message sent.")).to_be_visible()
    expect(page.get_by_test_id("session-message")).to_have_count(2)
    # Opening the thread reads the note: the badge goes.
    page.get_by_role("link", name="Messages").first.click()
    expect(page.get_by_test_id("message")).to_have_count(2)
    expect(page.get_by_test_id("message").first).to_contain_text("a little slower")
    expect(page.get_by_role("navigation").get_by_test_id("unread-badge")).to_have_count(0)
    context.close()

    # The therapist: the reply is unread on the dashboard and in the nav until opened.
    context, page = _signed_in(plain_browser, base, therapist.username)
    page.goto(f"{base}/therapist/")
    expect(page.get_by_role("navigation").get_by_test_id("unread-badge")).to_have_text(
        "(1 unread messages)"
    )
    unread = page.get_by_test_id("patient-unread")
    expect(unread).to_have_text("1 unread message")
    unread.click()
    expect(page.get_by_test_id("message").last).to_contain_text("Thank you, I will try that.")
    expect(page.get_by_test_id("message").last).to_contain_text(
        patient.get_full_name() or patient.username
    )
    page.goto(f"{base}/therapist/")
    expect(page.get_by_test_id("patient-unread")).to_have_count(0)
    expect(page.get_by_role("navigation").get_by_test_id("unread-badge")).to_have_count(0)
    context.close()

    assert Message.objects.filter(read_at=None).count() == 0
    assert list(Message.objects.values_list("author_id", flat=True)) == [therapist.pk, patient.pk]
