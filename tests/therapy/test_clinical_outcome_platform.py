"""The clinical tests on the platform: the catalog entries reach the API, the routine builder
and the live page (timer); a scored session stores the outcome with the norm band for the
patient's age and sex (or the table when not known); the API and both session pages show it."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from tests.support.clinical_specs import CLINICAL_SLUGS, upload_body
from tests.support.synthetic import StandCycle, chair_stand_track
from therapy import services
from therapy.models import ExerciseSession, Routine, SessionStatus


@pytest.fixture
def chair_item(therapist, patient, exercises_catalog):
    routine = services.routine_create(
        therapist=therapist,
        patient=patient,
        title="Falls screen",
        items=[{"exercise": exercises_catalog["thirty_second_chair_stand"], "per_week": 1}],
    )
    return routine.items.get()


def _scored_session(client, item, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("therapy.tasks.session_analyze_task.delay", lambda _id: None)
    track, starts, fulls = chair_stand_track([StandCycle(1.0, 0.5, 1.0, 0.9)] * 12)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/sessions/",
            {"routine_item": item.pk, "keypoints": upload_body(track)},
            format="json",
        )
    assert response.status_code == 202, response.content
    session = services.session_analyze(session_id=response.json()["id"])
    assert session.status == SessionStatus.DONE, session.error
    return session, sum(f <= starts[0] + 30 for f in fulls)


def test_catalog_entries_reach_the_api_and_the_routine_builder(
    api_client_for, client, therapist, patient, exercises_catalog
):
    listed = api_client_for(therapist).get("/api/v1/exercises/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert set(CLINICAL_SLUGS) <= {row["slug"] for row in rows}
    sit = exercises_catalog["sit_to_stand"]  # a repetition exercise now, not "hold 30 s"
    assert (sit.default_sets, sit.default_reps, sit.default_hold_seconds or 0) == (2, 10, 0)
    client.force_login(therapist)
    client.post(
        f"/therapist/patients/{patient.pk}/routines/",
        {
            "new-title": "Falls",
            "new-exercise": "timed_up_and_go",
            "new-sets": "1",
            "new-reps": "1",
            "new-per_week": "1",
        },
    )
    routine = Routine.objects.get(patient=patient, title="Falls")
    assert routine.items.get().exercise.slug == "timed_up_and_go"


def test_outcome_uses_the_patients_age_and_sex(
    patient,
    chair_item,
    api_client_for,
    client,
    therapist,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    patient.date_of_birth = dt.date.today().replace(year=dt.date.today().year - 72)
    patient.sex = "female"
    patient.save()
    api = api_client_for(patient)
    session, expected = _scored_session(
        api, chair_item, monkeypatch, django_capture_on_commit_callbacks
    )
    outcome = api.get(f"/api/v1/sessions/{session.pk}/").json()["result"]["outcome"]
    assert outcome["test"] == "thirty_second_chair_stand" and outcome["count"] == expected == 9
    assert outcome["norm"]["band"]["label"] == "women aged 70-74"
    assert outcome["norm"]["age"] == 72 and outcome["norm"]["sex"] == "female"
    assert outcome["interpretation"].startswith("9 stands: below the normal range")
    for who, url in (
        (patient, f"/patient/sessions/{session.pk}/"),
        (therapist, f"/therapist/sessions/{session.pk}/"),
    ):
        client.force_login(who)
        page = client.get(url).content.decode()
        assert re.search(r'data-testid="outcome-figure">\s*9\s*<', page), who
        assert "women aged 70-74: 10–15 stands" in page
        assert "below the normal range for women aged 70-74" in page


def test_without_age_the_page_shows_the_table(
    patient, chair_item, api_client_for, client, monkeypatch, django_capture_on_commit_callbacks
):
    api = api_client_for(patient)
    session, _ = _scored_session(api, chair_item, monkeypatch, django_capture_on_commit_callbacks)
    outcome = api.get(f"/api/v1/sessions/{session.pk}/").json()["result"]["outcome"]
    assert "band" not in outcome["norm"] and len(outcome["norm"]["table"]) == 14
    client.force_login(patient)
    page = client.get(f"/patient/sessions/{session.pk}/").content.decode()
    assert 'data-testid="outcome-norm-table"' in page
    assert "age and sex are not known" in page


def test_other_exercises_have_no_outcome(patient, routine, api_client_for):
    from tests.support.sessions import make_done_session

    session = make_done_session(patient=patient, routine_item=routine.items.get())
    result = api_client_for(patient).get(f"/api/v1/sessions/{session.pk}/").json()["result"]
    assert result["outcome"] is None
    assert ExerciseSession.objects.count() == 1


def test_live_page_gets_the_timer(patient, chair_item, client):
    client.force_login(patient)
    page = client.get(f"/patient/exercise/{chair_item.pk}/").content.decode()
    config = json.loads(re.search(r'id="live-config"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert config["timer"] == {"kind": "countdown", "seconds": 30}
    assert config["joint"] == "knee_flexion"
