"""The daily exercise reminder: one email to a patient with an exercise due, at their hour in
their time zone; none when reminders are off, before the hour, after they exercised today, or
when today's was sent already, even when the check runs twice or concurrently."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from tests.support.concurrency import uncommitted_row
from tests.support.sessions import make_done_session
from therapy.models import Clinic, ExerciseSession, ReminderLog, SessionStatus
from therapy.services.reminders import reminders_send_due

pytestmark = pytest.mark.django_db

MONDAY = date(2030, 1, 7)
# 18:30 on Monday in New York (UTC-5 in January) and half an hour before the patient's hour.
AT_HOUR = datetime(2030, 1, 7, 23, 30, tzinfo=UTC)
BEFORE_HOUR = datetime(2030, 1, 7, 22, 30, tzinfo=UTC)


@pytest.fixture
def due_patient(patient, routine):
    """A patient in New York, reminders at 18:00, with a routine running (3 a week: due)."""
    routine.start_date = MONDAY - timedelta(days=30)
    routine.save()
    patient.email = "patient@home.example"
    patient.time_zone = "America/New_York"
    patient.reminder_hour = 18
    patient.reminders_enabled = True
    patient.save()
    return patient


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_at(now: datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send_due(now=now)

    return run_at


def _session_at(patient, routine, when: datetime, status=SessionStatus.DONE):
    session = make_done_session(patient=patient, routine_item=routine.items.get())
    ExerciseSession.objects.filter(pk=session.pk).update(created_at=when, status=status)
    return session


def test_one_email_at_the_patients_hour_in_their_zone(due_patient, run):
    assert run(BEFORE_HOUR) == 0 and mail.outbox == []
    assert run(AT_HOUR) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["patient@home.example"]
    assert "You have exercises to do today" in email.body
    assert "/patient/" in email.body
    # No health details: neither the exercise nor the diagnosis.
    assert "shoulder" not in (email.subject + email.body).lower()
    log = ReminderLog.objects.get()
    assert log.patient == due_patient and log.local_date == MONDAY


def test_at_most_one_a_day_even_when_run_again(due_patient, run):
    assert run(AT_HOUR) == 1
    assert run(AT_HOUR + timedelta(minutes=5)) == 0
    assert run(AT_HOUR + timedelta(hours=2)) == 0  # 20:30 the same day in New York
    assert len(mail.outbox) == 1
    # The next local day is a new day (Tuesday 18:30 in New York).
    assert run(AT_HOUR + timedelta(days=1)) == 1
    assert len(mail.outbox) == 2


def test_the_local_date_not_the_utc_date_decides(due_patient, run):
    # 01:00 UTC on Tuesday is still Monday 20:00 in New York: Monday's reminder.
    assert run(datetime(2030, 1, 8, 1, 0, tzinfo=UTC)) == 1
    assert ReminderLog.objects.get().local_date == MONDAY


def test_the_clinics_zone_when_the_patient_has_none(due_patient, therapist, run):
    clinic = Clinic.objects.create(name="Tokyo clinic", time_zone="Asia/Tokyo")
    due_patient.time_zone = ""
    due_patient.clinic = clinic
    due_patient.save()
    # 08:30 UTC Monday is 17:30 in Tokyo (before 18:00), 09:30 UTC is 18:30.
    assert run(datetime(2030, 1, 7, 8, 30, tzinfo=UTC)) == 0
    assert run(datetime(2030, 1, 7, 9, 30, tzinfo=UTC)) == 1


def test_none_when_reminders_are_off(due_patient, run):
    due_patient.reminders_enabled = False
    due_patient.save()
    assert run(AT_HOUR) == 0 and mail.outbox == []


@pytest.mark.parametrize("status", [SessionStatus.DONE, SessionStatus.QUEUED])
def test_none_after_exercising_today(due_patient, routine, run, status):
    # 09:00 in New York that morning.
    _session_at(due_patient, routine, datetime(2030, 1, 7, 14, 0, tzinfo=UTC), status=status)
    assert run(AT_HOUR) == 0 and mail.outbox == []


def test_a_failed_session_or_yesterdays_does_not_count(due_patient, routine, run):
    _session_at(
        due_patient, routine, datetime(2030, 1, 7, 14, 0, tzinfo=UTC), status=SessionStatus.FAILED
    )
    # Sunday 23:00 in New York: yesterday (and last week), so still due on Monday.
    _session_at(due_patient, routine, datetime(2030, 1, 7, 4, 0, tzinfo=UTC))
    assert run(AT_HOUR) == 1


def test_none_when_reminded_today_already(due_patient, run):
    ReminderLog.objects.create(patient=due_patient, local_date=MONDAY)
    assert run(AT_HOUR) == 0 and mail.outbox == []


def test_none_when_nothing_is_due(due_patient, routine, run):
    routine.end_date = MONDAY - timedelta(days=1)
    routine.save()
    assert run(AT_HOUR) == 0 and mail.outbox == []


def test_none_without_an_email_address(due_patient, run):
    due_patient.email = ""
    due_patient.save()
    assert run(AT_HOUR) == 0 and not ReminderLog.objects.exists()


def test_the_task_runs_the_service_and_is_scheduled(due_patient, settings, eager_celery):
    from therapy.tasks import reminders_send_due_task

    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == "therapy.tasks.reminders_send_due_task"
    assert entry["schedule"] == 3600.0
    assert reminders_send_due_task.apply().get() in (0, 1)  # real clock: any hour of the day
    from config.celery_app import app

    assert "therapy.tasks.reminders_send_due_task" in app.tasks  # what the worker registers


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_run_cannot_send_twice(due_patient):
    """Run A has written today's log row but not committed; run B waits on the unique index
    and, once A commits, records and sends nothing."""
    with uncommitted_row(
        lambda: ReminderLog.objects.create(patient=due_patient, local_date=MONDAY)
    ):
        sent = reminders_send_due(now=AT_HOUR)
    assert sent == 0 and mail.outbox == []
    assert ReminderLog.objects.filter(patient=due_patient).count() == 1


# --- Settings -----------------------------------------------------------------------------


def test_patient_chooses_hour_zone_or_off(client, due_patient):
    client.force_login(due_patient)
    page = client.get("/patient/settings/").content.decode()
    assert "Reminders" in page and "Same as my clinic" in page
    response = client.post(
        "/patient/settings/",
        {
            "reminders-reminders_enabled": "on",
            "reminders-reminder_hour": "7",
            "reminders-time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    due_patient.refresh_from_db()
    assert (due_patient.reminders_enabled, due_patient.reminder_hour) == (True, 7)
    assert due_patient.time_zone == "Europe/Berlin"
    assert due_patient.privacy_mode is False  # the other form on the page is untouched

    client.post("/patient/settings/", {"reminders-reminder_hour": "7", "reminders-time_zone": ""})
    due_patient.refresh_from_db()
    assert due_patient.reminders_enabled is False and due_patient.time_zone == ""

    response = client.post(
        "/patient/settings/",
        {"reminders-reminder_hour": "24", "reminders-time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    due_patient.refresh_from_db()
    assert due_patient.reminder_hour == 7


def test_the_privacy_form_still_works(client, due_patient):
    client.force_login(due_patient)
    client.post("/patient/settings/", {"privacy_mode": "on"})
    due_patient.refresh_from_db()
    assert due_patient.privacy_mode is True and due_patient.reminder_hour == 18
