"""Messages between a patient and their therapist: one thread per patient.

A therapist's note "for the patient" about a session is a message with ``session`` set; the
patient sees it on that session's page and in the thread. ``read_at`` marks when the other
side opened the thread (``thread_mark_read``). A patient's first unread message is emailed to
their therapist (``therapy.services.message_notices``: one email per burst, no text in it).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from therapy.models import ExerciseSession, Message, User
from therapy.services import message_notices

MAX_MESSAGE_LENGTH = 5000


def message_author_allowed(*, patient: User, author: User) -> bool:
    """Only the patient and their own therapist write in (and read) the patient's thread."""
    if not patient.is_patient or author is None or not author.is_authenticated:
        return False
    return author.pk == patient.pk or (author.is_therapist and author.pk == patient.therapist_id)


def message_send(
    *, patient: User, author: User, text: str, session: ExerciseSession | None = None
) -> Message:
    """Add a message to ``patient``'s thread. Raises ``PermissionDenied`` when ``author`` is
    neither the patient nor their therapist, ``ValidationError`` for an empty or too long text
    or a session of another patient. A patient's message may queue an email to their therapist
    (``message_notices``); a therapist's never emails the patient."""
    if not message_author_allowed(patient=patient, author=author):
        raise PermissionDenied("Only the patient and their therapist can write in this thread.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write a message first."})
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"text": f"Keep the message under {MAX_MESSAGE_LENGTH} characters."})
    if session is not None and session.patient_id != patient.pk:
        raise ValidationError({"session": "This session belongs to another patient."})
    if author.pk != patient.pk:
        return Message.objects.create(patient=patient, author=author, session=session, text=text)
    with transaction.atomic():
        # The patient's row lock orders their concurrent messages: only one can be the first
        # unread, so a burst sends one email.
        User.objects.select_for_update().filter(pk=patient.pk).values_list("pk").get()
        message = Message.objects.create(patient=patient, author=author, session=session, text=text)
        message_notices.message_notice_queue_if_first(patient=patient, message=message)
    return message


def thread_mark_read(*, patient: User, reader: User) -> int:
    """Mark read the messages of ``patient``'s thread that the other side wrote; returns how
    many. A reader outside the thread marks nothing."""
    if not message_author_allowed(patient=patient, author=reader):
        return 0
    return (
        Message.objects.filter(patient=patient, read_at=None)
        .exclude(author=reader)
        .update(read_at=timezone.now())
    )
