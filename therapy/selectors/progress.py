"""The patient's own progress in plain words: per exercise, one sentence per measure that
changed (best angle, hold time, repetitions) from the sessions the engine trusted, and one for
pain (what the patient reported), from the trend points of
:func:`therapy.selectors.results.trends_for_patient`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from exercises.models import Exercise
from therapy.models import User
from therapy.selectors.results import trends_for_patient

# The measured joint in a patient's words.
JOINT_WORDS = {
    "knee_flexion": "knee bend",
    "hip_flexion": "hip bend",
    "elbow_flexion": "elbow bend",
    "shoulder_flexion": "arm raise forward",
    "shoulder_abduction": "arm raise to the side",
}
NOT_ENOUGH = (
    "Not enough yet: after two sessions measured with confidence you will see your change here."
)


def _span(first: dict[str, Any], last: dict[str, Any]) -> str:
    days = (datetime.fromisoformat(last["t"]) - datetime.fromisoformat(first["t"])).days
    if days >= 14:
        return f" over {round(days / 7)} weeks"
    if days >= 2:
        return f" over {days} days"
    return ""


def _num(value: float) -> str:
    return (
        f"{value:.0f}" if abs(value - round(value)) < 0.05 or abs(value) >= 10 else f"{value:.1f}"
    )


def _change(values: list[tuple[dict[str, Any], float]], words: tuple[str, str, str]) -> str:
    """``words``: (what, unit, verb up); e.g. ("Your knee bend", "°", "grew")."""
    (first, a), (last, b) = values[0], values[-1]
    what, unit, up = words
    span = _span(first, last)
    if _num(a) == _num(b):
        return f"{what} stayed at {_num(b)}{unit}{span}."
    verb = up if b > a else "went down"
    return f"{what} {verb} from {_num(a)}{unit} to {_num(b)}{unit}{span}."


def progress_sentences(trend: dict[str, Any], joint: str | None) -> list[str]:
    """Plain sentences for one exercise's trend (points oldest first): the best angle (for an
    angle the engine measures), the hold time, the repetitions, from trusted sessions only, and
    pain from what the patient reported. Says when there is not enough yet."""
    points = trend.get("points") or []
    trusted = [p for p in points if p.get("trusted")]

    def series(key: str) -> list[tuple[dict[str, Any], float]]:
        return [(p, float(p[key])) for p in trusted if p.get(key) is not None]

    out: list[str] = []
    angle = series("peak_angle")
    if joint in JOINT_WORDS and len(angle) >= 2:
        out.append(_change(angle, (f"Your {JOINT_WORDS[joint]}", "°", "grew")))
    held = series("hold_seconds")
    if len(held) >= 2:
        (_, a), (_, b) = held[0], held[-1]
        if _num(a) == _num(b):
            out.append(f"You held {_num(b)} s, the same as at the start.")
        else:
            out.append(f"You held {_num(b)} s, {'up' if b > a else 'down'} from {_num(a)} s.")
    reps = series("reps")
    if len(reps) >= 2 and not out:
        out.append(_change(reps, ("Your repetitions", "", "grew")))
    if not out:
        out.append(NOT_ENOUGH)
    pain = [(p, float(p["pain"])) for p in points if p.get("pain") is not None]
    if len(pain) >= 2:
        out.append(_change(pain, ("Pain", "", "went up")))
    return out


def progress_for_patient(*, patient: User) -> list[dict[str, Any]]:
    """The patient's own trends (:func:`trends_for_patient`), each with its ``exercise`` (the
    model, for the chart's series) and its plain ``sentences``."""
    trends = trends_for_patient(patient=patient)
    by_slug = {e.slug: e for e in Exercise.objects.filter(slug__in=[t["slug"] for t in trends])}
    for trend in trends:
        exercise = by_slug.get(trend["slug"])
        joint = (exercise.params or {}).get("joint") if exercise else None
        trend["exercise"] = exercise
        trend["sentences"] = progress_sentences(trend, joint)
    return trends
