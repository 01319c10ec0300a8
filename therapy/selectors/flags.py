"""Clinical flags on a patient, the rules a therapist's dashboard raises, each with its urgency.

Thresholds and where they come from:

- **High pain** (urgent): the latest pain score is 7 or more on the 0–10 numeric rating scale
  (NRS). Clinical convention reads NRS 1–3 as mild, 4–6 as moderate and 7–10 as severe pain
  (Serlin et al., Pain 1995; Boonstra et al., Pain 2016), so one severe score is worth a call
  on its own, whatever came before.
- **Pain jump** (urgent): the latest score is 3 or more points above the one before. About 2
  points (30 %) is the smallest change patients feel as meaningful on the NRS (Farrar et al.,
  Pain 2001); 3 is a clear change, beyond the scale's noise, between two sessions.
- **Pain rising** (attention): the last three scores climb by 2 points or more in all.
- **Measure declining** (attention): on trusted sessions only, the latest range of motion
  (degrees) or balance score (0–100) is 10 or more below the median of the five sessions
  before it. 10 degrees is above the 5–8 degrees that repeated 2D video goniometry varies by
  session to session; an untrusted clip never raises it (a bad clip is not a decline).
- **Missed sessions** (attention): measured against the routine's prescription. Either no
  session for twice the expected interval between sessions (7 days / the most frequent
  item's times per week; at least 3 days), or fewer sessions done than prescribed in the last
  full week (Monday to Sunday, in the clinic's time zone).
- **Quality problems** (information): failed or untrusted analyses among the last five
  sessions: the patient may need help filming.

Each flag names the event that raised it (``event``: "session:42", "week:2026-11-23",
"gap:2026-11-20"): the notification service emails the therapist once per (patient, flag,
event). Flags are computed in the current time zone: the clinic's, activated per request by
``therapy.middleware`` and by the tasks for each patient.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from statistics import median

from django.utils import timezone

from therapy.models import ExerciseSession, SessionStatus, User
from therapy.selectors.adherence import adherence_for_patient, week_start_of
from therapy.selectors.results import result_measures
from therapy.selectors.routines import routines_active
from therapy.selectors.sessions import session_done_result, sessions_with_results

# Thresholds, in the units the therapist reads them in (sources in the module's docstring).
PAIN_HIGH = 7  # NRS 7-10: severe
PAIN_JUMP = 3  # points between two consecutive scores
PAIN_RISE_POINTS = 2  # over the last three scores
MEASURE_DROP = 10.0  # degrees of range, or balance-score points, below the earlier median
MEASURE_HISTORY = 5  # earlier trusted sessions the median is taken over
MISSED_GAP_FACTOR = 2  # times the expected interval between sessions
MISSED_MIN_DAYS = 3  # never flag a shorter gap, even for a daily routine
QUALITY_WINDOW = 5  # recent sessions looked at for quality problems


class Severity(IntEnum):
    INFO = 1
    ATTENTION = 2
    URGENT = 3


FLAG_LABELS = {
    "pain_high": "High pain",
    "pain_jump": "Pain jump",
    "pain_rising": "Pain rising",
    "measure_declining": "Measure declining",
    "missed_sessions": "Missed sessions",
    "quality": "Quality problems",
}

SEVERITY_LABELS = {
    Severity.INFO: "information",
    Severity.ATTENTION: "attention",
    Severity.URGENT: "urgent",
}


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    detail: str
    severity: Severity = Severity.ATTENTION
    event: str = ""  # what raised it, for the once-only notification

    @property
    def level(self) -> str:
        """ "urgent", "attention" or "information" (a CSS class and the words beside it)."""
        return SEVERITY_LABELS[self.severity]

    @property
    def notify(self) -> bool:
        """Whether the therapist is emailed about it (not for information)."""
        return self.severity >= Severity.ATTENTION and bool(self.event)


def _when(session: ExerciseSession) -> str:
    return f"{timezone.localtime(session.created_at):%-d %b}"


def _pain_flag(sessions: list[ExerciseSession]) -> Flag | None:
    """The most urgent of high pain, a jump, or a rise (one pain flag at most)."""
    scored = [s for s in sessions if s.pain_score is not None]
    if not scored:
        return None
    last = scored[-1]
    pain = last.pain_score
    before = scored[-2].pain_score if len(scored) >= 2 else None
    jump = before is not None and pain - before >= PAIN_JUMP
    where = f"{last.routine_item.exercise.name}, {_when(last)}"
    if pain >= PAIN_HIGH:
        up = f", up from {before}" if jump else ""
        return Flag(
            "pain_high",
            FLAG_LABELS["pain_high"],
            f"Pain {pain}/10{up} ({where}).",
            Severity.URGENT,
            f"session:{last.pk}",
        )
    if jump:
        return Flag(
            "pain_jump",
            FLAG_LABELS["pain_jump"],
            f"Pain {before} → {pain}/10 ({where}).",
            Severity.URGENT,
            f"session:{last.pk}",
        )
    pains = [s.pain_score for s in scored[-3:]]
    if len(pains) >= 2 and all(b >= a for a, b in zip(pains, pains[1:], strict=False)):
        if pains[-1] - pains[0] >= PAIN_RISE_POINTS:
            trail = " → ".join(str(p) for p in pains)
            return Flag(
                "pain_rising",
                FLAG_LABELS["pain_rising"],
                f"Last pain scores {trail} (0–10).",
                Severity.ATTENTION,
                f"session:{last.pk}",
            )
    return None


def _measure_flag(sessions: list[ExerciseSession]) -> Flag | None:
    series: dict[str, list[tuple[float, ExerciseSession]]] = defaultdict(list)
    for s in sessions:
        m = result_measures(session_done_result(s))
        if not m["trusted"]:
            continue
        value = m["balance_score"] if m["balance_score"] is not None else m["range_of_motion"]
        if value is not None:
            series[s.routine_item.exercise.slug].append((float(value), s))
    for points in series.values():
        if len(points) >= 3:
            latest, session = points[-1]
            before = median(v for v, _ in points[:-1][-MEASURE_HISTORY:])
            if latest <= before - MEASURE_DROP:
                return Flag(
                    "measure_declining",
                    FLAG_LABELS["measure_declining"],
                    f"{session.routine_item.exercise.name}: latest {latest:.0f}, earlier "
                    f"median {before:.0f} (trusted sessions).",
                    Severity.ATTENTION,
                    f"session:{session.pk}",
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
            FLAG_LABELS["quality"],
            f"{' and '.join(parts)} of the last {len(recent)} sessions.",
            Severity.INFO,
        )
    return None


def missed_gap_days(days_per_week: int) -> int:
    """Days without a session that count as missed for a routine done ``days_per_week``."""
    expected = 7 / max(1, min(days_per_week, 7))
    return max(MISSED_MIN_DAYS, math.ceil(MISSED_GAP_FACTOR * expected))


def _missed_flag(patient: User, last: datetime | None) -> Flag | None:
    today = timezone.localdate()
    routines = list(routines_active(patient=patient, day=today))
    per_week = [i.per_week for r in routines for i in r.items.all() if i.retired_at is None]
    if not per_week:
        return None
    started = min(r.start_date for r in routines)
    since = timezone.localdate(last) if last else started
    since = max(since, started)
    days = (today - since).days
    allowed = missed_gap_days(max(per_week))
    if days >= allowed:
        what = "since the last session" if last else "since the routine started"
        return Flag(
            "missed_sessions",
            FLAG_LABELS["missed_sessions"],
            f"{days} days without a session {what} (expected every {7 / max(per_week):.3g} "
            f"days or sooner).",
            Severity.ATTENTION,
            f"gap:{since.isoformat()}",
        )
    last_week = week_start_of(today) - timedelta(days=7)
    if started <= last_week:
        week = adherence_for_patient(patient=patient, week_start=last_week)
        if week["prescribed"] and week["done"] < week["prescribed"]:
            return Flag(
                "missed_sessions",
                FLAG_LABELS["missed_sessions"],
                f"{week['done']} of {week['prescribed']} sessions done in the week of "
                f"{last_week:%-d %b}.",
                Severity.ATTENTION,
                f"week:{last_week.isoformat()}",
            )
    return None


def patient_flags(*, patient: User, last_activity: datetime | None = None) -> list[Flag]:
    """The patient's flags, most urgent first."""
    sessions = list(sessions_with_results(patient))
    if last_activity is None and sessions:
        last_activity = sessions[-1].created_at
    flags = [
        _pain_flag(sessions),
        _measure_flag(sessions),
        _missed_flag(patient, last_activity),
        _quality_flag(sessions),
    ]
    return sorted((f for f in flags if f is not None), key=lambda f: -f.severity)


def flags_urgency(flags: list[Flag]) -> tuple[int, int]:
    """A sort key for patients (bigger: more urgent): the highest severity, then how many
    flags at that or any level."""
    return (max((f.severity for f in flags), default=0), len(flags))
