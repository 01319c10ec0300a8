"""Routines: prescribing exercises and changing them while keeping their history."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from exercises.models import Exercise
from therapy.models import Routine, RoutineItem, RoutineRevision, Side, User


def _item_fields(item: dict[str, Any]) -> dict[str, Any]:
    exercise: Exercise = item["exercise"]
    reps = item.get("reps")
    hold = item.get("hold_seconds")
    if reps is None and hold is None:
        reps, hold = exercise.default_reps, exercise.default_hold_seconds
    return {
        "exercise": exercise,
        "sets": item.get("sets") or exercise.default_sets or 1,
        "reps": reps,
        "hold_seconds": hold,
        "per_week": item.get("per_week") or 3,
        "side": item.get("side") or Side.BOTH,
        "rest_seconds": item.get("rest_seconds"),
        "notes": item.get("notes") or "",
    }


def _check_exercise_allowed(*, therapist: User, exercise: Exercise) -> None:
    if not exercise.is_builtin and exercise.owner_id != therapist.pk:
        raise ValidationError({"items": f"Unknown exercise {exercise.slug!r}."})


def routine_snapshot(*, routine: Routine) -> dict[str, Any]:
    return {
        "title": routine.title,
        "start_date": routine.start_date.isoformat(),
        "end_date": routine.end_date.isoformat() if routine.end_date else None,
        "items": [
            {
                "id": item.pk,
                "exercise": item.exercise.slug,
                "sets": item.sets,
                "reps": item.reps,
                "hold_seconds": item.hold_seconds,
                "per_week": item.per_week,
                "side": item.side,
                "rest_seconds": item.rest_seconds,
                "notes": item.notes,
            }
            for item in routine.items.filter(retired_at=None).select_related("exercise")
        ],
    }


def _record_revision(*, routine: Routine, changed_by: User | None) -> None:
    RoutineRevision.objects.create(
        routine=routine, changed_by=changed_by, snapshot=routine_snapshot(routine=routine)
    )


@transaction.atomic
def routine_create(
    *,
    therapist: User,
    patient: User,
    title: str,
    items: list[dict[str, Any]],
    start_date: date | None = None,
    end_date: date | None = None,
) -> Routine:
    if patient.therapist_id != therapist.pk:
        raise ValidationError({"patient": "Not one of your patients."})
    if not items:
        raise ValidationError({"items": "A routine needs at least one exercise."})
    routine = Routine(
        patient=patient,
        therapist=therapist,
        title=title,
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    routine.full_clean()
    routine.save()
    for position, item in enumerate(items):
        _check_exercise_allowed(therapist=therapist, exercise=item["exercise"])
        RoutineItem.objects.create(routine=routine, position=position, **_item_fields(item))
    _record_revision(routine=routine, changed_by=therapist)
    return routine


@transaction.atomic
def routine_update(
    *,
    routine: Routine,
    changed_by: User,
    title: str | None = None,
    start_date: date | None = None,
    end_date: date | None | type[Ellipsis] = ...,
    items: list[dict[str, Any]] | None = None,
) -> Routine:
    """Change a routine, keeping history.

    ``items`` (when given) is the new full list. An entry with the ``id`` of a current item and
    the same dose keeps that row; a changed dose retires the old row and adds a new one that
    ``replaces`` it; current items not listed are retired. Sessions keep pointing at the rows
    they were performed against.
    """
    routine = Routine.objects.select_for_update().get(pk=routine.pk)
    if title is not None:
        routine.title = title
    if start_date is not None:
        routine.start_date = start_date
    if end_date is not ...:
        routine.end_date = end_date
    routine.full_clean()
    routine.save()
    if items is not None:
        if not items:
            raise ValidationError({"items": "A routine needs at least one exercise."})
        now = timezone.now()
        current = {item.pk: item for item in routine.items.filter(retired_at=None)}
        kept: set[int] = set()
        for position, entry in enumerate(items):
            _check_exercise_allowed(therapist=routine.therapist, exercise=entry["exercise"])
            fields = _item_fields(entry)
            old = current.get(entry.get("id"))
            if entry.get("id") is not None and old is None:
                raise ValidationError({"items": f"Item {entry['id']} is not in this routine."})
            if old is not None:
                kept.add(old.pk)
                same = all(getattr(old, k) == v for k, v in fields.items())
                if same:
                    if old.position != position:
                        old.position = position
                        old.save(update_fields=["position"])
                    continue
                old.retired_at = now
                old.save(update_fields=["retired_at"])
            RoutineItem.objects.create(routine=routine, position=position, replaces=old, **fields)
        for pk, item in current.items():
            if pk not in kept:
                item.retired_at = now
                item.save(update_fields=["retired_at"])
    _record_revision(routine=routine, changed_by=changed_by)
    return routine


# --- One item at a time (the therapist's routine builder) -------------------------------------


def _current_items(routine: Routine) -> list[dict[str, Any]]:
    """The routine's current items in the shape ``routine_update`` takes (ids keep rows)."""
    return [
        {
            "id": i.pk,
            "exercise": i.exercise,
            "sets": i.sets,
            "reps": i.reps,
            "hold_seconds": i.hold_seconds,
            "per_week": i.per_week,
            "side": i.side,
            "rest_seconds": i.rest_seconds,
            "notes": i.notes,
        }
        for i in routine.items.filter(retired_at=None).select_related("exercise")
    ]


