"""Clinical flags on a patient, the rules a therapist's dashboard raises: pain rising, a measure
declining, quality problems, missed days."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.db.models import Max
from django.utils import timezone

from therapy.models import ExerciseSession, Routine, SessionStatus, User
from therapy.selectors.results import result_measures
from therapy.selectors.routines import routines_active
from therapy.selectors.sessions import session_done_result, sessions_with_results

# Flag thresholds, in the units the therapist reads them in.
PAIN_RISE_POINTS = 2  # the last three pain scores climb by at least this much
MEASURE_DROP = 10.0  # degrees of range, or balance-score points, below the earlier median
MISSED_DAYS = 3  # days without any session while a routine is active
QUALITY_WINDOW = 5  # recent sessions looked at for quality problems


@dataclass
class Flag:
    code: str
    label: str
    detail: str


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
        m = result_measures(session_done_result(s))
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
        1 for s in recent if result_measures(session_done_result(s))["trusted"] is False
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
    sessions = list(sessions_with_results(patient))
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
