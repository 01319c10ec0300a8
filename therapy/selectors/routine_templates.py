"""Routine templates a therapist may start from: the built-in ones and their clinic's."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from therapy.models import RoutineTemplate, RoutineTemplateItem, User


def routine_template_list(*, user: User) -> QuerySet[RoutineTemplate]:
    """Built-in templates first, then the clinic's, items (and exercises) prefetched."""
    scope = Q(clinic=None)
    if user.clinic_id is not None:
        scope |= Q(clinic_id=user.clinic_id)
    items = RoutineTemplateItem.objects.select_related("exercise").order_by("position", "id")
    return (
        RoutineTemplate.objects.filter(scope)
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("clinic_id", "name", "id")
    )


def routine_template_get(*, user: User, template_id: int) -> RoutineTemplate | None:
    return routine_template_list(user=user).filter(pk=template_id).first()
