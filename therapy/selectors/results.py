"""What a therapist compares across sessions: the measures of a result and their trends."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from pose import Quality, Summary
from therapy.models import SessionResult, User
from therapy.selectors.sessions import session_done_result, sessions_with_results
from therapy.selectors.trust import figure_measures, figure_note

# A session without a result (queued, processing, failed).
_NOT_MEASURED: dict[str, Any] = {
    "count": None,
    "peak_angle": None,
    "range_of_motion": None,
    "balance_score": None,
    "hold_seconds": None,
    "trusted": None,
    "problems": [],
    "trust": {},
}


def result_measures(result: SessionResult | None) -> dict[str, Any]:
    """The numbers a therapist compares across sessions, from a stored result.

    Read through the engine's contract: the summary's figures (:class:`pose.Summary`:
    ``peak_angle`` and ``range_of_motion`` for repetitions, ``score`` and ``hold_seconds`` for a
    balance hold) and the quality checks (:class:`pose.Quality`). A number not measured (an
    untrusted clip, a figure the protocol does not have) is None, never 0; ``count`` is None for
    a balance hold. ``trust``: each measure's :class:`pose.MeasureTrust` (empty for a result
    stored before the engine graded measures; :mod:`therapy.selectors.trust` reads it). Raises :class:`pose.ResultError` for a stored result that breaks the
    contract.
    """
    if result is None:
        return {**_NOT_MEASURED, "problems": [], "trust": {}}
    figures = Summary.from_json(result.summary).figures
    quality = Quality.from_json(result.quality)
    return {
        "count": result.rep_count,
        "peak_angle": figures.get("peak_angle"),
        "range_of_motion": figures.get("range_of_motion"),
        "balance_score": figures.get("score"),
        "hold_seconds": figures.get("hold_seconds"),
        "trusted": quality.trusted,
        "problems": list(quality.problems),
        "trust": dict(quality.trust),
    }


def result_outcome(result: SessionResult | None) -> dict[str, Any] | None:
    """A clinical test's outcome (:class:`pose.Outcome` as JSON: ``test``, ``seconds`` /
    ``count`` / ``degrees``, ``completed``, ``norm``, ``interpretation``, ``phases``), or None
    for other exercises. Stored with the result's series (``series["outcome"]``)."""
    from pose.result import Outcome

    data = (result.series or {}).get("outcome") if result is not None else None
    return Outcome.from_json(data).to_json() if data else None


def trends_for_patient(*, patient: User) -> list[dict[str, Any]]:
    """Per exercise, one point per finished session, oldest first (JSON-ready for charts)."""
    by_exercise: dict[int, dict[str, Any]] = {}
    for session in sessions_with_results(patient):
        result = session_done_result(session)
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
        when = timezone.localtime(session.created_at)
        entry["points"].append(
            {
                "session": session.pk,
                # In the current time zone (the clinic's, activated per request): "date" for
                # people, "t" (ISO 8601 with the zone's offset) for the charts' time axis.
                "date": f"{when:%Y-%m-%d %H:%M} {when.tzname()}",
                "t": when.isoformat(timespec="seconds"),
                "reps": m["count"],
                "peak_angle": m["peak_angle"],
                "range_of_motion": m["range_of_motion"],
                "balance_score": m["balance_score"],
                "hold_seconds": m["hold_seconds"],
                "pain": session.pain_score,
                "trusted": m["trusted"],
                # Per summary figure ("count", "peak_angle"...): "ok", "check", "unreliable" or
                # None (not graded), for the marker beside the number in the trend table.
                "trust": {
                    figure: figure_note(exercise.protocol, m["trust"], figure).level
                    for figure in figure_measures(exercise.protocol)
                },
            }
        )
    return sorted(by_exercise.values(), key=lambda e: e["name"])


def measure_label(name: str | None) -> str:
    """A person's name for a measure: ``mean_shoulder_abduction`` → "Shoulder abduction (both
    sides, mean)", ``left_knee_flexion`` → "Left knee flexion"."""
    if not name:
        return "Primary angle"
    if name.startswith("mean_"):
        return f"{name[5:].replace('_', ' ').capitalize()} (both sides, mean)"
    return name.replace("_", " ").capitalize()
