"""Emailing a therapist about their patients' flags: once per (patient, flag, triggering event).

``flags_check`` evaluates a patient's flags (in their clinic's time zone) and records a
:class:`therapy.models.FlagNotice` for each flag worth an email that has none yet; the unique
constraint on (patient, code, event) decides, even between concurrent workers, who records it,
and only that caller queues the email (through Celery, once the transaction commits).
``flag_notice_send`` sends it under a row lock and marks it sent, so a redelivered task sends
nothing. Triggers: a pain score saved (``therapy.services.sessions``), an analysis finished, and
the periodic check (``therapy.tasks.flags_check_all_task``) that also raises missed sessions.

What the email says: the kind of flag, its urgency and a link to the patient's page, nothing
more. Email crosses servers the clinic does not control and stays in mailboxes for years, so
the patient's name and their scores stay behind the sign-in (GDPR art. 9: health data).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from therapy.models import FlagNotice, Role, User
from therapy.selectors.clinics import clinic_zone
from therapy.selectors.flags import FLAG_LABELS, SEVERITY_LABELS, Flag, patient_flags
from therapy.selectors.routines import routines_active

logger = logging.getLogger(__name__)

FLAG_NOTICE_SEND_TASK = "therapy.tasks.flag_notice_send_task"
# A notice still unsent this long after it was recorded lost its task (broker down): resent.
RESEND_AFTER = timedelta(minutes=10)


def flags_check(*, patient: User) -> list[FlagNotice]:
    """Record (and queue the email of) each new flag of ``patient``; returns the new notices."""
    if not patient.is_patient or patient.therapist_id is None:
        return []
    with timezone.override(clinic_zone(patient)):
        flags = patient_flags(patient=patient)
    return [n for n in (_notice_record(patient=patient, flag=f) for f in flags) if n is not None]


def _notice_record(*, patient: User, flag: Flag) -> FlagNotice | None:
    if not flag.notify:
        return None
    with transaction.atomic():
        notice, created = FlagNotice.objects.get_or_create(
            patient=patient,
            code=flag.code,
            event_key=flag.event[:64],
            defaults={"recipient_id": patient.therapist_id, "severity": int(flag.severity)},
        )
        if not created:
            return None
        _send_on_commit(notice_id=notice.pk)
    logger.info("flag %s (%s) raised for patient %s", flag.code, flag.event, patient.pk)
    return notice


def _send_on_commit(*, notice_id: int) -> None:
    task = current_app.tasks[FLAG_NOTICE_SEND_TASK]

    def send() -> None:
        try:
            task.delay(notice_id)
        except Exception:
            # The broker is down: the notice stays unsent; flags_check_all resends it.
            logger.exception("flag notice %s: could not reach the broker", notice_id)

    transaction.on_commit(send)


def flags_check_safely(*, patient_id: int) -> None:
    """``flags_check`` for a trigger that must not fail (a patient saving a score): errors are
    logged, and the periodic check catches up."""
    try:
        patient = User.objects.select_related("clinic", "therapist__clinic").get(pk=patient_id)
        flags_check(patient=patient)
    except Exception:
        logger.exception(
            "flag check for patient %s failed; left for the periodic check", patient_id
        )


def flags_check_on_commit(*, patient_id: int) -> None:
    """Check the patient's flags once the current transaction (which saved a score) commits."""
    transaction.on_commit(lambda: flags_check_safely(patient_id=patient_id))


def flags_check_all() -> dict[str, int]:
    """The periodic check: every patient with a running routine (missed sessions are raised
    here), then re-queue notices a broker outage left unsent."""
    patients = User.objects.filter(role=Role.PATIENT).select_related("clinic", "therapist__clinic")
    checked = raised = 0
    for patient in patients.iterator():
        with timezone.override(clinic_zone(patient)):
            if not routines_active(patient=patient).exists():
                continue
        checked += 1
        raised += len(flags_check(patient=patient))
    stale = timezone.now() - RESEND_AFTER
    unsent = FlagNotice.objects.filter(sent_at=None, created_at__lt=stale, failed=False)
    resent = 0
    for notice_id in unsent.values_list("pk", flat=True):
        _send_on_commit(notice_id=notice_id)
        resent += 1
    return {"checked": checked, "raised": raised, "resent": resent}


def flag_notice_send(*, notice_id: int) -> bool:
    """Send one notice's email unless it was sent already; True when this call sent it."""
    with transaction.atomic():
        notice = (
            FlagNotice.objects.select_for_update(of=("self",))
            .select_related("patient__clinic", "patient__therapist__clinic", "recipient")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.sent_at is not None or notice.failed:
            return False
        recipient = notice.recipient
        if recipient is None or not recipient.email:
            logger.warning("flag notice %s: the therapist has no email address", notice_id)
            notice.failed = True
            notice.save(update_fields=["failed"])
            return False
        subject, body = flag_notice_text(notice=notice)
        send_mail(subject, body, None, [recipient.email])
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return True


def flag_notice_text(*, notice: FlagNotice) -> tuple[str, str]:
    """The email's subject and body: the flag's kind and urgency, when, and a link; no name and
    no scores (see the module's docstring)."""
    label = FLAG_LABELS.get(notice.code, notice.code.replace("_", " ").capitalize())
    level = SEVERITY_LABELS.get(notice.severity, "attention")
    zone = clinic_zone(notice.patient)
    when = timezone.localtime(notice.created_at, zone)
    link = settings.SITE_URL.rstrip("/") + reverse("therapist-patient", args=[notice.patient_id])
    subject = f"Therapose: {level} flag for one of your patients ({label})"
    body = (
        f"A flag was raised for one of your patients: {label} ({level}).\n"
        f"Raised {when:%-d %b %Y, %H:%M} {when.tzname()}.\n\n"
        f"Sign in to see who and why:\n{link}\n\n"
        "This email leaves out the patient's name and scores on purpose: email is not a safe "
        "place for health data.\n"
    )
    return subject, body
