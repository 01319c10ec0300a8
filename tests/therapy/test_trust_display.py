"""Each number with its trust (the engine's ``quality.trust``): the result tiles, the repetition
table, the patient's history, the therapist's trends, the CSV export and the API. The results are
the recorded engine outputs (``tests/support/sessions.py``) with their trust changed through the
typed contract (:func:`tests.support.sessions.graded_result`)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from tests.support.sessions import (
    engine_result,
    graded_result,
    make_done_session,
    recorded_result,
)
from therapy import services
from therapy.selectors.reporting import CSV_COLUMNS

pytestmark = pytest.mark.django_db

FRONT = "Shoulder angles read low: the clip was filmed from the side, not from the front."
HIDDEN = "The shoulders and elbows were seen in 31% of the clip: film again with the arms in view."


@pytest.fixture
def item(routine):
    return routine.items.get()


def _text(html: str) -> str:
    """The page's visible words, tags removed and whitespace collapsed."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.])", r"\1", words)


def _element(html: str, testid: str) -> str:
    """The text of the first element with ``data-testid=testid`` (up to its closing tag)."""
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(dd|td|p|ul|table)>', html, re.S)
    assert match, f"no element {testid!r}"
    return _text(match.group(1))


def _page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _csv_rows(client, therapist, patient) -> list[dict[str, str]]:
    client.force_login(therapist)
    response = client.get(f"/therapist/patients/{patient.pk}/export.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_check_range_shows_its_reason_beside_the_angle_tiles_and_the_table(
    client, therapist, patient, item
):
    output = graded_result(engine_result(rep_count=1), range=("check", [FRONT]))
    session = make_done_session(patient=patient, routine_item=item, output=output)

    html = _page(client, therapist, f"/therapist/sessions/{session.pk}/")
    assert _element(html, "figure-peak_angle") == "160°"  # shown: only unreliable is withheld
    assert _element(html, "trust-peak_angle") == f"check {FRONT}"
    assert _element(html, "trust-range_of_motion") == f"check {FRONT}"
    assert _element(html, "figure-count") == "1"
    assert _element(html, "trust-count") == "✓ measured reliably"  # the words for screen readers
    assert FRONT in _element(html, "rep-angle-trust")
    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert "Peak check" in _text(header) and "Range of motion check" in _text(header)

    patient_html = _page(client, patient, f"/patient/sessions/{session.pk}/")
    assert _element(patient_html, "trust-peak_angle") == (
        f"check Check with your therapist: {FRONT}"
    )


def test_unreliable_count_shows_a_dash_and_the_reason(client, therapist, patient, item):
    output = graded_result(engine_result(rep_count=4), count=("unreliable", [HIDDEN]))
    session = make_done_session(patient=patient, routine_item=item, output=output)
    assert session.result.rep_count is None

    html = _page(client, therapist, f"/therapist/sessions/{session.pk}/")
    assert _element(html, "figure-count") == "–"
    assert _element(html, "trust-count") == f"not measured {HIDDEN}"
    assert _element(html, "figure-peak_angle") == "160°"  # the range is still ok
    assert _element(html, "trust-peak_angle") == "✓ measured reliably"

    history = _page(client, patient, "/patient/history/")
    assert _element(history, "history-result") == "reps not measured"
    (row,) = _csv_rows(client, therapist, patient)
    assert row["repetitions"] == "" and row["count_trust"] == "unreliable"
    assert row["trust_reasons"] == f"count: {HIDDEN}"


def test_a_result_stored_before_trust_still_renders(client, therapist, patient, item):
    session = make_done_session(
        patient=patient, routine_item=item, output=engine_result(rep_count=2)
    )
    result = session.result
    del result.quality["trust"]
    result.save(update_fields=["quality"])

    html = _page(client, therapist, f"/therapist/sessions/{session.pk}/")
    assert _element(html, "figure-count") == "2"
    assert 'data-testid="trust-count"' not in html  # level unknown: no badge
    assert "met every quality check" in html
    (row,) = _csv_rows(client, therapist, patient)
    assert row["repetitions"] == "2" and row["count_trust"] == "" and row["trust_reasons"] == ""
    history = _page(client, patient, "/patient/history/")
    assert _element(history, "history-result").startswith("2 reps")


