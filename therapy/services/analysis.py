"""Running the engine on a session and storing what it measured.

The engine answers with a typed :class:`pose.Result`; :func:`result_store` reads its parts and
stores their ``to_json()``. The engine is imported inside the functions that need it, so that no
process loads the pose model before it analyses its first clip; it is called through
``pose.pipeline``'s attributes at call time (tests replace ``pose.pipeline.analyze_clip``).
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from exercises.services import exercise_spec
from therapy.models import ExerciseSession, SessionResult, SessionSource
from therapy.services.files import field_local_path

if TYPE_CHECKING:
    from pose import Measures, Result


def analysis_run(*, session: ExerciseSession) -> Result:
    """The engine's result for a session: its clip analysed, or its uploaded track scored."""
    from pose import pipeline

    spec = spec_for_patient(exercise_spec(session.routine_item.exercise), session=session)
    if session.source == SessionSource.CLIP:
        with field_local_path(session.clip) as path:
            return pipeline.analyze_clip(
                path,
                model=settings.POSE_MODEL,
                exercise=spec,
                max_seconds=settings.MAX_CLIP_SECONDS,
            )
    with session.uploaded_track.open("rb") as fh:
        data = json.load(fh)
    return pipeline.score_track_json(data, spec)


def spec_for_patient(spec: Any, *, session: ExerciseSession) -> Any:
    """The exercise with the patient's age (whole years on the session's day) and sex as
    protocol parameters, for the clinical tests compared with age/sex norms (their protocols
    take ``age`` and ``sex``); unchanged for other exercises and for what is not known. The
    engine picks the norm band from them; without them it shows the whole table."""
    from pose.measures.protocols import get_protocol

    accepted = {f.name for f in dataclasses.fields(get_protocol(spec.protocol).params)}
    if not {"age", "sex"} <= accepted:
        return spec
    patient, params = session.patient, {}
    born = getattr(patient, "date_of_birth", None)
    if born is not None:
        day = (session.created_at or timezone.now()).date()
        params["age"] = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if getattr(patient, "sex", ""):
        params["sex"] = patient.sex
    return spec.with_params(**params) if params else spec


def result_rep_count(measures: Measures) -> int | None:
    """The repetitions to store as the headline, the same number the result card shows: None
    when not measured (a protocol without repetitions, or a count the engine withheld as
    ``unreliable``). A count graded ``check`` is stored with its reasons beside it
    (``quality.trust``). Results from before per-measure grading withheld every number of an
    untrusted clip; so does this without a ``trust``."""
    reps = measures.reps
    if reps is None or (not measures.quality.trust and not measures.quality.trusted):
        return None
    return reps.count


def result_store(*, session: ExerciseSession, output: Result) -> SessionResult:
    """Write (or overwrite) a session's result from the engine's result for its exercise."""
    measures = output.measures
    if measures is None:
        raise ValueError("the engine's result has no measures: no exercise was scored")
    track = output.track
    quality = measures.quality.to_json()
    if track.warnings:
        quality["warnings"] = list(track.warnings)
    result, _ = SessionResult.objects.get_or_create(session=session)
    result.rep_count = result_rep_count(measures)
    result.reps = json_safe(measures.reps.to_json()) if measures.reps else {}
    result.balance = json_safe(measures.balance.to_json()) if measures.balance else None
    result.quality = json_safe(quality)
    result.summary = json_safe(measures.summary.to_json())
    result.primary_angle = measures.primary_angle or ""
    result.series = json_safe(
        {
            "timestamps": track.timestamps,
            "primary_angle": measures.primary_angle,
            "angles": measures.angles,
            "pose_scores": track.pose_scores,
            "heights": measures.heights,
            # a clinical test's outcome (pose.result.Outcome); read it with
            # therapy.selectors.results.result_outcome
            "outcome": measures.outcome.to_json() if measures.outcome else None,
        }
    )
    result.video = track.video.to_json()
    result.model = track.model[:32]
    result.engine_version = track.engine_version[:32]
    if session.source == SessionSource.KEYPOINTS and session.uploaded_track:
        result.keypoint_track.name = session.uploaded_track.name
    elif not result.keypoint_track:
        # The whole track part (brightness included), so that re-scoring gives the same answer.
        result.keypoint_track.save(
            "track.json", ContentFile(json_bytes(track.to_json())), save=False
        )
    result.save()
    return result


def result_rescore(*, result: SessionResult) -> SessionResult:
    """Recompute a result from its stored keypoint track with the current scoring code, keeping
    the name of the model that made the track."""
    from pose import pipeline

    with result.keypoint_track.open("rb") as fh:
        data = json.load(fh)
    spec = exercise_spec(result.session.routine_item.exercise)
    output = pipeline.score_track_json(data, spec_for_patient(spec, session=result.session))
    if result.model:
        output = dataclasses.replace(
            output, track=dataclasses.replace(output.track, model=result.model)
        )
    with transaction.atomic():
        return result_store(session=result.session, output=output)


def json_safe(value: Any) -> Any:
    """Replace NaN/inf (not valid JSON, refused by PostgreSQL's jsonb) with None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return json_safe(value.tolist())
    return value


def json_bytes(data: Any) -> bytes:
    """Compact JSON for a stored file (a keypoint track), NaN and inf written as null."""
    return json.dumps(json_safe(data), separators=(",", ":"), allow_nan=False).encode()
