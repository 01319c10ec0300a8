"""Faults with real processes: a worker SIGKILLed mid-analysis, Redis restarted with sessions
queued, a task failing again and again, the same task delivered twice, and the periodic sweep
that re-sends what was lost (the database, not the broker, is the truth about sessions)."""

from __future__ import annotations

import io
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.support.media import loop_clip
from tests.support.sessions import engine_result, make_clip_session
from tests.support.shared_data import require_testdata, skip_or_fail
from tests.support.worker_process import ROOT, WorkerProcess, purge_pose_queue, worker_env
from therapy import services
from therapy.models import ExerciseSession, SessionResult, SessionStatus
from therapy.tasks import INTERNAL_ERROR, session_analyze_task

WAIT_SECONDS = 90


def _track(frames: int = 30) -> dict:
    return {
        "model": "device",
        "video": {"width": 640, "height": 480},
        "timestamps": [i / 30 for i in range(frames)],
        "keypoints": [[[320.0, 240.0, 0.9]] * 17 for _ in range(frames)],
    }


def _wait_status(
    session_id: int,
    statuses: set[str],
    timeout: float = WAIT_SECONDS,
    worker: WorkerProcess | None = None,
) -> ExerciseSession:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session = ExerciseSession.objects.get(pk=session_id)
        if session.status in statuses:
            return session
        time.sleep(0.1)
    log = worker.log()[-3000:] if worker else ""
    pytest.fail(f"session {session_id} still {session.status} after {timeout} s\n{log}")


# --- Without a worker: the state machine, retries, duplicates, the sweep ------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_a_task_failing_every_time_ends_failed_after_bounded_retries(
    patient, routine, monkeypatch, api_client_for
):
    calls = []

    def broken_storage(path, **kwargs):
        calls.append(path)
        raise OSError("storage unreachable")

    monkeypatch.setattr("pose.pipeline.analyze_clip", broken_storage)
    session = make_clip_session(patient=patient, routine_item=routine.items.get())
    session_analyze_task.apply(args=[session.pk])  # eager: the retries run at once
    session.refresh_from_db()
    assert len(calls) == session_analyze_task.max_retries + 1 == 4
    assert session.status == SessionStatus.FAILED and session.error == INTERNAL_ERROR
    assert session.attempts == 4

    # The patient sees why, and can try again.
    client = api_client_for(patient)
    body = client.get(f"/api/v1/sessions/{session.pk}/").json()
    assert (body["status"], body["error"]) == (SessionStatus.FAILED, INTERNAL_ERROR)
    monkeypatch.setattr("pose.pipeline.analyze_clip", lambda path, **kw: engine_result(2))
    retried = client.post(f"/api/v1/sessions/{session.pk}/retry/")
    assert retried.status_code == 202 and retried.json()["status"] == SessionStatus.QUEUED
    session_analyze_task.apply(args=[session.pk])
    body = client.get(f"/api/v1/sessions/{session.pk}/").json()
    assert (
        body["status"] == SessionStatus.DONE
        and body["result"]["rep_count"] == 2
        and body["error"] == ""
    )


@pytestmark_db
def test_a_session_that_keeps_killing_its_worker_stops_after_its_attempts(
    patient, routine, settings, monkeypatch
):
    monkeypatch.setattr(
        "pose.pipeline.analyze_clip", lambda path, **kw: pytest.fail("must not run again")
    )
    session = make_clip_session(
        patient=patient, routine_item=routine.items.get(), status=SessionStatus.PROCESSING
    )
    ExerciseSession.objects.filter(pk=session.pk).update(attempts=settings.ANALYSIS_MAX_ATTEMPTS)
    session_analyze_task.apply(args=[session.pk])  # a redelivery after the last crash
    session.refresh_from_db()
    assert session.status == SessionStatus.FAILED
    assert f"interrupted {settings.ANALYSIS_MAX_ATTEMPTS} times" in session.error


