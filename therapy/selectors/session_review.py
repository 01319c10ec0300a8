"""What the therapist's session review shows around one session: the dose it was performed
against, the patient's previous session of the same exercise, and the sessions before and after
it (that patient's, by date)."""

from __future__ import annotations

from typing import Any

from therapy.models import ExerciseSession, SessionStatus


def session_main_figure(session: ExerciseSession | None) -> str:
    """A short figure for a link: "8 reps", or the session's state when there is no count."""
    if session is None:
        return ""
    result = getattr(session, "result", None) if session.status == SessionStatus.DONE else None
    if result is not None and result.rep_count is not None:
        return f"{result.rep_count} rep{'' if result.rep_count == 1 else 's'}"
    return session.get_status_display().lower()


def session_review(*, session: ExerciseSession) -> dict[str, Any]:
    patient_sessions = ExerciseSession.objects.filter(patient_id=session.patient_id)
    earlier = patient_sessions.filter(created_at__lt=session.created_at) | patient_sessions.filter(
        created_at=session.created_at, pk__lt=session.pk
    )
    later = patient_sessions.filter(created_at__gt=session.created_at) | patient_sessions.filter(
        created_at=session.created_at, pk__gt=session.pk
    )
    same = (
        earlier.filter(routine_item__exercise_id=session.routine_item.exercise_id)
        .select_related("result")
        .order_by("-created_at", "-id")
        .first()
    )
    return {
        "prescribed": session.routine_item,
        "previous_same": same,
        "previous_same_figure": session_main_figure(same),
        "previous_session": earlier.order_by("-created_at", "-id").first(),
        "next_session": later.order_by("created_at", "id").first(),
    }
