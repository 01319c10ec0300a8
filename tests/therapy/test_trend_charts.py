"""The clinic's time zone on the pages, in the trend charts' data and in the CSV export; the
charts' captions name what they plot; an exercise with nothing measured gets a message instead
of empty axes; the norms' details (date of birth, sex) a therapist can set."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.support.sessions import (
    graded_result,
    make_done_session,
    recorded_result,
    too_short_result,
)
from therapy.models import Clinic, ExerciseSession
from therapy.selectors.results import trends_for_patient
from therapy.selectors.trust import figure_measures

pytestmark = pytest.mark.django_db

# 23:30 UTC on 15 January is already 12:30 the next day in Auckland (NZDT, UTC+13): a date
# shown in UTC would name the wrong day there.
AT = dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)
AUCKLAND = "Pacific/Auckland"


@pytest.fixture
def clinic(therapist, patient):
    clinic = Clinic.objects.create(name="Harbour Physio", time_zone=AUCKLAND)
    for user in (therapist, patient):
        user.clinic = clinic
        user.save()
    return clinic


def _session_at(patient, item, when, output=None, pain=None):
    s = make_done_session(patient=patient, routine_item=item, output=output)
    ExerciseSession.objects.filter(pk=s.pk).update(created_at=when, pain_score=pain)
    return s


def _trends_on_page(client, therapist, patient):
    client.force_login(therapist)
    body = client.get(f"/therapist/patients/{patient.pk}/").content.decode()
    data = re.search(r'<script id="trends-data" type="application/json">(.*?)</script>', body, re.S)
    return body, json.loads(data.group(1))


def test_time_zone_must_be_an_iana_name():
    Clinic(name="ok", time_zone="Europe/Berlin").full_clean()
    with pytest.raises(ValidationError, match="not a known time zone"):
        Clinic(name="bad", time_zone="Mars/Olympus").full_clean()
    assert Clinic.objects.create(name="default").time_zone == "UTC"  # settings.TIME_ZONE


def test_trend_points_carry_the_clinics_time(client, therapist, patient, routine, clinic):
    item = routine.items.get()
    _session_at(patient, item, AT, pain=3)
    _session_at(patient, item, AT + dt.timedelta(days=9), pain=2)
    with timezone.override(ZoneInfo(AUCKLAND)):
        (trend,) = trends_for_patient(patient=patient)
    first, second = trend["points"]
    assert first["t"] == "2026-01-16T12:30:00+13:00"
    assert first["date"] == "2026-01-16 12:30 NZDT"
    # Real times, so the chart's time axis spaces a 9-day gap as 9 days.
    gap = dt.datetime.fromisoformat(second["t"]) - dt.datetime.fromisoformat(first["t"])
    assert gap == dt.timedelta(days=9)

    body, trends = _trends_on_page(client, therapist, patient)  # the middleware's zone
    assert trends[0]["points"][0]["t"] == "2026-01-16T12:30:00+13:00"
    assert f'data-time-zone="{AUCKLAND}"' in body
    assert "Fri 16 Jan 2026, 12:30 NZDT" in body  # the sessions table
    report = client.get(f"/therapist/patients/{patient.pk}/report/").content.decode()
    assert f"Dates in the clinic's time zone, {AUCKLAND}." in report


def test_caption_names_the_plotted_measures_and_pain_has_its_own_axis(
    client, therapist, patient, routine, exercises_catalog
):
    from therapy import services

    balance = services.routine_create(
        therapist=therapist,
        patient=patient,
        title="Balance",
        items=[{"exercise": exercises_catalog["single_leg_stance"], "hold_seconds": 30}],
    ).items.get()
    _session_at(patient, routine.items.get(), AT)
    _session_at(patient, balance, AT, output=recorded_result("single_leg_stance"))
    body, trends = _trends_on_page(client, therapist, patient)
    by_slug = {t["slug"]: t for t in trends}
    stance = by_slug["single_leg_stance"]
    assert stance["caption"] == "Balance score (0–100) and pain (0–10), by date"
    assert "hold" not in stance["caption"].lower()
    shoulder = by_slug["shoulder_abduction"]
    assert "Repetitions counted" in shoulder["caption"] and "pain (0–10)" in shoulder["caption"]
    # Series axes: measures on y, counts on y2; pain on none of them (its own, in charts.js).
    assert {s["axis"] for s in shoulder["series"]} <= {"y", "y2"}
    assert all("pain" not in s["label"].lower() for s in shoulder["series"])
    assert "Balance score (0–100) and pain (0–10), by date" in body


def test_nothing_measured_shows_a_message_instead_of_empty_axes(
    client, therapist, patient, routine
):
    item = routine.items.get()
    # Every measure unreliable: the engine withholds every figure (count included).
    measures = set(figure_measures(item.exercise.protocol).values())
    withheld = graded_result(
        recorded_result(), **{m: ("unreliable", ["The arm left the picture."]) for m in measures}
    )
    _session_at(patient, item, AT, output=withheld, pain=4)
    body, trends = _trends_on_page(client, therapist, patient)
    assert trends[0]["measured"] == 0
    assert 'data-testid="trend-empty"' in body and 'class="trend-chart"' not in body
    # Too short to trust, but the count (0) is reported with its level: drawn, with a note.
    _session_at(patient, item, AT + dt.timedelta(days=1), output=too_short_result())
    body, trends = _trends_on_page(client, therapist, patient)
    assert (trends[0]["measured"], trends[0]["trusted_points"]) == (1, 0)
    assert 'class="trend-chart"' in body and 'data-testid="trend-untrusted"' in body
    _session_at(patient, item, AT + dt.timedelta(days=2))  # a trusted session
    body, trends = _trends_on_page(client, therapist, patient)
    assert (trends[0]["measured"], trends[0]["trusted_points"]) == (2, 1)
    assert 'data-testid="trend-empty"' not in body and 'data-testid="trend-untrusted"' not in body


def test_csv_dates_in_the_clinics_time_zone(client, therapist, patient, routine, clinic):
    _session_at(patient, routine.items.get(), AT)
    client.force_login(therapist)
    response = client.get(f"/therapist/patients/{patient.pk}/export.csv")
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["date"] == "2026-01-16T12:30:00+13:00"
    assert row["time_zone"] == AUCKLAND


def test_without_a_clinic_dates_are_in_the_sites_zone(client, therapist, patient, routine):
    _session_at(patient, routine.items.get(), AT)
    client.force_login(therapist)
    response = client.get(f"/therapist/patients/{patient.pk}/export.csv")
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["date"] == "2026-01-15T23:30:00+00:00" and row["time_zone"] == "UTC"


# --- Details for the clinical tests' norms --------------------------------------------------


def test_therapist_sets_date_of_birth_and_sex(client, therapist, patient, other_therapist):
    url = f"/therapist/patients/{patient.pk}/details/"
    data = {"date_of_birth": "1950-04-02", "sex": "female"}
    client.force_login(other_therapist)
    assert client.post(url, data).status_code == 404  # not their patient
    client.force_login(therapist)
    assert client.post(url, data).status_code == 302
    patient.refresh_from_db()
    assert patient.date_of_birth == dt.date(1950, 4, 2) and patient.sex == "female"
    client.post(url, {"date_of_birth": "2999-01-01", "sex": "male"})  # refused: the future
    patient.refresh_from_db()
    assert patient.date_of_birth == dt.date(1950, 4, 2) and patient.sex == "female"
    page = client.get(f"/therapist/patients/{patient.pk}/").content.decode()
    assert "Sex (for age/sex norms)" in page and 'value="1950-04-02"' in page


def test_patient_details_in_the_api_are_read_only(therapist, patient, api_client_for):
    patient.date_of_birth, patient.sex = dt.date(1961, 7, 30), "male"
    patient.save()
    client = api_client_for(therapist)
    listed = client.get("/api/v1/patients/").json()["results"]
    (me,) = [p for p in listed if p["id"] == patient.pk]
    assert me["date_of_birth"] == "1961-07-30" and me["sex"] == "male"
