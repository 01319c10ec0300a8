"""Reads for the web pages (today's routine, dashboard rows and flags, trends, exports).

Like :mod:`therapy.selectors`, every function is scoped by the caller: views pass objects they
already checked (a therapist's own patient, a patient themselves).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from exercises.models import Exercise
from therapy.models import (
    ExerciseSession,
    Routine,
    RoutineItem,
    SessionResult,
    SessionStatus,
    User,
)
from therapy.selectors import adherence_for_patients, week_start_of

# Flag thresholds, in the units the therapist reads them in.
PAIN_RISE_POINTS = 2  # the last three pain scores climb by at least this much
MEASURE_DROP = 10.0  # degrees of range, or balance-score points, below the earlier median
MISSED_DAYS = 3  # days without any session while a routine is active
QUALITY_WINDOW = 5  # recent sessions looked at for quality problems


def _week_bounds(week_start: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(week_start, time.min, tzinfo=tz)
    return start, start + timedelta(days=7)


def routines_active(*, patient: User, day: date | None = None):
    """The patient's routines running on ``day`` (today by default), current items prefetched."""
    day = day or timezone.localdate()
    return (
        Routine.objects.filter(patient=patient, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("therapist")
        .prefetch_related("items__exercise")
    )


@dataclass
class TodayItem:
    item: RoutineItem
    exercise: Exercise
    done_this_week: int
    prescribed_per_week: int
    pending: int = 0

    @property
    def remaining(self) -> int:
        return max(self.prescribed_per_week - self.done_this_week, 0)

    @property
    def complete(self) -> bool:
        return self.done_this_week >= self.prescribed_per_week


def todays_routine(*, patient: User) -> list[dict[str, Any]]:
    """Active routines with, per current item, the sessions done this week (by exercise)."""
    start, end = _week_bounds(week_start_of())
    week = ExerciseSession.objects.filter(patient=patient, created_at__gte=start, created_at__lt=end)
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"done": 0, "pending": 0})
    rows = week.values("routine_item__routine_id", "routine_item__exercise_id", "status").annotate(
        n=Count("id")
    )
    for row in rows:
        key = (row["routine_item__routine_id"], row["routine_item__exercise_id"])
        if row["status"] == SessionStatus.DONE:
            counts[key]["done"] += row["n"]
        elif row["status"] in (SessionStatus.QUEUED, SessionStatus.PROCESSING):
            counts[key]["pending"] += row["n"]
    out = []
    for routine in routines_active(patient=patient):
        items = [i for i in routine.items.all() if i.retired_at is None]
        out.append(
            {
                "routine": routine,
                "items": [
                    TodayItem(
                        item=i,
                        exercise=i.exercise,
                        done_this_week=counts[(routine.pk, i.exercise_id)]["done"],
                        prescribed_per_week=i.per_week,
                        pending=counts[(routine.pk, i.exercise_id)]["pending"],
                    )
                    for i in items
                ],
            }
        )
    return out


# --- Result measures ----------------------------------------------------------------------


def result_measures(result: SessionResult | None) -> dict[str, Any]:
    """The numbers a therapist compares across sessions, from a stored result.

    Reads the engine's summary (``peak_angle``, ``range_of_motion``, ``score``, ...) and, for
    older results that stored a per-angle summary instead, the primary angle's peak and range.
    """
    empty = {
        "count": None,
        "peak_angle": None,
        "range_of_motion": None,
        "balance_score": None,
        "hold_seconds": None,
        "trusted": None,
        "problems": [],
    }
    if result is None:
        return empty
    summary = result.angles_summary or {}
    quality = result.quality or {}
    per_angle = summary.get(result.primary_angle) if result.primary_angle else None
    per_angle = per_angle if isinstance(per_angle, dict) else {}
    balance = result.balance or {}
    reps = result.reps or {}
    return {
        "count": reps.get("count", result.rep_count) if result.balance is None else None,
        "peak_angle": summary.get("peak_angle", per_angle.get("peak")),
        "range_of_motion": summary.get("range_of_motion", per_angle.get("range")),
        "balance_score": summary.get("score", balance.get("score")),
        "hold_seconds": summary.get("hold_seconds", balance.get("hold_seconds")),
        "trusted": quality.get("trusted"),
        "problems": list(quality.get("problems") or []),
    }


