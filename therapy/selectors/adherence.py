"""Adherence: sessions done against sessions prescribed, week by week (Monday to Sunday)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from therapy.models import ExerciseSession, RoutineItem, SessionStatus, User


def week_start_of(day: date | None = None) -> date:
    """Monday of the week containing ``day`` (today in the site's time zone by default)."""
    day = day or timezone.localdate()
    return day - timedelta(days=day.weekday())


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """The week starting on ``week_start`` as aware datetimes: [start, end)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(week_start, time.min, tzinfo=tz)
    return start, start + timedelta(days=7)


def adherence_for_patients(
    *, patients: list[User], week_start: date | None = None
) -> dict[int, dict[str, Any]]:
    """Sessions done against sessions prescribed, per patient, for one week (Monday to Sunday).

    Prescribed: the ``per_week`` of each item current at the end of the week (or now, for the
    running week) in routines active that week. Done: sessions finished ``done`` that week, per
    exercise of the routine (so sessions against an item since changed still count), capped at
    what was prescribed. ``ratio`` is None when nothing was prescribed.
    """
    week_start = week_start or week_start_of()
    week_end = week_start + timedelta(days=7)
    tz = timezone.get_current_timezone()
    start_dt = datetime.combine(week_start, time.min, tzinfo=tz)
    end_dt = datetime.combine(week_end, time.min, tzinfo=tz)
    as_of = min(end_dt, timezone.now())
    ids = [p.pk for p in patients]

    items = (
        RoutineItem.objects.filter(
            routine__patient_id__in=ids,
            routine__start_date__lt=week_end,
            created_at__lte=as_of,
        )
        .filter(Q(routine__end_date__isnull=True) | Q(routine__end_date__gte=week_start))
        .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=as_of))
        .select_related("exercise")
        .values("routine__patient_id", "routine_id", "exercise_id", "exercise__slug", "per_week")
    )
    done_counts = (
        ExerciseSession.objects.filter(
            patient_id__in=ids,
            status=SessionStatus.DONE,
            created_at__gte=start_dt,
            created_at__lt=end_dt,
        )
        .values("patient_id", "routine_item__routine_id", "routine_item__exercise_id")
        .annotate(n=Count("id"))
    )
    done = {
        (row["patient_id"], row["routine_item__routine_id"], row["routine_item__exercise_id"]): row[
            "n"
        ]
        for row in done_counts
    }
    per_patient: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in items:
        key = (row["routine__patient_id"], row["routine_id"], row["exercise_id"])
        per_patient[key[0]].append(
            {
                "exercise": row["exercise__slug"],
                "prescribed": row["per_week"],
                "done": min(done.get(key, 0), row["per_week"]),
            }
        )
    out = {}
    for pk in ids:
        rows = per_patient.get(pk, [])
        prescribed = sum(r["prescribed"] for r in rows)
        completed = sum(r["done"] for r in rows)
        out[pk] = {
            "week_start": week_start,
            "prescribed": prescribed,
            "done": completed,
            "ratio": round(completed / prescribed, 3) if prescribed else None,
            "items": rows,
        }
    return out


def adherence_for_patient(*, patient: User, week_start: date | None = None) -> dict[str, Any]:
    return adherence_for_patients(patients=[patient], week_start=week_start)[patient.pk]


def adherence_history(*, patient: User, weeks: int = 8) -> list[dict[str, Any]]:
    this_week = week_start_of()
    return [
        adherence_for_patient(patient=patient, week_start=this_week - timedelta(weeks=n))
        for n in range(weeks)
    ]
