"""Services: the analysis state machine, adherence, commands, health check, schema."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from therapy_helpers import fake_output, make_clip_session, make_done_session

from pose.errors import VideoError
from therapy import selectors, services
from therapy.models import ExerciseSession, Routine, SessionStatus, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(routine):
    return routine.items.get()


def test_analyze_stores_result_and_is_idempotent(patient, item, monkeypatch):
    calls = []

    def engine(path, **kwargs):
        calls.append((path, kwargs))
        return fake_output(rep_count=3)

    monkeypatch.setattr("pose.pipeline.analyze_clip", engine)
    session = make_clip_session(patient=patient, routine_item=item)
    services.session_analyze(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE and session.attempts == 1
    assert session.started_at <= session.finished_at
    assert session.result.rep_count == 3
    assert session.result.angles_summary["left_shoulder_abduction"]["peak"] == 170.0
    assert session.result.series["angles"]["left_shoulder_abduction"][1] == 90.0
    assert session.result.keypoint_track.name.startswith("tracks/")
    path, kwargs = calls[0]
    assert path.endswith(".mp4") and kwargs["exercise"].slug == "shoulder_abduction"

    services.session_analyze(session_id=session.pk)  # a redelivered task changes nothing
    assert len(calls) == 1
    assert ExerciseSession.objects.get().attempts == 1


def test_redelivered_processing_session_is_analysed_again(patient, item, monkeypatch):
    monkeypatch.setattr("pose.pipeline.analyze_clip", lambda path, **kw: fake_output())
    session = make_clip_session(patient=patient, routine_item=item, status=SessionStatus.PROCESSING)
    services.session_analyze(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE


def test_engine_error_fails_the_session_with_its_message(patient, item, monkeypatch):
    def engine(path, **kwargs):
        raise VideoError("The file is not a video we can read.")

    monkeypatch.setattr("pose.pipeline.analyze_clip", engine)
    session = make_clip_session(patient=patient, routine_item=item)
    services.session_analyze(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.FAILED
    assert session.error == "The file is not a video we can read."


def test_task_turns_a_crash_into_a_failed_session(patient, item, monkeypatch):
    from therapy.tasks import INTERNAL_ERROR, session_analyze_task

    def engine(path, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("pose.pipeline.analyze_clip", engine)
    session = make_clip_session(patient=patient, routine_item=item)
    session_analyze_task.apply(args=[session.pk])
    session.refresh_from_db()
    assert session.status == SessionStatus.FAILED and session.error == INTERNAL_ERROR


def test_missing_session_is_ignored():
    assert services.session_analyze(session_id=987654) is None


def test_custom_exercise_spec_overrides_params(therapist, exercises_catalog):
    from exercises.services import exercise_create_custom, exercise_spec

    custom = exercise_create_custom(
        therapist=therapist, base=exercises_catalog["squat"], name="Mini squat",
        params={"min_range": 12},
    )
    spec = exercise_spec(custom)
    assert spec.slug == custom.slug and spec.protocol == "reps_on_angle"
    assert spec.params["min_range"] == 12
    assert spec.params["joint"] == exercises_catalog["squat"].params["joint"]


def test_adherence_counts_done_sessions_against_prescription(patient, item):
    assert selectors.adherence_for_patient(patient=patient)["prescribed"] == 3
    for _ in range(4):  # more than prescribed: capped
        make_done_session(patient=patient, routine_item=item)
    make_clip_session(patient=patient, routine_item=item, status=SessionStatus.FAILED)
    adherence = selectors.adherence_for_patient(patient=patient)
    assert (adherence["done"], adherence["prescribed"], adherence["ratio"]) == (3, 3, 1.0)
    last_week = selectors.week_start_of() - __import__("datetime").timedelta(weeks=1)
    assert selectors.adherence_for_patient(patient=patient, week_start=last_week)["done"] == 0


def test_seed_demo_is_idempotent(exercises_catalog):
    out = io.StringIO()
    call_command("seed_demo", "--password", "pw-one-two-three", stdout=out)
    call_command("seed_demo", "--password", "pw-one-two-three", stdout=out)
    patient = User.objects.get(username="demo-patient")
    assert patient.therapist.username == "demo-therapist"
    assert patient.check_password("pw-one-two-three")
    routine = Routine.objects.get(patient=patient)
    assert sorted(i.exercise.slug for i in routine.items.all()) == sorted(
        ["squat", "seated_knee_extension", "shoulder_abduction", "single_leg_stance"]
    )
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    password = out.getvalue().split("demo-patient / ")[1].split()[0]
    assert User.objects.get(username="demo-patient").check_password(password)


def test_rescore_sessions_recomputes_from_the_stored_track(patient, item, monkeypatch):
    session = make_done_session(patient=patient, routine_item=item)
    seen = []

    def fake_score(track, spec, brightness=None):
        seen.append(track.frames)
        return {"reps": {"count": 7}, "summary": {"x": 1}, "angles": {}, "quality": {}}

    monkeypatch.setattr("pose.scoring.score_track", fake_score)
    out = io.StringIO()
    call_command("rescore_sessions", stdout=out)
    session.result.refresh_from_db()
    assert seen == [4] and session.result.rep_count == 7
    assert "reps 1 -> 7" in out.getvalue()


def test_healthz_reports_a_broker_outage(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": True, "broker": False}


def test_openapi_schema_validates():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())