def _sessions_with_results(patient: User):
    return (
        ExerciseSession.objects.filter(patient=patient)
        .select_related("routine_item__exercise", "result")
        .order_by("created_at", "id")
    )


def _result_of(session: ExerciseSession) -> SessionResult | None:
    if session.status != SessionStatus.DONE:
        return None
    try:
        return session.result
    except SessionResult.DoesNotExist:
        return None


def trends_for_patient(*, patient: User) -> list[dict[str, Any]]:
    """Per exercise, one point per finished session, oldest first (JSON-ready for charts)."""
    by_exercise: dict[int, dict[str, Any]] = {}
    for session in _sessions_with_results(patient):
        result = _result_of(session)
        if result is None and session.pain_score is None:
            continue
        exercise = session.routine_item.exercise
        entry = by_exercise.setdefault(
            exercise.pk,
            {
                "slug": exercise.slug,
                "name": exercise.name,
                "protocol": exercise.protocol,
                "primary_measure": exercise.primary_measure,
                "points": [],
            },
        )
        m = result_measures(result)
        entry["points"].append(
            {
                "session": session.pk,
                "date": timezone.localtime(session.created_at).strftime("%Y-%m-%d %H:%M"),
                "reps": m["count"],
                "peak_angle": m["peak_angle"],
                "range_of_motion": m["range_of_motion"],
                "balance_score": m["balance_score"],
                "hold_seconds": m["hold_seconds"],
                "pain": session.pain_score,
                "trusted": m["trusted"],
            }
        )
    return sorted(by_exercise.values(), key=lambda e: e["name"])


# --- Flags --------------------------------------------------------------------------------


@dataclass
class Flag:
    code: str
    label: str
    detail: str


@dataclass
class PatientRow:
    patient: User
    adherence: dict[str, Any]
    last_activity: datetime | None
    flags: list[Flag] = field(default_factory=list)

    @property
    def adherence_percent(self) -> int | None:
        ratio = self.adherence.get("ratio")
        return None if ratio is None else round(100 * ratio)


def _pain_flag(sessions: list[ExerciseSession]) -> Flag | None:
    pains = [s.pain_score for s in sessions if s.pain_score is not None][-3:]
    if len(pains) >= 2 and all(b >= a for a, b in zip(pains, pains[1:], strict=False)):
        if pains[-1] - pains[0] >= PAIN_RISE_POINTS:
            trail = " → ".join(str(p) for p in pains)
            return Flag("pain_rising", "Pain rising", f"Last pain scores {trail} (0–10).")
    return None


def _measure_flag(sessions: list[ExerciseSession]) -> Flag | None:
    series: dict[str, list[float]] = defaultdict(list)
    names: dict[str, str] = {}
    for s in sessions:
        m = result_measures(_result_of(s))
        if not m["trusted"]:
            continue
        value = m["balance_score"] if m["balance_score"] is not None else m["range_of_motion"]
        if value is not None:
            series[s.routine_item.exercise.slug].append(float(value))
            names[s.routine_item.exercise.slug] = s.routine_item.exercise.name
    for slug, values in series.items():
        if len(values) >= 3:
            before = median(values[:-1][-5:])
            if values[-1] <= before - MEASURE_DROP:
                return Flag(
                    "measure_declining",
                    "Measure declining",
                    f"{names[slug]}: latest {values[-1]:.0f}, earlier median {before:.0f}.",
                )
    return None


def _quality_flag(sessions: list[ExerciseSession]) -> Flag | None:
    recent = sessions[-QUALITY_WINDOW:]
    failed = sum(1 for s in recent if s.status == SessionStatus.FAILED)
    untrusted = sum(
        1 for s in recent if result_measures(_result_of(s))["trusted"] is False
    )
    if failed or untrusted:
        parts = []
        if failed:
            parts.append(f"{failed} failed")
        if untrusted:
            parts.append(f"{untrusted} not trusted")
        return Flag(
            "quality",
            "Quality problems",
            f"{' and '.join(parts)} of the last {len(recent)} sessions.",
        )
    return None


