"""What a therapist reads about their patients at a glance or takes away: dashboard rows, the
CSV export and the progress report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from therapy.models import ExerciseSession, Routine, SessionStatus, User
from therapy.selectors.adherence import adherence_for_patient, adherence_for_patients, week_start_of
from therapy.selectors.flags import Flag, flags_urgency, patient_flags
from therapy.selectors.results import result_measures, trends_for_patient
from therapy.selectors.sessions import session_done_result, sessions_with_results
from therapy.selectors.trust import trust_measures, trust_reasons_text


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


def dashboard_rows(*, patients: list[User]) -> list[PatientRow]:
    """One row per patient, the most urgent flags first (then as ``patients`` were ordered)."""
    adherence = adherence_for_patients(patients=patients)
    last = dict(
        ExerciseSession.objects.filter(patient__in=patients)
        .values("patient_id")
        .annotate(last=Max("created_at"))
        .values_list("patient_id", "last")
    )
    rows = [
        PatientRow(
            patient=p,
            adherence=adherence[p.pk],
            last_activity=last.get(p.pk),
            flags=patient_flags(patient=p, last_activity=last.get(p.pk)),
        )
        for p in patients
    ]
    # Most urgent first; the patients' own order (by name) within the same urgency.
    rows.sort(key=lambda row: flags_urgency(row.flags), reverse=True)
    return rows


CSV_COLUMNS = [
    "session_id",
    "date",  # ISO 8601 with the offset, in the clinic's time zone (the next column)
    "time_zone",
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
    # Each measure's trust level ("ok", "check", "unreliable"; empty when not graded: a result
    # stored before per-measure grading, or a measure the exercise does not have): count_trust,
    # range_trust, tempo_trust, hold_trust, score_trust, sway_trust, test_trust (a clinical
    # test's outcome); then their reasons.
    *(f"{measure}_trust" for measure in trust_measures()),
    "trust_reasons",
]


def export_rows(*, patient: User) -> list[list[Any]]:
    """One row per session (``CSV_COLUMNS``). A value not measured is None, an empty cell: a
    balance hold has no repetitions, an unreliable measure no figures; never 0 for unknown.
    ``repetitions`` is the number on the session's result card (``SessionResult.rep_count``)."""
    rows = []
    for s in sessions_with_results(patient):
        m = result_measures(session_done_result(s))
        rows.append(
            [
                s.pk,
                timezone.localtime(s.created_at).isoformat(timespec="seconds"),
                timezone.get_current_timezone_name(),
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
                *(_level(m["trust"], measure) for measure in trust_measures()),
                trust_reasons_text(m["trust"]),
            ]
        )
    return rows


def _level(trust: dict[str, Any], measure: str) -> str | None:
    graded = trust.get(measure)
    return graded.level if graded is not None else None


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


def report_adherence(*, patient: User, weeks: int = 8) -> list[dict[str, Any]]:
    """Sessions done against prescribed per week, newest first, for at most ``weeks`` weeks and
    never before the week the patient's first routine started (no empty weeks before it)."""
    first = (
        Routine.objects.filter(patient=patient)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    if first is None:
        return []
    this_week = week_start_of()
    oldest = max(week_start_of(first), this_week - timedelta(weeks=weeks - 1))
    out = []
    week = this_week
    while week >= oldest:
        out.append(adherence_for_patient(patient=patient, week_start=week))
        week -= timedelta(weeks=1)
    return out


def report_identifiers(*, patient: User) -> dict[str, Any]:
    """Who the report is about and the period it covers (first routine's start to today)."""
    first: date | None = (
        Routine.objects.filter(patient=patient)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return {
        "name": patient.get_full_name() or patient.username,
        "date_of_birth": patient.date_of_birth,
        "diagnosis": patient.diagnosis,
        "clinic": patient.clinic.name if patient.clinic_id else "",
        "therapist": (patient.therapist.get_full_name() or patient.therapist.username)
        if patient.therapist_id
        else "",
        "period_start": first,
        "period_end": timezone.localdate(),
    }