@pytestmark_db
def test_duplicate_delivery_analyses_once_and_stores_one_result(patient, routine, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "pose.pipeline.analyze_clip", lambda path, **kw: calls.append(path) or engine_result(3)
    )
    session = make_clip_session(patient=patient, routine_item=routine.items.get())
    for _ in range(3):
        session_analyze_task.apply(args=[session.pk], task_id="same-task-id")
    assert len(calls) == 1
    assert SessionResult.objects.filter(session=session).count() == 1
    assert ExerciseSession.objects.get(pk=session.pk).attempts == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicate_deliveries_store_one_result(patient, routine, monkeypatch):
    """Two workers receive the same task at the same moment (a redelivery racing the first)."""
    from django.db import connection

    started = threading.Barrier(2, timeout=10)

    def slow_engine(path, **kwargs):
        time.sleep(0.3)
        return engine_result(4)

    monkeypatch.setattr("pose.pipeline.analyze_clip", slow_engine)
    session = make_clip_session(patient=patient, routine_item=routine.items.get())
    errors = []

    def deliver():
        try:
            started.wait()
            services.session_analyze(session_id=session.pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE
    assert SessionResult.objects.filter(session=session).count() == 1
    assert session.result.rep_count == 4


@pytestmark_db
def test_sweep_requeues_stuck_and_lost_sessions(
    patient, routine, settings, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(session_analyze_task, "delay", lambda session_id: sent.append(session_id))
    item = routine.items.get()
    now = timezone.now()
    long_ago = now - timedelta(seconds=settings.STUCK_PROCESSING_SECONDS + 60)

    def make(status, **fields):
        session = make_clip_session(patient=patient, routine_item=item, status=status)
        ExerciseSession.objects.filter(pk=session.pk).update(**fields)
        return session

    stuck = make(SessionStatus.PROCESSING, started_at=long_ago, attempts=1)
    exhausted = make(
        SessionStatus.PROCESSING, started_at=long_ago, attempts=settings.ANALYSIS_MAX_ATTEMPTS
    )
    running = make(SessionStatus.PROCESSING, started_at=now, attempts=1)
    lost = make(
        SessionStatus.QUEUED, queued_at=now - timedelta(seconds=settings.STUCK_QUEUED_SECONDS + 1)
    )
    fresh = make(SessionStatus.QUEUED, queued_at=now)
    done = make(SessionStatus.DONE, started_at=long_ago)

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_stuck_sessions", stdout=out)
    assert sorted(sent) == sorted([stuck.pk, lost.pk])
    assert "re-queued 1 stuck in processing, re-sent 1 queued, failed 1 out of attempts" in (
        out.getvalue()
    )
    states = {s.pk: s for s in ExerciseSession.objects.all()}
    assert states[stuck.pk].status == SessionStatus.QUEUED
    assert states[stuck.pk].queued_at >= now
    assert states[exhausted.pk].status == SessionStatus.FAILED
    assert "interrupted" in states[exhausted.pk].error
    assert states[running.pk].status == SessionStatus.PROCESSING
    assert states[fresh.pk].queued_at == now
    assert states[done.pk].status == SessionStatus.DONE

    # A second sweep right away finds nothing: re-sent sessions are fresh again.
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_stuck_sessions", stdout=io.StringIO())
    assert sent == []


def test_the_sweep_runs_periodically_under_celery_beat(settings):
    from config.celery_app import app

    entry = app.conf.beat_schedule["requeue-stuck-sessions"]
    assert entry["task"] == "therapy.tasks.sessions_requeue_stuck_task"
    assert entry["schedule"] <= 600
    assert "therapy.tasks.sessions_requeue_stuck_task" in app.tasks
    # Redelivery after a lost worker: late acknowledgement, and a visibility timeout above
    # the longest analysis, so a slow analysis is never handed to a second worker.
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit
    assert settings.STUCK_PROCESSING_SECONDS > app.conf.task_time_limit


# --- Real worker processes ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fault-media")


@pytest.fixture
def fault_media(settings, shared_media):
    settings.MEDIA_ROOT = shared_media
    return shared_media


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory) -> Path:
    """pose_1.mp4 looped to 16 s at 288x288: about 5 s of analysis, long enough to kill."""
    source = require_testdata("pose_1.mp4")
    return loop_clip(source, tmp_path_factory.mktemp("clips") / "long.mp4", 16, side=288)


@pytest.fixture
def start_worker(fault_media, tmp_path, django_db_blocker):
    from django.conf import settings
    from django.db import connection

    purge_pose_queue()
    workers: list[WorkerProcess] = []

    def start(name: str = "fault", *, beat: bool = False) -> WorkerProcess:
        env = worker_env(
            media_root=fault_media,
            broker_url=settings.CELERY_BROKER_URL,
            database=connection.settings_dict,
        )
        worker = WorkerProcess(
            env=env,
            log_path=tmp_path / f"{name}-{len(workers)}.log",
            name=name,
            beat_schedule=tmp_path / f"beat-{len(workers)}" if beat else None,
        )
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop(timeout=10)


def _upload_clip(api_client_for, patient, item, clip: Path) -> int:
    with clip.open("rb") as fh:
        response = api_client_for(patient).post(
            "/api/v1/sessions/", {"routine_item": item.pk, "clip": fh}, format="multipart"
        )
    assert response.status_code == 202, response.content
    return response.json()["id"]


def _wait_processing(session_id: int, worker: WorkerProcess) -> None:
    _wait_status(session_id, {SessionStatus.PROCESSING}, timeout=30, worker=worker)
    time.sleep(1.0)  # well inside the analysis (about 5 s)
    assert ExerciseSession.objects.get(pk=session_id).status == SessionStatus.PROCESSING


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_killed_mid_analysis_then_a_worker_comes_back(
    start_worker, long_clip, api_client_for, patient, routine
):
    """SIGKILL of the whole worker: the message stays unacknowledged in Redis (restored only
    after the visibility timeout), the session stays ``processing``; a new worker and the
    sweep finish it."""
    item = routine.items.get()
    worker = start_worker("doomed")
    session_id = _upload_clip(api_client_for, patient, item, long_clip)
    _wait_processing(session_id, worker)
    worker.kill()
    assert ExerciseSession.objects.get(pk=session_id).status == SessionStatus.PROCESSING

    replacement = start_worker("replacement")
    out = io.StringIO()
    call_command("requeue_stuck_sessions", "--processing-for", "0", stdout=out)
    assert "re-queued 1 stuck in processing" in out.getvalue()
    session = _wait_status(
        session_id, {SessionStatus.DONE, SessionStatus.FAILED}, worker=replacement
    )
    assert session.status == SessionStatus.DONE, session.error
    assert session.attempts == 2
    assert SessionResult.objects.filter(session_id=session_id).count() == 1
    assert session.result.rep_count >= 1
    assert len(session.result.series["timestamps"]) == 480  # every frame of the 16 s clip


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_child_killed_mid_analysis_is_redelivered_at_once(
    start_worker, long_clip, api_client_for, patient, routine
):
    """SIGKILL of the prefork child only: the parent sees the loss and, with acks_late and
    reject_on_worker_lost, puts the message back; a fresh child completes it. No sweep."""
    item = routine.items.get()
    worker = start_worker("child-kill")
    session_id = _upload_clip(api_client_for, patient, item, long_clip)
    _wait_processing(session_id, worker)
    children = worker.children()
    assert len(children) == 1
    subprocess.run(["kill", "-KILL", str(children[0])], check=True)
    session = _wait_status(session_id, {SessionStatus.DONE, SessionStatus.FAILED}, worker=worker)
    assert session.status == SessionStatus.DONE, session.error
    assert session.attempts == 2
    assert SessionResult.objects.filter(session_id=session_id).count() == 1
    assert "WorkerLostError" in worker.log() or "signal 9" in worker.log()


def _redis_up() -> bool:
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"],
        capture_output=True,
        text=True,
        timeout=5,
    )
    return result.stdout.strip() == "PONG"


