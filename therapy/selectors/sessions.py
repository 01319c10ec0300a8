"""Exercise sessions, scoped to the user asking (a therapist: their patients'; a patient: their
own), with their results and notes."""

from __future__ import annotations

from django.db.models import QuerySet

from therapy.models import ExerciseSession, SessionNote, SessionResult, SessionStatus, User


def session_list_for_user(*, user: User) -> QuerySet[ExerciseSession]:
    if user.is_therapist:
        qs = ExerciseSession.objects.filter(patient__therapist=user)
    elif user.is_patient:
        qs = ExerciseSession.objects.filter(patient=user)
    else:
        return ExerciseSession.objects.none()
    return qs.select_related("routine_item__exercise", "result", "patient")


def session_get_for_user(*, user: User, session_id: int) -> ExerciseSession | None:
    return session_list_for_user(user=user).filter(pk=session_id).first()


def session_note_list(*, session: ExerciseSession) -> QuerySet[SessionNote]:
    return session.notes.select_related("author")


def sessions_with_results(patient: User) -> QuerySet[ExerciseSession]:
    """All of one patient's sessions with their results, oldest first (views pass a patient
    they already checked)."""
    return (
        ExerciseSession.objects.filter(patient=patient)
        .select_related("routine_item__exercise", "result")
        .order_by("created_at", "id")
    )


def session_done_result(session: ExerciseSession) -> SessionResult | None:
    """The result of a finished session; None while it is queued, processing or failed."""
    if session.status != SessionStatus.DONE:
        return None
    try:
        return session.result
    except SessionResult.DoesNotExist:
        return None


def session_for_upload_key(*, patient: User, upload_key: str) -> ExerciseSession | None:
    """The patient's session created by an upload with this Idempotency-Key, if any."""
    if not upload_key:
        return None
    return ExerciseSession.objects.filter(patient=patient, upload_key=upload_key).first()
