"""Services: the analysis state machine, adherence, commands, health check, schema."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from django.core.management import call_command

from pose import ENGINE_VERSION, MeasureTrust
from pose.errors import VideoError
from tests.support.sessions import (
    engine_result,
    graded_result,
    make_clip_session,
    make_done_session,
    recorded_result,
    too_short_result,
)
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
        return engine_result(rep_count=3)

    monkeypatch.setattr("pose.pipeline.analyze_clip", engine)
    session = make_clip_session(patient=patient, routine_item=item)
    services.session_analyze(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE and session.attempts == 1
    assert session.started_at <= session.finished_at
    result = session.result
    assert result.rep_count == 3
    # The stored parts are the engine's own JSON (the typed parts' to_json()).
    recorded = recorded_result().measures
    assert result.summary == {**recorded.summary.to_json(), "count": 3}
    assert result.summary["peak_angle"] == 159.7 and result.summary["trusted"] is True
    assert result.reps["count"] == 3 and result.reps["items"] == recorded.reps.to_json()["items"]
    assert result.quality == recorded.quality.to_json()  # the clip had no warnings
    assert result.balance is None and result.primary_angle == "mean_shoulder_abduction"
    assert (
        result.series["angles"]["mean_shoulder_abduction"]
        == recorded.angles["mean_shoulder_abduction"]
    )
    assert len(result.series["timestamps"]) == 120
    assert (result.model, result.engine_version) == ("movenet-lightning", ENGINE_VERSION)
    assert result.keypoint_track.name.startswith("tracks/")
    path, kwargs = calls[0]
    assert path.endswith(".mp4") and kwargs["exercise"].slug == "shoulder_abduction"

    services.session_analyze(session_id=session.pk)  # a redelivered task changes nothing
    assert len(calls) == 1
    assert ExerciseSession.objects.get().attempts == 1


def test_redelivered_processing_session_is_analysed_again(patient, item, monkeypatch):
    monkeypatch.setattr("pose.pipeline.analyze_clip", lambda path, **kw: engine_result())
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
        therapist=therapist,
        base=exercises_catalog["squat"],
        name="Mini squat",
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


def test_rescore_sessions_recomputes_from_the_stored_track(patient, item):
    """The stored track, scored again by the real engine, gives the recorded answer (1
    repetition), not the 7 stored; the name of the model that made the track is kept."""
    session = make_done_session(patient=patient, routine_item=item, output=engine_result(7))
    out = io.StringIO()
    call_command("rescore_sessions", stdout=out)
    result = session.result
    result.refresh_from_db()
    recorded = recorded_result().measures
    assert result.rep_count == 1 and result.summary == recorded.summary.to_json()
    assert result.reps == recorded.reps.to_json() and result.quality == recorded.quality.to_json()
    assert result.model == "movenet-lightning"
    assert "reps 7 -> 1" in out.getvalue()


def test_untrusted_repetitions_are_stored_as_not_measured(patient, item):
    """A count the engine withheld (``unreliable``) is None, not 0, everywhere."""
    output = graded_result(
        too_short_result(),
        count=("unreliable", ["The shoulders were seen in 30% of the clip."]),
        range=("unreliable", ["The shoulders were seen in 30% of the clip."]),
    )
    assert output.measures.reps.count is None and not output.measures.quality.trusted
    session = make_done_session(patient=patient, routine_item=item, output=output)
    result = session.result
    assert result.rep_count is None and result.reps["count"] is None
    measures = selectors.result_measures(result)
    assert measures["count"] is None and measures["peak_angle"] is None
    assert measures["trusted"] is False
    assert "seen in 30% of the clip" in " ".join(measures["problems"])
    (point,) = selectors.trends_for_patient(patient=patient)[0]["points"]
    assert point["reps"] is None and point["trusted"] is False
    (row,) = selectors.export_rows(patient=patient)
    assert row[selectors.CSV_COLUMNS.index("repetitions")] is None
    out = io.StringIO()
    call_command("rescore_sessions", "--dry-run", stdout=out)
    assert "reps now not measured" in out.getvalue()


def test_balance_results_have_no_repetition_count(patient, therapist, exercises_catalog):
    from therapy import services as svc

    routine = svc.routine_create(
        therapist=therapist,
        patient=patient,
        title="Balance",
        items=[{"exercise": exercises_catalog["single_leg_stance"], "per_week": 3}],
    )
    output = recorded_result("single_leg_stance")
    session = make_done_session(patient=patient, routine_item=routine.items.get(), output=output)
    result = session.result
    assert result.rep_count is None and result.reps == {}
    assert result.balance == output.measures.balance.to_json()
    assert result.summary == output.measures.summary.to_json()
    measures = selectors.result_measures(result)
    # The hold and the score are "check" (the clip ended mid-hold): shown, with the reasons.
    assert measures["count"] is None and measures["hold_seconds"] == 3.933
    assert measures["balance_score"] == 5.4 and measures["trusted"] is False
    assert measures["trust"]["hold"].level == "check"
    (summary,) = selectors.report_summary(patient=patient)
    assert summary["measure_key"] == "balance_score" and summary["best"] == 5.4


def test_result_measures_read_the_summary_figures(patient, item):
    session = make_done_session(patient=patient, routine_item=item)
    measures = selectors.result_measures(session.result)
    assert measures == {
        "count": 1,
        "peak_angle": 159.7,
        "range_of_motion": 129.7,
        "balance_score": None,
        "hold_seconds": None,
        "trusted": True,
        "problems": [],
        "trust": {
            "count": MeasureTrust("ok"),
            "range": MeasureTrust("ok"),
            "tempo": MeasureTrust("ok"),
        },
    }


def test_result_measures_refuse_a_summary_outside_the_contract(patient, item):
    """The per-angle summary of old fixtures (never written by the engine) is not read."""
    from pose import ResultError

    session = make_done_session(patient=patient, routine_item=item)
    session.result.summary = {"left_shoulder_abduction": {"peak": 170.0, "range": 160.0}}
    with pytest.raises(ResultError, match="summary"):
        selectors.result_measures(session.result)


def test_person_not_found_fails_the_session(patient, item, monkeypatch):
    output = engine_result()
    nobody = replace(output, track=replace(output.track, person_found=False))
    monkeypatch.setattr("pose.pipeline.analyze_clip", lambda path, **kw: nobody)
    session = make_clip_session(patient=patient, routine_item=item)
    services.session_analyze(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.FAILED and session.error == services.NO_PERSON_ERROR


def test_uploaded_track_is_scored_by_the_engine(patient, item):
    """A device track is scored by the real engine; the model named by the upload is kept."""
    track = recorded_result().track
    upload = {**track.to_json(), "model": "movenet-lightning-tfjs"}
    session = services.session_create_from_track(patient=patient, routine_item=item, track=upload)
    services.session_analyze(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE
    assert session.result.rep_count == 1 and session.result.model == "movenet-lightning-tfjs"
    assert session.result.keypoint_track.name == session.uploaded_track.name


def test_healthz_reports_a_broker_outage(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": True, "broker": False}


def test_openapi_schema_validates():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())