@pytest.fixture
def redis_restart():
    """Stop the real Redis on 127.0.0.1:6379 and start it again exactly as
    scripts/services.sh does (no persistence: every queued message is lost). Redis is up
    again when the test ends, whatever happens."""
    if not _redis_up():
        skip_or_fail("Redis is not running on 127.0.0.1:6379 (make test starts it)")

    def stop():
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"],
            capture_output=True,
            timeout=10,
        )
        deadline = time.monotonic() + 10
        while _redis_up() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _redis_up()

    def start():
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "services.sh")],
            check=True,
            capture_output=True,
            timeout=60,
        )
        assert _redis_up()

    yield stop, start
    if not _redis_up():
        start()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_restart_with_sessions_queued_loses_nothing(
    redis_restart, start_worker, fault_media, api_client_for, patient, routine
):
    stop_redis, start_redis = redis_restart
    item = routine.items.get()
    client = api_client_for(patient)

    def upload() -> int:
        response = client.post(
            "/api/v1/sessions/", {"routine_item": item.pk, "keypoints": _track()}, format="json"
        )
        assert response.status_code == 202, response.content
        return response.json()["id"]

    queued = [upload() for _ in range(3)]  # in Redis; no worker yet
    stop_redis()
    during = upload()  # the API still takes uploads while the broker is down
    assert client.get(f"/api/v1/sessions/{during}/").json()["status"] == SessionStatus.QUEUED
    start_redis()  # empty: the three messages are gone

    worker = start_worker("after-restart", beat=True)
    started = time.monotonic()
    time.sleep(1.0)
    assert set(ExerciseSession.objects.values_list("status", flat=True)) == {SessionStatus.QUEUED}
    # Nobody re-sends them by hand: the sweep does, within two minutes of the restart.
    for session_id in queued + [during]:
        left = 120 - (time.monotonic() - started)
        session = _wait_status(
            session_id, {SessionStatus.DONE, SessionStatus.FAILED}, timeout=left, worker=worker
        )
        assert session.status == SessionStatus.DONE, session.error
    print(f"recovered {time.monotonic() - started:.1f} s after the worker started")
    assert SessionResult.objects.count() == 4


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_message_delivered_twice_to_a_real_worker(
    start_worker, api_client_for, patient, routine
):
    item = routine.items.get()
    worker = start_worker("duplicate")
    response = api_client_for(patient).post(
        "/api/v1/sessions/", {"routine_item": item.pk, "keypoints": _track()}, format="json"
    )
    session_id = response.json()["id"]
    for _ in range(2):  # the broker hands out the same task again (e.g. a redelivery)
        session_analyze_task.apply_async(args=[session_id], task_id=f"dup-{session_id}")
    session = _wait_status(session_id, {SessionStatus.DONE}, worker=worker)
    deadline = time.monotonic() + 10
    while worker.log().count(f"dup-{session_id}] succeeded") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert worker.log().count(f"dup-{session_id}] succeeded") == 2
    assert SessionResult.objects.filter(session_id=session_id).count() == 1
    assert ExerciseSession.objects.get(pk=session_id).attempts == session.attempts == 1
