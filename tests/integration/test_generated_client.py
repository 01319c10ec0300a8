"""A client generated from /api/schema/ by openapi-python-client (what a mobile team would do)
imports, and works unmodified against a real server: token, patients, a routine with nested
items, a clip upload (multipart), polling, the result, a keypoint track upload (JSON).

Analysis runs in-process (eager Celery), as in tests/browser; the worker path is covered by
test_worker_pipeline.py."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from tests.integration.test_worker_pipeline import _pose_1_track
from tests.support.shared_data import PASSWORD, require_testdata

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "therapose_client"
WAIT_SECONDS = 120


@pytest.fixture
def eager_analysis(settings):
    """Uploads are analysed in the live server's thread by the real engine."""
    from config.celery_app import app

    # Read the app's values before changing Django's settings (see tests/browser).
    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


@pytest.fixture
def generated_client(live_server, tmp_path, monkeypatch):
    """The client package generated from the live schema, importable for this test only."""
    import httpx

    schema = tmp_path / "schema.json"
    schema.write_bytes(httpx.get(live_server.url + reverse("api-schema") + "?format=json").content)
    done = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(schema), "--meta", "none"]
        + ["--output-path", str(tmp_path / PACKAGE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Only the binary clip download cannot be generated (openapi-python-client has no
    # video/mp4 responses); any other warning is a schema a client cannot use.
    output = (done.stdout + done.stderr).splitlines()
    warnings = [line for line in output if line.startswith("WARNING")]
    assert warnings == ["WARNING parsing GET /api/v1/sessions/{id}/clip/ within sessions."]

    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(PACKAGE)
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def _api(name: str):
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def _models():
    return importlib.import_module(f"{PACKAGE}.models")


def _signed_in(package, base_url: str, username: str):
    from_token = _api("auth.auth_token_create").sync(
        client=package.Client(base_url=base_url, raise_on_unexpected_status=True),
        body=_models().TokenInRequest(username=username, password=PASSWORD),
    )
    return package.AuthenticatedClient(
        base_url=base_url, token=from_token.token, prefix="Token", raise_on_unexpected_status=True
    )


def _wait_finished(client, session_id: int):
    retrieve = _api("sessions.sessions_retrieve")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        session = retrieve.sync(session_id, client=client)
        if session.status in ("done", "failed"):
            return session
        time.sleep(0.3)
    pytest.fail(f"session {session_id} still {session.status} after {WAIT_SECONDS} s")


def test_generated_client_runs_the_whole_flow(
    generated_client, live_server, therapist, patient, exercises_catalog, eager_analysis
):
    models, File = _models(), importlib.import_module(f"{PACKAGE}.types").File
    therapist_client = _signed_in(generated_client, live_server.url, therapist.username)

    patients = _api("patients.patients_list").sync(client=therapist_client)
    assert [(p.id, p.username) for p in patients.results] == [(patient.id, "patient")]

    # A routine with nested items: JSON (multipart could not carry the items).
    routine = _api("routines.routines_create").sync(
        client=therapist_client,
        body=models.RoutineInRequest(
            patient=patient.id,
            title="Shoulders",
            items=[
                models.RoutineItemInRequest(exercise="shoulder_abduction", reps=8, per_week=3),
                models.RoutineItemInRequest(exercise="squat", sets=2, reps=10),
            ],
        ),
    )
    assert routine.patient == patient.id
    assert [(i.exercise, i.reps) for i in routine.items] == [
        ("shoulder_abduction", 8),
        ("squat", 10),
    ]
    item = routine.items[0]

    patient_client = _signed_in(generated_client, live_server.url, patient.username)
    create = _api("sessions.sessions_create")
    clip_path = require_testdata("pose_1.mp4")
    with clip_path.open("rb") as clip:
        created = create.sync_detailed(
            client=patient_client,
            body=models.SessionClipInRequest(
                routine_item=item.id,
                clip=File(payload=clip, file_name="pose_1.mp4", mime_type="video/mp4"),
                pain_score=2,
                comment="fine",
            ),
        )
    assert created.status_code == 202, created.content
    session = _wait_finished(patient_client, created.parsed.id)
    assert session.status == "done", session.error
    assert (session.source, session.pain_score, session.comment) == ("clip", 2, "fine")
    assert session.result.rep_count == 1
    assert session.result.summary["measure"] == "mean_shoulder_abduction"

    series = _api("sessions.sessions_series_retrieve").sync(session.id, client=therapist_client)
    assert len(series.timestamps) == 120 and series.primary_angle

    track = _pose_1_track(require_testdata("pose_1.json"))
    from_track = create.sync(
        client=patient_client,
        body=models.SessionTrackInRequest(routine_item=item.id, keypoints=track),
    )
    session = _wait_finished(patient_client, from_track.id)
    assert session.status == "done", session.error
    assert session.source == "keypoints" and session.links.clip is None
    assert session.result.rep_count == 1
