"""Emailing a therapist that a patient wrote in their thread: one email per burst of messages.

``message_send`` queues the email (through Celery, once the message is committed) only for the
patient's *first unread* message: while an earlier message of the patient is still unread, the
therapist already has an email waiting, so three quick replies make one email. Opening the
thread (``thread_mark_read``) ends the burst; the patient's next message is emailed again.
``message_notice_send`` checks again when the task runs and sends nothing when the therapist
has read the thread meanwhile or has no email address. A broker that cannot be reached loses
the email (logged); the unread count on the therapist's pages still shows the message.

A therapist's message to the patient sends no email: the patient sees the unread count.

What the email says: that a patient replied, and a link to the thread. No name and no message
text: email crosses servers the clinic does not control (see ``therapy.services.notifications``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from therapy.dispatch import message_notice_enqueue
from therapy.models import Message, User

logger = logging.getLogger(__name__)

MESSAGE_NOTICE_SUBJECT = "A patient replied in Therapose"


def message_notice_queue_if_first(*, patient: User, message: Message) -> bool:
    """Queue the therapist's email about ``message`` (just written by ``patient``, in the
    current transaction) when no earlier message of the patient is unread; True when queued.
    The caller holds the patient's row lock, so two messages at once cannot both be first."""
    therapist = patient.therapist
    if therapist is None or not therapist.email:
        return False
    earlier_unread = (
        Message.objects.filter(patient=patient, author=patient, read_at=None)
        .exclude(pk=message.pk)
        .exists()
    )
    if earlier_unread:
        return False
    message_notice_enqueue(message_id=message.pk)
    return True


def message_notice_send(*, message_id: int) -> bool:
    """Email the therapist about one patient message unless they have read it already (or the
    message is gone, or they have no email address); True when sent."""
    message = Message.objects.select_related("patient__therapist").filter(pk=message_id).first()
    if message is None or message.read_at is not None or message.author_id != message.patient_id:
        return False
    therapist = message.patient.therapist
    if therapist is None or not therapist.email:
        logger.info("message %s: the therapist has no email address", message_id)
        return False
    subject, body = message_notice_text(patient_id=message.patient_id)
    send_mail(subject, body, None, [therapist.email])
    return True


def message_notice_text(*, patient_id: int) -> tuple[str, str]:
    """The email's subject and body: a link to the thread, no name and no text."""
    link = settings.SITE_URL.rstrip("/") + reverse("therapist-messages", args=[patient_id])
    body = (
        "A patient replied in Therapose.\n\n"
        f"Sign in to read the message:\n{link}\n\n"
        "Further messages in this thread send no email until you have opened it.\n"
        "This email leaves out the patient's name and the message on purpose: email is not a "
        "safe place for health data.\n"
    )
    return MESSAGE_NOTICE_SUBJECT, body
