"""Recovery time with real processes: how soon a session whose task was lost is analysed.

The numbers under test are the defaults in config/settings/base.py (the "Recovery time" block):
a session queued for 60 s, or processing for 60 s with no live worker on it, is sent again by a
sweep that runs every 30 s under beat and once when a worker starts. Each test prints the
recovery it measured and asserts it is under two minutes, with exactly one result.

The worker processes import this module (``celery worker --include``) so that, with
``THERAPOSE_TEST_ENGINE_DELAY`` set, their analysis takes that many seconds: long enough to
kill a worker in the middle, without a real clip.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.support.worker_process import WorkerProcess, purge_pose_queue, worker_env
from therapy.models import ExerciseSession, SessionResult, SessionStatus
from therapy.tasks import session_analyze_task

ENGINE_DELAY_ENV = "THERAPOSE_TEST_ENGINE_DELAY"
RECOVERY_LIMIT_SECONDS = 120


def _slow_engine_install(delay: float) -> None:
    """In a worker process: every analysis sleeps ``delay`` seconds first (in the prefork child,
    which inherits the patch from the parent)."""
    from therapy.services import sessions

    analysis_run = sessions.analysis_run

    def slow_analysis_run(*, session):
        time.sleep(delay)
        return analysis_run(session=session)

    sessions.analysis_run = slow_analysis_run


if os.environ.get(ENGINE_DELAY_ENV):
    _slow_engine_install(float(os.environ[ENGINE_DELAY_ENV]))


def _track(frames: int = 30) -> dict:
    return {
        "model": "device",
        "video": {"width": 640, "height": 480},
        "timestamps": [i / 30 for i in range(frames)],
        "keypoints": [[[320.0, 240.0, 0.9]] * 17 for _ in range(frames)],
    }


@pytest.fixture
def upload(api_client_for, patient, routine):
    client = api_client_for(patient)
    item = routine.items.get()

    def upload() -> int:
        response = client.post(
            "/api/v1/sessions/", {"routine_item": item.pk, "keypoints": _track()}, format="json"
        )
        assert response.status_code == 202, response.content
        return response.json()["id"]

    return upload


@pytest.fixture
def start_worker(tmp_path, django_db_blocker):
    from django.conf import settings
    from django.db import connection

    purge_pose_queue()
    workers: list[WorkerProcess] = []

    def start(name: str, *, beat: bool = False, engine_delay: float = 0) -> WorkerProcess:
        extra = {ENGINE_DELAY_ENV: str(engine_delay)} if engine_delay else {}
        env = worker_env(
            media_root=Path(settings.MEDIA_ROOT),
            broker_url=settings.CELERY_BROKER_URL,
            database=connection.settings_dict,
            **extra,
        )
        # The recovery numbers under test are the defaults, whatever the shell says.
        for key in list(env):
            if key.startswith(("THERAPOSE_STUCK_", "THERAPOSE_SWEEP_")):
                del env[key]
        worker = WorkerProcess(
            env=env,
            log_path=tmp_path / f"{name}-{len(workers)}.log",
            name=name,
            concurrency=2,
            beat_schedule=tmp_path / f"beat-{len(workers)}" if beat else None,
        )
        worker.command += ["--include", "tests.reliability.test_recovery_time"]
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop(timeout=10)
    purge_pose_queue()


def _wait_finished(session_ids: list[int], worker: WorkerProcess, timeout: float) -> float:
    """Seconds until every session is done or failed; fails the test after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        statuses = set(
            ExerciseSession.objects.filter(pk__in=session_ids).values_list("status", flat=True)
        )
        if statuses <= {SessionStatus.DONE, SessionStatus.FAILED}:
            return time.monotonic() - started
        time.sleep(0.25)
    pytest.fail(
        f"sessions not finished after {timeout} s: "
        f"{list(ExerciseSession.objects.filter(pk__in=session_ids).values('pk', 'status'))}\n"
        f"{worker.log()[-3000:]}"
    )