def test_csv_count_equals_the_tile_and_has_the_trust_columns(client, therapist, patient, item):
    output = graded_result(
        engine_result(rep_count=3),
        count=("check", [FRONT]),
        range=("check", [FRONT]),
    )
    session = make_done_session(patient=patient, routine_item=item, output=output)
    html = _page(client, therapist, f"/therapist/sessions/{session.pk}/")
    tile = _element(html, "figure-count")
    assert tile == "3"  # a count to check is shown, with its reasons
    assert _element(html, "trust-count") == f"check {FRONT}"

    (row,) = _csv_rows(client, therapist, patient)
    assert row["repetitions"] == tile
    assert [c for c in CSV_COLUMNS if c.endswith("_trust")] == [
        "count_trust",
        "range_trust",
        "tempo_trust",
        "hold_trust",
        "score_trust",
        "sway_trust",
        "test_trust",
    ]
    assert (row["count_trust"], row["range_trust"], row["tempo_trust"]) == (
        "check",
        "check",
        "ok",
    )
    assert row["hold_trust"] == "" and row["trusted"] == "False"
    assert row["trust_reasons"] == f"count: {FRONT} | range: {FRONT}"

    # The therapist's trend table and the patient's history mark the count to check.
    page = _page(client, therapist, f"/therapist/patients/{patient.pk}/")
    assert "3 (check)" in _text(page) and "159.7 (check)" in _text(page)
    sessions_table = page[page.index('id="sessions-h"') :]
    assert "Done 3 check" in _text(sessions_table)
    report = _page(client, therapist, f"/therapist/patients/{patient.pk}/report/")
    recent = report[report.index("Recent sessions") :]
    assert "3 check" in _text(recent)
    history = _page(client, patient, "/patient/history/")
    assert _element(history, "history-result") == "3 reps check, best 160° check"


def test_balance_events_and_hold_trust_on_the_session_page(
    client, therapist, patient, exercises_catalog
):
    routine = services.routine_create(
        therapist=therapist,
        patient=patient,
        title="Balance",
        items=[{"exercise": exercises_catalog["single_leg_stance"], "per_week": 3}],
    )
    output = recorded_result("single_leg_stance")
    session = make_done_session(patient=patient, routine_item=routine.items.get(), output=output)
    html = _page(client, therapist, f"/therapist/sessions/{session.pk}/")
    (event,) = output.measures.balance.events
    assert _element(html, "balance-events") == f"Arms at 1.0–2.7 s: {event.detail}"
    hold_reasons = " ".join(output.measures.quality.trust["hold"].reasons)
    assert _element(html, "trust-hold_seconds") == f"check {hold_reasons}"
    assert _element(html, "figure-score") == "5.4"


def test_api_result_has_a_top_level_trust(api_client_for, therapist, patient, item):
    output = graded_result(engine_result(rep_count=2), range=("check", [FRONT]))
    session = make_done_session(patient=patient, routine_item=item, output=output)
    body = api_client_for(therapist).get(f"/api/v1/sessions/{session.pk}/").json()
    result = body["result"]
    assert result["trust"] == result["quality"]["trust"]
    assert result["trust"]["range"] == {"level": "check", "reasons": [FRONT]}
    assert result["trust"]["count"] == {"level": "ok", "reasons": []}
    assert result["rep_count"] == 2


def test_api_trust_is_empty_for_results_stored_before_it(api_client_for, patient, item):
    session = make_done_session(patient=patient, routine_item=item)
    del session.result.quality["trust"]
    session.result.save(update_fields=["quality"])
    body = api_client_for(patient).get(f"/api/v1/sessions/{session.pk}/").json()
    assert body["result"]["trust"] == {} and body["result"]["quality"]["trusted"] is True


def test_schema_describes_trust(api_client_for, therapist):
    import yaml

    schema = yaml.safe_load(api_client_for(therapist).get("/api/schema/").content)
    trust = schema["components"]["schemas"]["ResultOut"]["properties"]["trust"]
    assert trust["readOnly"] is True and "unreliable" in trust["description"]
    level = schema["components"]["schemas"]["MeasureTrustOut"]["properties"]["level"]
    name = level["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][name]["enum"] == ["ok", "check", "unreliable"]
