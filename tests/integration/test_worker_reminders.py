"""The hourly reminder task through a real Celery worker process, sent by name as beat sends
it. The worker writes each email as a file (Django's file backend, chosen through its
environment), so what left is read back from the folder; the ReminderLog rows keep a second run
from sending again."""

from __future__ import annotations

import email
import re
import time
import uuid
from pathlib import Path

import pytest

from tests.support.sessions import make_clip_session
from tests.support.worker_process import WorkerProcess, start_worker
from therapy import services
from therapy.models import ReminderLog, SessionStatus

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TASK = "therapy.tasks.reminders_send_due_task"
WAIT_SECONDS = 30


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def reminder_worker(tmp_path, media_root, mail_dir):
    """A worker on a queue of its own (no other test's worker takes this test's task, and this
    one takes no other's), writing email into ``mail_dir``: EMAIL_URL unset selects the file
    backend (config/settings/base.py)."""
    queue = f"reminders-{uuid.uuid4().hex[:8]}"
    try:
        worker = start_worker(
            media_root=media_root,
            log_path=tmp_path / "worker.log",
            name="reminders",
            queues=queue,
            EMAIL_URL="",
            EMAIL_FILE_PATH=str(mail_dir),
        )
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield worker, queue
    worker.stop(timeout=30)


def _patient(therapist, squat, name: str, **fields):
    """A patient with a daily exercise, due at any hour (reminder hour 0)."""
    patient = services.patient_create(
        therapist=therapist, username=name, password=None, email=f"{name}@home.example"
    )
    for field, value in {"reminder_hour": 0, **fields}.items():
        setattr(patient, field, value)
    patient.save()
    routine = services.routine_create(
        therapist=therapist,
        patient=patient,
        title="Daily",
        items=[{"exercise": squat, "per_week": 7}],
    )
    return patient, routine.items.get()


def _run(worker: WorkerProcess, queue: str) -> int:
    """Send the task by name, as beat does; how many reminders the worker's run sent."""
    from config.celery_app import app

    task_id = app.send_task(TASK, queue=queue).id
    done = re.compile(rf"{re.escape(TASK)}\[{task_id}\] succeeded in [\d.]+s: (\d+)")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = done.search(worker.log())
        if found:
            return int(found.group(1))
        time.sleep(0.2)
    pytest.fail(f"the reminder task did not finish in {WAIT_SECONDS} s:\n{worker.log()[-3000:]}")


def _mail_files(mail_dir: Path) -> dict[str, str]:
    """The files the file backend wrote, by name."""
    return {path.name: path.read_text() for path in sorted(mail_dir.glob("*"))}


def _emails(text: str) -> list[email.message.Message]:
    """The emails of one file: each is followed by a line of 79 dashes."""
    return [email.message_from_string(c) for c in text.split("-" * 79 + "\n") if c.strip()]


def test_the_worker_emails_only_the_patient_with_an_exercise_due(
    reminder_worker, mail_dir, therapist, exercises_catalog
):
    worker, queue = reminder_worker
    squat = exercises_catalog["squat"]
    due, _ = _patient(therapist, squat, "due")
    _patient(therapist, squat, "off", reminders_enabled=False)
    exercised, item = _patient(therapist, squat, "exercised")
    make_clip_session(patient=exercised, routine_item=item, status=SessionStatus.DONE)

    assert _run(worker, queue) == 1
    files = _mail_files(mail_dir)
    assert len(files) == 1, files
    [sent] = _emails(*files.values())
    assert sent["To"] == "due@home.example"
    assert sent["Subject"] == "Therapose: your exercises for today"
    assert "/patient/" in sent.get_payload()
    assert list(ReminderLog.objects.values_list("patient__username", flat=True)) == ["due"]

    assert _run(worker, queue) == 0  # today's reminder is logged: nothing more
    assert _mail_files(mail_dir) == files
    assert ReminderLog.objects.count() == 1
