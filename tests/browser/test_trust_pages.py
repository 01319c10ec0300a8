"""The therapist's pages in a real browser show why a number is missing or to be checked, and
one number everywhere: the session's count tile, its per-repetition table and the CSV export
agree. The sessions hold the recorded engine output (tests/support/sessions.py) with their trust
changed through the typed contract; no camera, no analysis.

Playwright drives Debian's Chromium (scripts/ensure_chromium.sh); without it the test skips,
except under CI=true.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser.conftest import DESKTOP
from tests.support.sessions import graded_result, make_done_session, recorded_result
from tests.support.shared_data import PASSWORD

HIDDEN = "The shoulders and elbows were seen in 31% of the clip: film again with the arms in view."
SIDE = "Shoulder angles read low: the clip was filmed from the side, not from the front."

# serialized_rollback: the flush after each test leaves the migration-seeded catalog for the
# modules after this one.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_withheld_reason_and_one_count_everywhere(
    plain_browser, live_server, therapist, patient, routine
):
    from playwright.sync_api import expect

    item = routine.items.get()
    recorded = recorded_result("shoulder_abduction")  # one repetition, peak 159.7°
    withheld = make_done_session(
        patient=patient,
        routine_item=item,
        output=graded_result(recorded, count=("unreliable", [HIDDEN])),
    )
    checked = make_done_session(
        patient=patient,
        routine_item=item,
        output=graded_result(recorded, range=("check", [SIDE])),
    )
    base = live_server.url
    context = plain_browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(f"{base}/accounts/login/")

    # A withheld count: "–" and the reason, visible beside it.
    page.goto(f"{base}/therapist/sessions/{withheld.pk}/")
    expect(page.get_by_test_id("figure-count")).to_have_text("–")
    reason = page.get_by_test_id("trust-count")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("not measured")
    expect(reason).to_contain_text(HIDDEN)

    # A range to check: the reason beside the angle tile and over the table's angle columns;
    # the count tile, the table's rows and the CSV agree.
    page.goto(f"{base}/therapist/sessions/{checked.pk}/")
    expect(page.get_by_test_id("trust-peak_angle")).to_contain_text(SIDE)
    expect(page.get_by_test_id("rep-angle-trust")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Peak check")).to_be_visible()
    tile = int(page.get_by_test_id("figure-count").inner_text())
    table_rows = page.get_by_test_id("rep-table").locator("tbody tr:not(.partial)").count()
    response = page.request.get(f"{base}/therapist/patients/{patient.pk}/export.csv")
    assert response.ok
    rows = {int(r["session_id"]): r for r in csv.DictReader(io.StringIO(response.text()))}
    assert tile == table_rows == int(rows[checked.pk]["repetitions"]) == 1
    assert rows[checked.pk]["range_trust"] == "check" and SIDE in rows[checked.pk]["trust_reasons"]
    assert rows[withheld.pk]["repetitions"] == "" and rows[withheld.pk]["count_trust"] == (
        "unreliable"
    )
    context.close()
