"""Acceptance of the routine builder in a real browser: start from a built-in template, keep
three exercises (one added from the catalog search), edit a dose, remove one and undo it, end
the routine after the confirm step and undo that too. Every step is checked on the page and in
the database.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, log_in, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _current(routine):
    return list(
        routine.items.filter(retired_at=None)
        .order_by("position")
        .values_list("exercise__slug", "sets", "reps", "hold_seconds", "per_week", "side")
    )


def test_build_edit_remove_undo_end(browser, live_server, therapist, patient, exercises_catalog):
    from therapy.models import Routine, RoutineRevision
    from therapy.services.routine_templates import routine_template_builtin_sync

    routine_template_builtin_sync()
    base = live_server.url
    context, page, errors = new_page(browser, DESKTOP, [])
    log_in(page, base, "therapist")
    page.goto(f"{base}/therapist/patients/{patient.pk}/")
    page.get_by_role("link", name="New routine").click()

    # --- from a template ----------------------------------------------------------------------
    page.get_by_label("Start from a template").select_option(label="Shoulder mobility (built in)")
    page.get_by_role("button", name="Use template").click()
    expect(page.get_by_label("Title")).to_have_value("Shoulder mobility")
    rows = page.locator("#builder-rows [data-row]:visible")
    expect(rows).to_have_count(4)  # three from the template + the empty row
    # drop the weekly range check (the Remove button, before anything is saved)
    rows.nth(2).get_by_role("button", name="Remove").click()
    # add a heel raise from the search box: it fills the empty row
    page.get_by_label("Search by name, body part or kind").fill("ankle")
    page.get_by_role("button", name="Add Heel raise").click()
    expect(rows).to_have_count(3)
    expect(rows.nth(2).get_by_label("Exercise", exact=True)).to_have_value("heel_raise")
    # move the heel raise to the top
    rows.nth(2).get_by_role("button", name="Move up").click()
    rows.nth(1).get_by_role("button", name="Move up").click()
    expect(rows.nth(0).get_by_label("Exercise", exact=True)).to_have_value("heel_raise")
    rows.nth(0).get_by_label("Side").select_option("left")
    page.get_by_role("button", name="Save routine").click()
    expect(page.get_by_text("Routine “Shoulder mobility” saved.")).to_be_visible()

    routine = Routine.objects.get(patient=patient)
    assert _current(routine) == [
        ("heel_raise", 3, 15, None, 3, "left"),
        ("shoulder_flexion", 2, 10, None, 7, "both"),
        ("shoulder_abduction", 2, 10, None, 7, "both"),
    ]
    assert RoutineRevision.objects.filter(routine=routine).count() == 1

    # --- edit a dose: invalid first (kept, error beside the field), then valid -----------------
    rows = page.locator("#builder-rows [data-row]:visible")
    expect(rows).to_have_count(4)  # three saved rows + the empty row
    rows.nth(1).get_by_label("Reps").fill("0")
    page.get_by_role("button", name="Save routine").click()
    expect(page.locator("#id_rows-1-reps-error")).to_contain_text("greater than or equal to 1")
    expect(page.locator("#id_rows-1-reps")).to_have_value("0")
    assert _current(routine)[1][2] == 10
    page.locator("#id_rows-1-reps").fill("12")
    page.get_by_role("button", name="Save routine").click()
    expect(page.get_by_text("Routine “Shoulder mobility” saved.")).to_be_visible()
    expect(page.locator("#id_rows-1-reps")).to_have_value("12")
    assert _current(routine)[1] == ("shoulder_flexion", 2, 12, None, 7, "both")
    flexion = routine.items.get(exercise__slug="shoulder_flexion", retired_at=None)
    assert flexion.replaces is not None and flexion.replaces.reps == 10  # retire-and-replace

    # --- remove one, then Undo ------------------------------------------------------------------
    rows = page.locator("#builder-rows [data-row]:visible")
    rows.nth(2).get_by_role("button", name="Remove").click()
    page.get_by_role("button", name="Save routine").click()
    undo = page.get_by_test_id("undo-remove")
    abduction = exercises_catalog["shoulder_abduction"].name
    expect(undo).to_contain_text(f"Removed {abduction}.")
    assert [r[0] for r in _current(routine)] == ["heel_raise", "shoulder_flexion"]
    undo.get_by_role("button", name=re.compile("^Undo")).click()
    expect(page.get_by_text(f"{abduction} is back in the routine.")).to_be_visible()
    assert [r[0] for r in _current(routine)] == [
        "heel_raise",
        "shoulder_flexion",
        "shoulder_abduction",
    ]
    expect(page.locator("#builder-rows [data-row]:visible")).to_have_count(4)

    # --- end the routine: confirm step, then Undo -----------------------------------------------
    page.get_by_role("link", name="End routine…").click()
    expect(page.get_by_role("heading", name="End “Shoulder mobility”?")).to_be_visible()
    routine.refresh_from_db()
    assert routine.end_date is None
    page.get_by_role("button", name="Yes, end the routine").click()
    today = timezone.localdate()
    ended = page.get_by_test_id("ended-routine")
    expect(ended).to_contain_text(f"Ended {today.day} {today:%b}")
    routine.refresh_from_db()
    assert routine.end_date == today
    ended.get_by_role("button", name=re.compile("^Undo")).click()
    expect(page.get_by_text("Routine “Shoulder mobility” runs again.")).to_be_visible()
    expect(page.get_by_test_id("routine")).to_contain_text("Heel raise")
    routine.refresh_from_db()
    assert routine.end_date is None
    assert errors == []
    context.close()
