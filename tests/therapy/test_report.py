"""The printable report: patient identifiers, no empty weeks before the first routine started,
each exercise's chart beside its table, and the therapist's assessment (printed, not stored)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.support.sessions import make_done_session
from therapy.models import Clinic
from therapy.selectors.adherence import week_start_of
from therapy.selectors.reporting import report_adherence
from therapy.services.routines import routine_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def started_last_week(therapist, patient, exercises_catalog):
    clinic = Clinic.objects.create(name="Harbour Physio")
    patient.clinic = clinic
    patient.date_of_birth = dt.date(1950, 3, 4)
    patient.diagnosis = "Right total knee replacement"
    patient.save()
    start = timezone.localdate() - dt.timedelta(days=7)
    routine = routine_save(
        routine=None,
        patient=patient,
        therapist=therapist,
        title="Knee",
        start_date=start,
        items=[{"exercise": exercises_catalog["shoulder_abduction"], "reps": 10}],
    )
    make_done_session(patient=patient, routine_item=routine.items.get())
    return start


def test_no_empty_weeks_before_the_first_routine(patient, started_last_week):
    weeks = report_adherence(patient=patient, weeks=8)
    this_week = week_start_of()
    assert [w["week_start"] for w in weeks] == [
        this_week,
        this_week - dt.timedelta(weeks=1),
    ]
    assert weeks[-1]["week_start"] == week_start_of(started_last_week)


def test_no_weeks_without_a_routine(other_patient):
    assert report_adherence(patient=other_patient) == []


def test_long_routines_show_at_most_eight_weeks(therapist, patient, exercises_catalog):
    routine_save(
        routine=None,
        patient=patient,
        therapist=therapist,
        title="Old",
        start_date=timezone.localdate() - dt.timedelta(weeks=20),
        items=[{"exercise": exercises_catalog["squat"]}],
    )
    assert len(report_adherence(patient=patient, weeks=8)) == 8


def test_report_page_identifiers_charts_and_assessment(
    client, therapist, patient, started_last_week
):
    client.force_login(therapist)
    url = f"/therapist/patients/{patient.pk}/report/"
    body = client.get(url).content.decode()
    for text in (
        patient.get_full_name(),
        "4 Mar 1950",
        "Right total knee replacement",
        "Harbour Physio",
        therapist.get_full_name(),
        f"{started_last_week:%-d %b %Y} – {timezone.localdate():%-d %b %Y}",
    ):
        assert text in body, text
    assert body.count('data-testid="adherence-week"') == 2
    assert 'class="trend report-pair"' in body and 'class="trend-chart"' in body
    assert 'id="trends-data"' in body and "js/charts.js" in body
    body = client.post(url, {"assessment": "Walking without a stick.\nReview in 2 weeks."})
    text = body.content.decode()
    assert body.status_code == 200
    assert "<p>Walking without a stick.<br>Review in 2 weeks.</p>" in text
    # not stored: the next visit has no assessment
    assert "Walking without a stick." not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("patient", 403), ("other_therapist", 404), ("other_patient", 403)],
)
def test_report_refused_to_outsiders(client, users, who, expected):
    client.force_login(users[who])
    url = f"/therapist/patients/{users['patient'].pk}/report/"
    assert client.get(url).status_code == expected
    assert client.post(url, {"assessment": "x"}).status_code == expected
