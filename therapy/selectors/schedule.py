"""What a patient has to do today, in their own time zone.

The rule (also shown in plain words on the patient's Today page): a week runs Monday to Sunday
in the patient's time zone, and its sessions are spread evenly over it. By day ``i`` of the
week (Monday = 0) the patient should have done ``ceil(per_week * (i + 1) / 7)`` sessions of an
exercise. The exercise is *due today* when fewer sessions than that are done this week, and
fewer than the daily cap ``ceil(per_week / 7)`` are done today (3 a week: Monday, Wednesday,
Friday; 7 a week: every day; 14 a week: twice a day). A session counts as done when it is
``done``, ``queued`` or ``processing`` (so a patient who just recorded is not told to record
again); a ``failed`` one does not. Sessions count by (routine, exercise), as on the Today page,
so a session recorded against an item the therapist has since changed still counts.

``next_due``: today when due; else the first later day of this week whose target exceeds what
is done; else next Monday when the routine is still running then; else None.
"""

from __future__ import annotations

import math
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from exercises.models import Exercise
from therapy.models import ExerciseSession, Routine, RoutineItem, SessionStatus, User

COUNTED = (SessionStatus.DONE, SessionStatus.QUEUED, SessionStatus.PROCESSING)


def patient_zone(patient: User) -> zoneinfo.ZoneInfo:
    """The patient's zone: their own, else their clinic's (or their therapist's clinic's),
    else the site's."""
    names = [patient.time_zone]
    clinic = patient.clinic or (patient.therapist.clinic if patient.therapist_id else None)
    if clinic is not None:
        names.append(clinic.time_zone)
    names.append(settings.TIME_ZONE)
    for name in names:
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


def patient_local_date(patient: User, now: datetime | None = None) -> date:
    """Today's date where the patient lives."""
    now = now or timezone.now()
    return now.astimezone(patient_zone(patient)).date()


def week_target(per_week: int, weekday: int) -> int:
    """Sessions that should be done by the end of day ``weekday`` (Monday = 0)."""
    return math.ceil(per_week * (weekday + 1) / 7)


def daily_cap(per_week: int) -> int:
    return math.ceil(per_week / 7)


@dataclass
class DueItem:
    item: RoutineItem
    exercise: Exercise
    per_week: int
    done_this_week: int
    done_today: int
    due_today: bool
    next_due: date | None
    pending: int = 0  # sessions being analysed (filled in by the Today page's selector)

    @property
    def done_for_today(self) -> bool:
        return not self.due_today and self.done_today > 0


def _runs_on(routine: Routine, day: date) -> bool:
    return routine.start_date <= day and (routine.end_date is None or routine.end_date >= day)


def _next_due(routine: Routine, per_week: int, day: date, done_week: int) -> date | None:
    monday = day - timedelta(days=day.weekday())
    for j in range(day.weekday() + 1, 7):
        later = monday + timedelta(days=j)
        if not _runs_on(routine, later):
            break
        if week_target(per_week, j) > done_week:
            return later
    next_monday = monday + timedelta(days=7)
    return next_monday if _runs_on(routine, next_monday) else None


def due_items(*, patient: User, day: date | None = None) -> list[DueItem]:
    """Per current item of the patient's routines running on ``day`` (the patient's today by
    default): what is done this week and today, whether it is due today, and the next due day.
    """
    zone = patient_zone(patient)
    day = day or patient_local_date(patient)
    monday = day - timedelta(days=day.weekday())
    week_start = datetime.combine(monday, time.min, tzinfo=zone)
    day_start = datetime.combine(day, time.min, tzinfo=zone)
    day_end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)

    routines = (
        Routine.objects.filter(patient=patient, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("therapist")
        .prefetch_related("items__exercise")
        .order_by("start_date", "pk")
    )
    sessions = ExerciseSession.objects.filter(
        patient=patient, status__in=COUNTED, created_at__gte=week_start, created_at__lt=day_end
    ).values_list("routine_item__routine_id", "routine_item__exercise_id", "created_at")
    week: Counter[tuple[int, int]] = Counter()
    today: Counter[tuple[int, int]] = Counter()
    for routine_id, exercise_id, created_at in sessions:
        week[(routine_id, exercise_id)] += 1
        if created_at >= day_start:
            today[(routine_id, exercise_id)] += 1

    out: list[DueItem] = []
    for routine in routines:
        for item in routine.items.all():
            if item.retired_at is not None:
                continue
            key = (routine.pk, item.exercise_id)
            per_week = item.per_week or 0
            done_week, done_day = week[key], today[key]
            due = (
                per_week > 0
                and done_week < week_target(per_week, day.weekday())
                and done_day < daily_cap(per_week)
            )
            if due:
                next_due: date | None = day
            elif per_week > 0:
                next_due = _next_due(routine, per_week, day, done_week)
            else:
                next_due = None
            out.append(
                DueItem(
                    item=item,
                    exercise=item.exercise,
                    per_week=per_week,
                    done_this_week=done_week,
                    done_today=done_day,
                    due_today=due,
                    next_due=next_due,
                )
            )
    return out
