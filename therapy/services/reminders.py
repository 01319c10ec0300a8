"""The daily exercise reminder: one email a day, at the hour the patient chose, in their zone.

``reminders_send_due`` (run hourly by celery beat) emails each patient who has reminders on,
whose local time has reached their ``reminder_hour``, who has an exercise due today
(``therapy.selectors.schedule.due_items``) and has not exercised yet today. The
:class:`therapy.models.ReminderLog` row is written first: its unique (patient, local date)
constraint decides, even between two concurrent runs, who sends; the email leaves once that
row is committed. A run that fails to send does not retry that day (a missed reminder is
better than two).

The email says only that there are exercises to do and links to the Today page: no exercise
names, no diagnosis (email is not a safe place for health data).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from therapy.models import ExerciseSession, ReminderLog, Role, User
from therapy.selectors.schedule import COUNTED, due_items, patient_zone

logger = logging.getLogger(__name__)

REMINDER_SUBJECT = "Therapose: your exercises for today"
REMINDER_FIELDS = ("reminders_enabled", "reminder_hour", "time_zone")


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Email every patient whose reminder is due now; returns how many reminders were sent
    (queued to leave once their log row commits)."""
    now = now or timezone.now()
    patients = (
        User.objects.filter(role=Role.PATIENT, is_active=True, reminders_enabled=True)
        .exclude(email="")
        .select_related("clinic", "therapist__clinic")
    )
    sent = 0
    for patient in patients.iterator():
        try:
            sent += reminder_send_if_due(patient=patient, now=now)
        except Exception:  # one patient's problem must not stop the others' reminders
            logger.exception("reminder for patient %s failed", patient.pk)
    return sent


def reminder_send_if_due(*, patient: User, now: datetime) -> bool:
    """Record and email ``patient``'s reminder for their local today when it is due; True
    when this call recorded it."""
    local_now = now.astimezone(patient_zone(patient))
    day = local_now.date()
    if local_now.hour < patient.reminder_hour:
        return False
    if ReminderLog.objects.filter(patient=patient, local_date=day).exists():
        return False
    if _exercised_on(patient=patient, day=day, local_now=local_now):
        return False
    if not any(d.due_today for d in due_items(patient=patient, day=day)):
        return False
    try:
        with transaction.atomic():
            ReminderLog.objects.create(patient=patient, local_date=day)
            transaction.on_commit(lambda: _email(patient=patient))
    except IntegrityError:  # another run recorded (and sends) today's reminder
        return False
    logger.info("reminder for patient %s on %s", patient.pk, day)
    return True


def _exercised_on(*, patient: User, day: date, local_now: datetime) -> bool:
    zone = local_now.tzinfo
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return ExerciseSession.objects.filter(
        patient=patient, status__in=COUNTED, created_at__gte=start, created_at__lt=end
    ).exists()


def reminder_text() -> tuple[str, str]:
    """The email's subject and body: no exercise names and no health details."""
    link = settings.SITE_URL.rstrip("/") + reverse("patient-today")
    body = (
        "You have exercises to do today.\n\n"
        f"Open Therapose to start:\n{link}\n\n"
        "You can change the time of this reminder, or turn it off, in Settings.\n"
    )
    return REMINDER_SUBJECT, body


def _email(*, patient: User) -> None:
    subject, body = reminder_text()
    try:
        send_mail(subject, body, None, [patient.email])
    except Exception:
        logger.exception("reminder email to patient %s could not be sent", patient.pk)


def patient_reminders_set(
    *, patient: User, reminders_enabled: bool, reminder_hour: int, time_zone: str
) -> User:
    """Save the patient's reminder choices (``time_zone`` empty: their clinic's)."""
    patient.reminders_enabled = reminders_enabled
    patient.reminder_hour = reminder_hour
    patient.time_zone = time_zone
    patient.full_clean(
        exclude=[f.name for f in User._meta.fields if f.name not in REMINDER_FIELDS],
        validate_unique=False,
        validate_constraints=False,
    )
    patient.save(update_fields=list(REMINDER_FIELDS))
    return patient
