"""Routines and their items, scoped to the user asking (a therapist: their patients'; a
patient: their own), and what a patient has to do this week."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from therapy.models import (
    ExerciseSession,
    Routine,
    RoutineItem,
    RoutineRevision,
    SessionStatus,
    User,
)
from therapy.selectors.adherence import week_start_of


def routine_list_for_user(*, user: User) -> QuerySet[Routine]:
    if user.is_therapist:
        qs = Routine.objects.filter(patient__therapist=user)
    elif user.is_patient:
        qs = Routine.objects.filter(patient=user)
    else:
        return Routine.objects.none()
    current = RoutineItem.objects.filter(retired_at=None).select_related("exercise")
    return qs.select_related("patient", "therapist").prefetch_related(
        Prefetch("items", queryset=current, to_attr="current_items")
    )


def routine_get_for_user(*, user: User, routine_id: int) -> Routine | None:
    return routine_list_for_user(user=user).filter(pk=routine_id).first()


def routine_revisions(*, routine: Routine) -> QuerySet[RoutineRevision]:
    return routine.revisions.select_related("changed_by")


def routine_item_for_patient(*, patient: User, item_id: int) -> RoutineItem | None:
    return (
        RoutineItem.objects.filter(pk=item_id, routine__patient=patient)
        .select_related("routine", "exercise")
        .first()
    )


def routine_item_current(*, routine: Routine, item_id: int) -> RoutineItem | None:
    """One of the routine's current (not retired) items."""
    return routine.items.filter(pk=item_id, retired_at=None).select_related("exercise").first()


def routine_items_removed(*, routine: Routine, item_ids: list[int]) -> QuerySet[RoutineItem]:
    """Of ``item_ids``, the routine's items that were removed (retired, not replaced)."""
    return (
        routine.items.filter(pk__in=item_ids, replaced_by__isnull=True)
        .exclude(retired_at=None)
        .select_related("exercise")
    )


def routines_active(*, patient: User, day: date | None = None):
    """The patient's routines running on ``day`` (today by default), current items prefetched."""
    day = day or timezone.localdate()
    return (
        Routine.objects.filter(patient=patient, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("therapist")
        .prefetch_related("items__exercise")
    )


def today_plan(*, patient: User) -> dict[str, Any]:
    """The Today page: the patient's local date, the Monday of their week, and per active
    routine its current items as :class:`~therapy.selectors.schedule.DueItem` (due today first,
    then by the next due day), each with the sessions being analysed (``pending``)."""
    from therapy.selectors.schedule import due_items, patient_local_date

    day = patient_local_date(patient)
    rows = due_items(patient=patient, day=day)
    pending = dict(
        ExerciseSession.objects.filter(
            patient=patient,
            status__in=(SessionStatus.QUEUED, SessionStatus.PROCESSING),
            routine_item__in=[r.item for r in rows],
        )
        .values_list("routine_item_id")
        .annotate(n=Count("id"))
    )
    blocks: dict[int, dict[str, Any]] = {}
    for row in rows:
        row.pending = pending.get(row.item.pk, 0)
        block = blocks.setdefault(row.item.routine_id, {"routine": row.item.routine, "items": []})
        block["items"].append(row)
    far = date.max
    for block in blocks.values():
        block["items"].sort(key=lambda r: (not r.due_today, r.next_due or far, r.item.position))
    return {
        "day": day,
        "week_start": week_start_of(day),
        "routines": list(blocks.values()),
    }