def _assert_one_result_each(session_ids: list[int]) -> None:
    for session in ExerciseSession.objects.filter(pk__in=session_ids):
        assert session.status == SessionStatus.DONE, session.error
    counts = {pk: SessionResult.objects.filter(session_id=pk).count() for pk in session_ids}
    assert counts == {pk: 1 for pk in session_ids}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sessions_whose_messages_were_lost_are_analysed_within_two_minutes(start_worker, upload):
    """Messages lost in the broker (the queue purged, as a Redis restart does), a worker with
    beat started afterwards: the sweep re-sends them once they are 60 s old."""
    session_ids = [upload() for _ in range(5)]
    assert purge_pose_queue() == 5
    worker = start_worker("after-loss", beat=True)
    recovery = _wait_finished(session_ids, worker, timeout=RECOVERY_LIMIT_SECONDS + 30)
    print(f"\nlost messages: 5 sessions analysed {recovery:.1f} s after the worker started")
    assert recovery < RECOVERY_LIMIT_SECONDS
    _assert_one_result_each(session_ids)
    assert "stuck sessions" in worker.log()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restarted_worker_sends_old_lost_sessions_at_once(start_worker, upload):
    """The machine was down for a while: the start-up sweep re-sends what was lost, no beat."""
    session_ids = [upload() for _ in range(3)]
    purge_pose_queue()
    ExerciseSession.objects.filter(pk__in=session_ids).update(
        queued_at=timezone.now() - timedelta(minutes=10)
    )
    worker = start_worker("restarted")
    recovery = _wait_finished(session_ids, worker, timeout=30)
    print(f"\nstart-up sweep: 3 sessions analysed {recovery:.1f} s after the worker was ready")
    assert recovery < 15
    _assert_one_result_each(session_ids)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_killed_mid_task_the_session_finishes_within_two_minutes_of_the_restart(
    start_worker, upload
):
    """SIGKILL of the whole worker mid-analysis: its message stays unacknowledged in Redis for
    the visibility timeout (an hour); the new worker's sweep finds the session processing with
    no live worker on it and sends it again."""
    doomed = start_worker("doomed", engine_delay=30)
    session_id = upload()
    deadline = time.monotonic() + 30
    while ExerciseSession.objects.get(pk=session_id).status != SessionStatus.PROCESSING:
        assert time.monotonic() < deadline, doomed.log()[-3000:]
        time.sleep(0.1)
    time.sleep(1.0)
    doomed.kill()
    assert ExerciseSession.objects.get(pk=session_id).status == SessionStatus.PROCESSING

    replacement = start_worker("replacement", beat=True)
    recovery = _wait_finished([session_id], replacement, timeout=RECOVERY_LIMIT_SECONDS + 30)
    print(f"\nworker killed mid-task: session done {recovery:.1f} s after the restart")
    assert recovery < RECOVERY_LIMIT_SECONDS
    _assert_one_result_each([session_id])
    assert ExerciseSession.objects.get(pk=session_id).attempts == 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_sent_again_while_its_session_is_analysed_does_nothing(start_worker, upload):
    """The sweep's copy (or a redelivery) reaches a second worker process while the first is
    still analysing: it is dropped, the session is analysed once."""
    worker = start_worker("busy", engine_delay=4)
    session_id = upload()
    deadline = time.monotonic() + 30
    while ExerciseSession.objects.get(pk=session_id).status != SessionStatus.PROCESSING:
        assert time.monotonic() < deadline, worker.log()[-3000:]
        time.sleep(0.1)
    session_analyze_task.delay(session_id)  # the second child of the worker takes it at once
    _wait_finished([session_id], worker, timeout=30)
    _assert_one_result_each([session_id])
    assert ExerciseSession.objects.get(pk=session_id).attempts == 1
    deadline = time.monotonic() + 10
    while "duplicate task dropped" not in worker.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "duplicate task dropped" in worker.log()
