"""Reads of the exercise catalog, scoped to who is asking."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from exercises.models import Exercise


def exercise_list_for_user(*, user) -> QuerySet[Exercise]:
    """Built-ins, plus custom exercises of the therapist (or of a patient's therapist)."""
    owners = []
    if getattr(user, "is_therapist", False):
        owners = [user.pk]
    elif getattr(user, "is_patient", False):
        owners = [user.therapist_id]
    return (
        Exercise.objects.filter(Q(is_builtin=True) | Q(owner_id__in=owners))
        .select_related("base")
        .order_by("-is_builtin", "name", "id")
    )


def exercise_get_for_user(*, user, slug: str) -> Exercise | None:
    return exercise_list_for_user(user=user).filter(slug=slug).first()
