"""Builders for sessions in a known state, and engine results to give them, without running the
model.

The results are real engine outputs recorded from ``pose_1.mp4`` (``tests/pose/data``, see
``tests/pose/test_result_golden.py`` for how they were made), read through the typed contract
(:class:`pose.Result`); a test that needs another number changes the typed parts with
``dataclasses.replace``, never a hand-written dict.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path

from django.core.files.base import ContentFile

from pose import MeasureTrust, Result, get_exercise, score_track_json
from therapy import services
from therapy.models import ExerciseSession, SessionSource, SessionStatus
from therapy.selectors.trust import figure_measures

# Enough of an MP4 to pass the container check: a size, "ftyp" and a brand.
MP4_HEADER = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"

RECORDED = Path(__file__).resolve().parents[1] / "pose" / "data"


@functools.cache
def recorded_result(exercise: str = "shoulder_abduction") -> Result:
    """The engine's real result for ``pose_1.mp4`` (4 s, 120 frames, filmed from the front):
    ``shoulder_abduction`` (one repetition, trusted: peak 159.7°, range 129.7°) or
    ``single_leg_stance`` (a balance hold the engine did not trust: no score)."""
    return Result.from_json(json.loads((RECORDED / f"pose_1_{exercise}.json").read_text()))


def engine_result(rep_count: int = 1) -> Result:
    """The recorded shoulder-abduction result with its count (in ``reps`` and the summary) set
    to ``rep_count``."""
    result = recorded_result("shoulder_abduction")
    measures = result.measures
    assert measures is not None and measures.reps is not None
    return replace(
        result,
        measures=replace(
            measures,
            reps=replace(measures.reps, count=rep_count),
            summary=replace(
                measures.summary, figures={**measures.summary.figures, "count": rep_count}
            ),
        ),
    )


def graded_result(result: Result, **grades: tuple[str, list[str]]) -> Result:
    """``result`` with the trust of some measures changed, as the engine would answer:
    ``graded_result(r, range=("check", ["Filmed from the front."]))``. An ``unreliable`` measure
    is withheld (its summary figures, and for ``count`` the repetition count, become None);
    ``quality.problems`` and ``quality.trusted`` follow the new levels."""
    measures = result.measures
    assert measures is not None
    trust = {**measures.quality.trust}
    for name, (level, reasons) in grades.items():
        trust[name] = MeasureTrust(level=level, reasons=list(reasons))
    withheld = {name for name, t in trust.items() if t.level == "unreliable"}
    belongs = figure_measures(measures.protocol)
    figures = {
        key: None if belongs.get(key) in withheld else value
        for key, value in measures.summary.figures.items()
    }
    problems = list(dict.fromkeys(r for t in trust.values() for r in t.reasons))
    reps = measures.reps
    if reps is not None and belongs.get("count") in withheld:
        reps = replace(reps, count=None)
    return replace(
        result,
        measures=replace(
            measures,
            reps=reps,
            quality=replace(measures.quality, trust=trust, problems=problems, trusted=not problems),
            summary=replace(measures.summary, figures=figures, trusted=not problems),
        ),
    )


@functools.cache
def too_short_result(seconds: float = 1.5) -> Result:
    """The engine's answer for the first ``seconds`` of the recorded shoulder abduction: too
    short to trust (2 s are needed), so it withholds the count (None) and the figures."""
    track = recorded_result("shoulder_abduction").track
    frames = sum(1 for t in track.timestamps if t < seconds)
    clipped = replace(
        track,
        timestamps=track.timestamps[:frames],
        keypoints=track.keypoints[:frames],
        pose_scores=(track.pose_scores or [])[:frames] or None,
        brightness=(track.brightness or [])[:frames] or None,
    )
    return score_track_json(clipped.to_json(), get_exercise("shoulder_abduction"))


def make_clip_session(*, patient, routine_item, status=SessionStatus.QUEUED) -> ExerciseSession:
    session = ExerciseSession(
        patient=patient,
        routine_item=routine_item,
        source=SessionSource.CLIP,
        clip_content_type="video/mp4",
        status=status,
    )
    session.clip.save("clip.mp4", ContentFile(MP4_HEADER + b"\x00" * 64), save=False)
    session.save()
    return session


def make_done_session(*, patient, routine_item, output: Result | None = None) -> ExerciseSession:
    """A finished clip session whose result is ``output`` (by default :func:`engine_result`)."""
    session = make_clip_session(
        patient=patient, routine_item=routine_item, status=SessionStatus.PROCESSING
    )
    services.result_store(session=session, output=output or engine_result())
    session.status = SessionStatus.DONE
    session.save()
    return session


def done_session(patient, item):
    """A finished session of ``patient`` for routine ``item``."""
    return make_done_session(patient=patient, routine_item=item)
