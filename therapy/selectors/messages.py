"""Message threads (one per patient) and their unread counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet

from therapy.models import ExerciseSession, Message, User


@dataclass(frozen=True)
class UnreadCounts:
    """Messages ``user`` has not read yet: in all, and by thread (patient id)."""

    total: int = 0
    by_patient: dict[int, int] = field(default_factory=dict)


def thread_for(*, patient: User) -> QuerySet[Message]:
    """The patient's thread, oldest first (callers pass a patient they already checked)."""
    return (
        Message.objects.filter(patient=patient)
        .select_related("author", "session__routine_item__exercise")
        .order_by("created_at", "id")
    )


def session_messages(*, session: ExerciseSession) -> QuerySet[Message]:
    """The messages about one session, oldest first."""
    return thread_for(patient=session.patient).filter(session=session)


def unread_count_for(*, user: User) -> UnreadCounts:
    """For a patient: unread messages in their thread written by someone else. For a
    therapist: unread messages written by their patients, in all and per patient. One query."""
    if user is None or not user.is_authenticated:
        return UnreadCounts()
    if user.is_patient:
        unread = Message.objects.filter(patient=user, read_at=None).exclude(author=user)
    elif user.is_therapist:
        unread = Message.objects.filter(
            patient__therapist=user, read_at=None, author_id=F("patient_id")
        )
    else:
        return UnreadCounts()
    rows = unread.values("patient_id").annotate(n=Count("id")).order_by()
    by_patient = {row["patient_id"]: row["n"] for row in rows}
    return UnreadCounts(total=sum(by_patient.values()), by_patient=by_patient)
