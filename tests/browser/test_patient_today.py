"""The patient's side in a real browser: Today says what is due, done and next; the exercise
page animates its demonstration (and stays still under prefers-reduced-motion until Play); the
progress page draws a chart with a plain sentence.

Playwright drives Debian's Chromium (scripts/ensure_chromium.sh); without it the test skips,
except under CI=true.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import PHONE, log_in
from tests.support.sessions import make_done_session
from therapy import services
from therapy.models import ExerciseSession

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _log_in(context, base):
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, "patient")
    return page


def test_today_demo_and_progress(
    plain_browser, live_server, therapist, patient, routine, exercises_catalog
):
    from playwright.sync_api import expect

    patient.time_zone = "UTC"
    patient.save()
    squat = services.routine_create(
        therapist=therapist,
        patient=patient,
        title="Legs",
        items=[{"exercise": exercises_catalog["squat"], "reps": 10, "per_week": 1}],
    )
    make_done_session(patient=patient, routine_item=squat.items.get())
    item = routine.items.get()
    now = dt.datetime.now(dt.UTC)
    for days, pain in ((20, 6), (10, 3)):
        s = make_done_session(patient=patient, routine_item=item)
        ExerciseSession.objects.filter(pk=s.pk).update(
            created_at=now - dt.timedelta(days=days), pain_score=pain
        )

    base = live_server.url
    context = plain_browser.new_context(viewport=PHONE)
    page = _log_in(context, base)

    # Today: the shoulder exercise is due (listed first), the squat done with its next day.
    page.goto(f"{base}/patient/")
    cards = page.get_by_test_id("routine-item")
    expect(cards.filter(has_text="Shoulder")).to_contain_text("Due today")
    expect(cards.filter(has_text="Shoulder")).to_contain_text("0 of 3 this week")
    squat_card = cards.filter(has_text="Squat")
    expect(squat_card).to_contain_text("Done today")
    expect(squat_card).to_contain_text("1 of 1 this week")
    today = now.date()
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    expect(squat_card.get_by_test_id("next-due")).to_have_text(f"Next: {next_monday:%A}")

    # The demonstration moves: two pictures of the canvas a moment apart differ; Pause stops it.
    page.goto(f"{base}/patient/exercise/{item.pk}/")
    canvas = page.locator("#demo-canvas")
    expect(canvas).to_have_attribute("data-playing", "true")
    first = canvas.screenshot()
    page.wait_for_timeout(500)
    second = canvas.screenshot()
    assert first != second
    page.get_by_role("button", name="Pause the demonstration").click()
    expect(canvas).to_have_attribute("data-playing", "false")
    frame = canvas.get_attribute("data-frame")
    page.wait_for_timeout(400)
    assert canvas.get_attribute("data-frame") == frame
    expect(page.locator(".camera-view-words")).to_have_text("Phone in front of you")

    # Progress: a chart and a plain sentence.
    page.goto(f"{base}/patient/progress/")
    trend = page.get_by_test_id("progress-trend").filter(has_text="Shoulder")
    expect(trend.locator("canvas.trend-chart")).to_have_attribute("data-ready", "true")
    expect(trend).to_contain_text("Your arm raise to the side stayed at 160°")
    expect(trend).to_contain_text("Pain went down from 6 to 3 over 10 days.")
    context.close()


def test_reduced_motion_shows_a_still_until_play(plain_browser, live_server, patient, routine):
    from playwright.sync_api import expect

    context = plain_browser.new_context(viewport=PHONE, reduced_motion="reduce")
    page = _log_in(context, live_server.url)
    page.goto(f"{live_server.url}/patient/exercise/{routine.items.get().pk}/")
    canvas = page.locator("#demo-canvas")
    expect(canvas).to_have_attribute("data-playing", "false")
    still = canvas.get_attribute("data-frame")
    assert still not in (None, "0")  # the top of the movement, not the resting start
    page.wait_for_timeout(400)
    assert canvas.get_attribute("data-frame") == still
    page.get_by_role("button", name="Play the demonstration").click()
    expect(canvas).to_have_attribute("data-playing", "true")
    page.wait_for_timeout(400)
    assert canvas.get_attribute("data-frame") != still
    context.close()