def _current_item(items: list[dict[str, Any]], item_id: int) -> dict[str, Any]:
    entry = next((i for i in items if i["id"] == item_id), None)
    if entry is None:
        raise ValidationError({"items": f"Item {item_id} is not in this routine."})
    return entry


def routine_item_add(
    *, routine: Routine, changed_by: User, exercise: Exercise, dose: dict[str, Any]
) -> Routine:
    """Add an exercise with its dose (``sets``, ``reps``, ``hold_seconds``, ``per_week``,
    ``notes``) after the current ones."""
    items = _current_items(routine) + [{"exercise": exercise, **dose}]
    return routine_update(routine=routine, changed_by=changed_by, items=items)


def routine_item_update(
    *, routine: Routine, changed_by: User, item_id: int, dose: dict[str, Any]
) -> Routine:
    """Change one current item's dose (the old row is retired, see ``routine_update``)."""
    items = _current_items(routine)
    _current_item(items, item_id).update(dose)
    return routine_update(routine=routine, changed_by=changed_by, items=items)


def routine_item_remove(*, routine: Routine, changed_by: User, item_id: int) -> Routine:
    """Retire one current item; the last one cannot go (the routine is ended instead)."""
    items = _current_items(routine)
    _current_item(items, item_id)
    if len(items) == 1:
        raise ValidationError("A routine needs at least one exercise: end it instead.")
    items = [i for i in items if i["id"] != item_id]
    return routine_update(routine=routine, changed_by=changed_by, items=items)


def routine_end(*, routine: Routine, changed_by: User, end_date: date | None = None) -> Routine:
    """End a routine (today by default)."""
    return routine_update(
        routine=routine, changed_by=changed_by, end_date=end_date or timezone.localdate()
    )


def routine_save(
    *,
    routine: Routine | None,
    patient: User,
    therapist: User,
    title: str,
    start_date: date | None,
    items: list[dict[str, Any]],
) -> Routine:
    """The routine builder's one Save: create the routine, or apply the differences to it.

    ``items`` is the full new list in order; an entry's ``id`` names a current item (kept when
    its dose is unchanged, retired and replaced when changed); current items left out are
    retired. One revision records the result.
    """
    if routine is None:
        return routine_create(
            therapist=therapist, patient=patient, title=title, start_date=start_date, items=items
        )
    if routine.patient_id != patient.pk or patient.therapist_id != therapist.pk:
        raise ValidationError({"patient": "Not one of your patients."})
    return routine_update(
        routine=routine, changed_by=therapist, title=title, start_date=start_date, items=items
    )


@transaction.atomic
def routine_item_restore(*, routine: Routine, changed_by: User, item_id: int) -> RoutineItem:
    """Undo a removal: the retired item comes back with the same dose, at the end of the list.

    Only an item that was removed (retired and not replaced by a changed dose) can come back.
    """
    routine = Routine.objects.select_for_update().get(pk=routine.pk)
    item = (
        routine.items.filter(pk=item_id, replaced_by__isnull=True).exclude(retired_at=None).first()
    )
    if item is None:
        raise ValidationError("That exercise cannot be brought back: it was not removed.")
    last = routine.items.filter(retired_at=None).order_by("-position").first()
    item.retired_at = None
    item.position = (last.position + 1) if last else 0
    item.save(update_fields=["retired_at", "position"])
    _record_revision(routine=routine, changed_by=changed_by)
    return item


def routine_reopen(*, routine: Routine, changed_by: User) -> Routine:
    """Undo ending a routine: it runs again with no end date."""
    return routine_update(routine=routine, changed_by=changed_by, end_date=None)