def _missed_flag(patient: User, last: datetime | None, active: bool) -> Flag | None:
    if not active:
        return None
    today = timezone.localdate()
    starts = Routine.objects.filter(patient=patient, start_date__lte=today).aggregate(
        first=Max("start_date")
    )["first"]
    since = timezone.localdate(last) if last else starts
    if since is None:
        return None
    days = (today - since).days
    if days >= MISSED_DAYS:
        what = "since the last session" if last else "since the routine started"
        return Flag("missed_days", "Missed days", f"{days} days without a session {what}.")
    return None


def patient_flags(*, patient: User, last_activity: datetime | None = None) -> list[Flag]:
    sessions = list(_sessions_with_results(patient))
    if last_activity is None and sessions:
        last_activity = sessions[-1].created_at
    active = routines_active(patient=patient).exists()
    flags = [
        _pain_flag(sessions),
        _measure_flag(sessions),
        _quality_flag(sessions),
        _missed_flag(patient, last_activity, active),
    ]
    return [f for f in flags if f is not None]


def dashboard_rows(*, patients: list[User]) -> list[PatientRow]:
    adherence = adherence_for_patients(patients=patients)
    last = dict(
        ExerciseSession.objects.filter(patient__in=patients)
        .values("patient_id")
        .annotate(last=Max("created_at"))
        .values_list("patient_id", "last")
    )
    return [
        PatientRow(
            patient=p,
            adherence=adherence[p.pk],
            last_activity=last.get(p.pk),
            flags=patient_flags(patient=p, last_activity=last.get(p.pk)),
        )
        for p in patients
    ]


# --- Export -------------------------------------------------------------------------------

CSV_COLUMNS = [
    "session_id",
    "date",
    "exercise",
    "exercise_name",
    "source",
    "status",
    "repetitions",
    "peak_angle_deg",
    "range_of_motion_deg",
    "balance_score",
    "hold_seconds",
    "pain_0_10",
    "trusted",
    "quality_problems",
    "comment",
]


def export_rows(*, patient: User) -> list[list[Any]]:
    rows = []
    for s in _sessions_with_results(patient):
        m = result_measures(_result_of(s))
        rows.append(
            [
                s.pk,
                timezone.localtime(s.created_at).isoformat(timespec="seconds"),
                s.routine_item.exercise.slug,
                s.routine_item.exercise.name,
                s.source,
                s.status,
                m["count"],
                m["peak_angle"],
                m["range_of_motion"],
                m["balance_score"],
                m["hold_seconds"],
                s.pain_score,
                m["trusted"],
                " | ".join(m["problems"]) or (s.error if s.status == SessionStatus.FAILED else ""),
                s.comment,
            ]
        )
    return rows


def report_summary(*, patient: User) -> list[dict[str, Any]]:
    """Per exercise: first, latest and best trusted measure, sessions done, last pain."""
    out = []
    for entry in trends_for_patient(patient=patient):
        points = entry["points"]
        key = "balance_score" if entry["protocol"] == "hold_balance" else "range_of_motion"
        values = [p[key] for p in points if p[key] is not None]
        pains = [p["pain"] for p in points if p["pain"] is not None]
        out.append(
            {
                **entry,
                "measure_key": key,
                "measure_label": "Balance score (0–100)"
                if key == "balance_score"
                else "Range of motion (°)",
                "sessions": len(points),
                "first": values[0] if values else None,
                "latest": values[-1] if values else None,
                "best": max(values) if values else None,
                "last_pain": pains[-1] if pains else None,
            }
        )
    return out


def measure_label(name: str | None) -> str:
    """A person's name for a measure: ``mean_shoulder_abduction`` → "Shoulder abduction (both
    sides, mean)", ``left_knee_flexion`` → "Left knee flexion"."""
    if not name:
        return "Primary angle"
    if name.startswith("mean_"):
        return f"{name[5:].replace('_', ' ').capitalize()} (both sides, mean)"
    return name.replace("_", " ").capitalize()
