"""Writes: accounts, tokens, routines, sessions and the analysis of a session.

Every function takes keyword-only arguments. Raise ``django.core.exceptions.ValidationError``
for input a person can fix; the API turns it into a 400.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from exercises.models import Exercise
from exercises.services import exercise_spec
from therapy.models import (
    ApiToken,
    ExerciseSession,
    Role,
    Routine,
    RoutineItem,
    RoutineRevision,
    SessionResult,
    SessionSource,
    SessionStatus,
    User,
)

logger = logging.getLogger(__name__)

# --- Accounts and tokens -------------------------------------------------------------------


def therapist_create(*, username: str, password: str | None, clinic=None, **names: str) -> User:
    user = User(username=username, role=Role.THERAPIST, clinic=clinic, **names)
    _set_password(user, password)
    user.full_clean()
    user.save()
    return user


def patient_create(
    *,
    therapist: User,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    check_password: bool = True,
) -> User:
    if not therapist.is_therapist:
        raise ValidationError("Only a therapist can add patients.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "This username is taken."})
    user = User(
        username=username,
        role=Role.PATIENT,
        therapist=therapist,
        clinic=therapist.clinic,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if password and check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    _set_password(user, password)
    user.full_clean()
    user.save()
    return user


def _set_password(user: User, password: str | None) -> None:
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()


def token_create(*, user: User) -> tuple[ApiToken, str]:
    """A new API token; the key itself is returned once and never stored."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return token, key


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())


def token_revoke_all(*, user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


@transaction.atomic
def patient_delete(*, patient: User) -> None:
    """Delete a patient with everything recorded about them. Sessions go first (they protect
    the routine items they were performed against); their clips and tracks leave storage when
    the transaction commits (``therapy.signals``)."""
    if not patient.is_patient:
        raise ValidationError("Only a patient account can be deleted this way.")
    ExerciseSession.objects.filter(patient=patient).delete()
    patient.delete()


# --- Routines ------------------------------------------------------------------------------


def _item_fields(item: dict[str, Any]) -> dict[str, Any]:
    exercise: Exercise = item["exercise"]
    reps = item.get("reps")
    hold = item.get("hold_seconds")
    if reps is None and hold is None:
        reps, hold = exercise.default_reps, exercise.default_hold_seconds
    return {
        "exercise": exercise,
        "sets": item.get("sets") or exercise.default_sets or 1,
        "reps": reps,
        "hold_seconds": hold,
        "per_week": item.get("per_week") or 3,
        "notes": item.get("notes") or "",
    }


def _check_exercise_allowed(*, therapist: User, exercise: Exercise) -> None:
    if not exercise.is_builtin and exercise.owner_id != therapist.pk:
        raise ValidationError({"items": f"Unknown exercise {exercise.slug!r}."})


def routine_snapshot(*, routine: Routine) -> dict[str, Any]:
    return {
        "title": routine.title,
        "start_date": routine.start_date.isoformat(),
        "end_date": routine.end_date.isoformat() if routine.end_date else None,
        "items": [
            {
                "id": item.pk,
                "exercise": item.exercise.slug,
                "sets": item.sets,
                "reps": item.reps,
                "hold_seconds": item.hold_seconds,
                "per_week": item.per_week,
                "notes": item.notes,
            }
            for item in routine.items.filter(retired_at=None).select_related("exercise")
        ],
    }


def _record_revision(*, routine: Routine, changed_by: User | None) -> None:
    RoutineRevision.objects.create(
        routine=routine, changed_by=changed_by, snapshot=routine_snapshot(routine=routine)
    )


@transaction.atomic
def routine_create(
    *,
    therapist: User,
    patient: User,
    title: str,
    items: list[dict[str, Any]],
    start_date: date | None = None,
    end_date: date | None = None,
) -> Routine:
    if patient.therapist_id != therapist.pk:
        raise ValidationError({"patient": "Not one of your patients."})
    if not items:
        raise ValidationError({"items": "A routine needs at least one exercise."})
    routine = Routine(
        patient=patient,
        therapist=therapist,
        title=title,
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    routine.full_clean()
    routine.save()
    for position, item in enumerate(items):
        _check_exercise_allowed(therapist=therapist, exercise=item["exercise"])
        RoutineItem.objects.create(routine=routine, position=position, **_item_fields(item))
    _record_revision(routine=routine, changed_by=therapist)
    return routine


@transaction.atomic
def routine_update(
    *,
    routine: Routine,
    changed_by: User,
    title: str | None = None,
    end_date: date | None | type[Ellipsis] = ...,
    items: list[dict[str, Any]] | None = None,
) -> Routine:
    """Change a routine, keeping history.

    ``items`` (when given) is the new full list. An entry with the ``id`` of a current item and
    the same dose keeps that row; a changed dose retires the old row and adds a new one that
    ``replaces`` it; current items not listed are retired. Sessions keep pointing at the rows
    they were performed against.
    """
    routine = Routine.objects.select_for_update().get(pk=routine.pk)
    if title is not None:
        routine.title = title
    if end_date is not ...:
        routine.end_date = end_date
    routine.full_clean()
    routine.save()
    if items is not None:
        if not items:
            raise ValidationError({"items": "A routine needs at least one exercise."})
        now = timezone.now()
        current = {item.pk: item for item in routine.items.filter(retired_at=None)}
        kept: set[int] = set()
        for position, entry in enumerate(items):
            _check_exercise_allowed(therapist=routine.therapist, exercise=entry["exercise"])
            fields = _item_fields(entry)
            old = current.get(entry.get("id"))
            if entry.get("id") is not None and old is None:
                raise ValidationError({"items": f"Item {entry['id']} is not in this routine."})
            if old is not None:
                kept.add(old.pk)
                same = all(getattr(old, k) == v for k, v in fields.items())
                if same:
                    if old.position != position:
                        old.position = position
                        old.save(update_fields=["position"])
                    continue
                old.retired_at = now
                old.save(update_fields=["retired_at"])
            RoutineItem.objects.create(routine=routine, position=position, replaces=old, **fields)
        for pk, item in current.items():
            if pk not in kept:
                item.retired_at = now
                item.save(update_fields=["retired_at"])
    _record_revision(routine=routine, changed_by=changed_by)
    return routine


# --- Sessions ------------------------------------------------------------------------------

# Leading bytes of the containers the engine can decode: ISO BMFF (mp4/mov/3gp) has "ftyp"
# at offset 4; Matroska/WebM starts with the EBML magic; AVI is a RIFF file.
_VIDEO_SIGNATURES = ((4, b"ftyp"), (0, b"\x1a\x45\xdf\xa3"), (0, b"RIFF"), (4, b"moov"), (4, b"mdat"))


def clip_check(*, clip: File) -> None:
    """Reject what cannot be a video before it is stored: empty, too large, not a container."""
    size = clip.size or 0
    if size == 0:
        raise ValidationError({"clip": "The clip is empty (0 bytes)."})
    if size > settings.MAX_CLIP_BYTES:
        raise ValidationError(
            {"clip": f"The clip is too large ({size // 1_048_576} MB; "
             f"the limit is {settings.MAX_CLIP_BYTES // 1_048_576} MB)."}
        )
    clip.seek(0)
    head = clip.read(16)
    clip.seek(0)
    if not any(head[off : off + len(sig)] == sig for off, sig in _VIDEO_SIGNATURES):
        raise ValidationError(
            {"clip": "This file is not a video (expected MP4, MOV, WebM or AVI)."}
        )


# The clip is served back with this type: only video types, never one that a browser would
# render as a page (text/html from a hostile client would be stored cross-site scripting).
_CLIP_CONTENT_TYPES = {
    "video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo",
    "video/3gpp", "video/avi", "video/mpeg",
}


def clip_content_type(*, clip: File) -> str:
    declared = (getattr(clip, "content_type", "") or "").split(";")[0].strip().lower()
    return declared if declared in _CLIP_CONTENT_TYPES else "video/mp4"


def _check_item_for_patient(*, patient: User, routine_item: RoutineItem) -> None:
    if routine_item.routine.patient_id != patient.pk:
        raise ValidationError({"routine_item": "Not one of your routine items."})
    if routine_item.retired_at is not None:
        raise ValidationError({"routine_item": "This exercise was changed; use the current one."})


def _enqueue_analysis(session: ExerciseSession) -> None:
    from therapy.tasks import session_analyze_task

    session_id = session.pk

    def send() -> None:
        try:
            session_analyze_task.delay(session_id)
        except Exception:
            # The broker is down. The session is saved as queued: the stuck-session sweep
            # sends it again once the broker is back, so the upload still succeeds.
            logger.exception("session %s: could not reach the broker; left for the sweep",
                             session_id)

    transaction.on_commit(send)


@transaction.atomic
def session_create_from_clip(
    *,
    patient: User,
    routine_item: RoutineItem,
    clip: File,
    pain_score: int | None = None,
    comment: str = "",
) -> ExerciseSession:
    _check_item_for_patient(patient=patient, routine_item=routine_item)
    if patient.privacy_mode:
        # The page never sends video in privacy mode; refuse it here too, so that no client
        # (an old app, a script) can store a video the patient chose not to share.
        raise ValidationError(
            {"clip": "Privacy mode is on: send the keypoint track from the device, not the video."}
        )
    clip_check(clip=clip)
    session = ExerciseSession(
        patient=patient,
        routine_item=routine_item,
        source=SessionSource.CLIP,
        clip_content_type=clip_content_type(clip=clip),
        pain_score=pain_score,
        comment=comment,
    )
    session.clip.save(PurePosixPath(clip.name or "clip.mp4").name, clip, save=False)
    session.save()
    _enqueue_analysis(session)
    return session


@transaction.atomic
def session_create_from_track(
    *,
    patient: User,
    routine_item: RoutineItem,
    track: Any,
    pain_score: int | None = None,
    comment: str = "",
) -> ExerciseSession:
    """A keypoint track computed on the device (privacy mode). Validated now, scored later."""
    from pose.track import KeypointTrack, TrackError

    _check_item_for_patient(patient=patient, routine_item=routine_item)
    try:
        parsed = KeypointTrack.from_json(track)
    except TrackError as exc:
        raise ValidationError({"keypoints": str(exc)}) from None
    payload = {**parsed.to_json(), "model": str(track.get("model") or "device")}
    session = ExerciseSession(
        patient=patient,
        routine_item=routine_item,
        source=SessionSource.KEYPOINTS,
        pain_score=pain_score,
        comment=comment,
    )
    session.uploaded_track.save("track.json", ContentFile(_dumps(payload)), save=False)
    session.save()
    _enqueue_analysis(session)
    return session


def session_update_feedback(
    *, session: ExerciseSession, pain_score: int | None | type[Ellipsis] = ..., comment=None
) -> ExerciseSession:
    if pain_score is not ...:
        session.pain_score = pain_score
    if comment is not None:
        session.comment = comment
    session.full_clean(exclude=["clip", "uploaded_track"])
    session.save(update_fields=["pain_score", "comment"])
    return session


# --- Analysis ------------------------------------------------------------------------------


def session_analyze(*, session_id: int) -> ExerciseSession | None:
    """Analyse one session. Idempotent: a finished session is left alone, a redelivered one
    (a worker died mid-way) is analysed again. Input the engine rejects ends the session as
    ``failed`` with the engine's message; anything else propagates so the task can retry.
    """
    from pose.errors import PoseError

    session = _session_claim(session_id=session_id)
    if session is None:
        return None
    try:
        output = _run_engine(session=session)
    except PoseError as exc:
        return session_fail(session_id=session_id, error=str(exc) or exc.__class__.__name__)
    if output.get("person_found") is False:
        return session_fail(session_id=session_id, error=NO_PERSON_ERROR)
    return _session_complete(session_id=session_id, output=output)


NO_PERSON_ERROR = (
    "No person was found in the clip. Stand so that your whole body is in the picture, "
    "with good light, and record again."
)
TOO_MANY_ATTEMPTS_ERROR = (
    "The analysis was interrupted {attempts} times and was stopped. Please try again; if it "
    "keeps failing, record a shorter clip."
)


def _session_claim(*, session_id: int) -> ExerciseSession | None:
    with transaction.atomic():
        session = (
            ExerciseSession.objects.select_for_update()
            .filter(pk=session_id)
            .first()
        )
        if session is None:
            logger.warning("session %s does not exist (deleted?)", session_id)
            return None
        if session.status in (SessionStatus.DONE, SessionStatus.FAILED):
            logger.info("session %s already %s", session_id, session.status)
            return None
        if session.attempts >= settings.ANALYSIS_MAX_ATTEMPTS:
            # Each claim counts: a clip that kills its worker (out of memory, a crash in a
            # native library) must not be redelivered forever.
            session.status = SessionStatus.FAILED
            session.error = TOO_MANY_ATTEMPTS_ERROR.format(attempts=session.attempts)
            session.finished_at = timezone.now()
            session.save(update_fields=["status", "error", "finished_at"])
            logger.warning("session %s: failed after %s attempts", session_id, session.attempts)
            return None
        session.status = SessionStatus.PROCESSING
        session.started_at = timezone.now()
        session.attempts += 1
        session.error = ""
        session.save(update_fields=["status", "started_at", "attempts", "error"])
    return ExerciseSession.objects.select_related("routine_item__exercise__base").get(pk=session_id)


def _run_engine(*, session: ExerciseSession) -> dict[str, Any]:
    spec = exercise_spec(session.routine_item.exercise)
    if session.source == SessionSource.CLIP:
        from pose.pipeline import analyze_clip

        with field_local_path(session.clip) as path:
            return analyze_clip(
                path,
                model=settings.POSE_MODEL,
                exercise=spec,
                max_seconds=settings.MAX_CLIP_SECONDS,
            )
    with session.uploaded_track.open("rb") as fh:
        data = json.load(fh)
    from pose.pipeline import score_track_json

    return score_track_json(data, spec)


@contextlib.contextmanager
def field_local_path(field) -> Iterator[str]:
    """A local filesystem path for a stored file: the file itself, or a temporary download
    when the storage is remote (S3)."""
    try:
        yield field.storage.path(field.name)
        return
    except NotImplementedError:
        pass
    suffix = PurePosixPath(field.name).suffix
    fd, tmp = tempfile.mkstemp(suffix=suffix, prefix="therapose-")
    try:
        with os.fdopen(fd, "wb") as out, field.storage.open(field.name, "rb") as src:
            for chunk in iter(lambda: src.read(1024 * 1024), b""):
                out.write(chunk)
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def session_fail(*, session_id: int, error: str) -> ExerciseSession | None:
    with transaction.atomic():
        session = ExerciseSession.objects.select_for_update().filter(pk=session_id).first()
        if session is None or session.status == SessionStatus.DONE:
            return session
        session.status = SessionStatus.FAILED
        session.error = error[:2000]
        session.finished_at = timezone.now()
        session.save(update_fields=["status", "error", "finished_at"])
    logger.info("session %s failed: %s", session_id, error)
    return session


def session_retry(*, session: ExerciseSession) -> ExerciseSession:
    """Send a failed session back to the analysis (the patient's "try again")."""
    with transaction.atomic():
        session = ExerciseSession.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.FAILED:
            raise ValidationError({"status": "Only a failed analysis can be tried again."})
        if not (session.clip or session.uploaded_track):
            raise ValidationError({"status": "Nothing was stored to analyse again."})
        session.status = SessionStatus.QUEUED
        session.error = ""
        session.attempts = 0
        session.started_at = session.finished_at = None
        session.queued_at = timezone.now()
        session.save(
            update_fields=["status", "error", "attempts", "started_at", "finished_at", "queued_at"]
        )
        _enqueue_analysis(session)
    return session


def sessions_requeue_stuck(
    *,
    processing_for: timedelta | None = None,
    queued_for: timedelta | None = None,
) -> dict[str, list[int]]:
    """Re-send analyses whose task was lost; the database, not the broker, is the truth.

    A session still ``processing`` after ``processing_for`` (default: above the task's hard
    time limit, so no live worker can still be on it) lost its worker with the message: it is
    queued again. A session ``queued`` for longer than ``queued_for`` lost its message (a
    broker restarted without persistence): it is sent again. A duplicate message is harmless:
    the task claims a session under a row lock and skips finished ones. Sessions that already
    used their attempts end ``failed`` with a reason instead.
    """
    now = timezone.now()
    processing_for = processing_for if processing_for is not None else timedelta(
        seconds=settings.STUCK_PROCESSING_SECONDS
    )
    queued_for = queued_for if queued_for is not None else timedelta(
        seconds=settings.STUCK_QUEUED_SECONDS
    )
    outcome: dict[str, list[int]] = {"requeued": [], "resent": [], "failed": []}
    stuck = ExerciseSession.objects.filter(
        status=SessionStatus.PROCESSING, started_at__lte=now - processing_for
    ) | ExerciseSession.objects.filter(status=SessionStatus.QUEUED, queued_at__lte=now - queued_for)
    for session_id in stuck.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            session = (
                ExerciseSession.objects.select_for_update(skip_locked=True)
                .filter(pk=session_id)
                .first()
            )
            if session is None:  # deleted, or claimed by a worker right now
                continue
            if session.status == SessionStatus.PROCESSING:
                if session.started_at is None or session.started_at > now - processing_for:
                    continue
                if session.attempts >= settings.ANALYSIS_MAX_ATTEMPTS:
                    session.status = SessionStatus.FAILED
                    session.error = TOO_MANY_ATTEMPTS_ERROR.format(attempts=session.attempts)
                    session.finished_at = now
                    session.save(update_fields=["status", "error", "finished_at"])
                    outcome["failed"].append(session.pk)
                    continue
                session.status = SessionStatus.QUEUED
                outcome["requeued"].append(session.pk)
            elif session.status == SessionStatus.QUEUED and session.queued_at <= now - queued_for:
                outcome["resent"].append(session.pk)
            else:
                continue
            session.queued_at = now
            session.save(update_fields=["status", "queued_at"])
            _enqueue_analysis(session)
    if any(outcome.values()):
        logger.warning("stuck sessions: %s", outcome)
    return outcome


def _session_complete(*, session_id: int, output: dict[str, Any]) -> ExerciseSession | None:
    with transaction.atomic():
        session = ExerciseSession.objects.select_for_update().filter(pk=session_id).first()
        if session is None or session.status != SessionStatus.PROCESSING:
            return session  # finished by another delivery of the same task
        result_store(session=session, output=output)
        session.status = SessionStatus.DONE
        session.finished_at = timezone.now()
        session.save(update_fields=["status", "finished_at"])
    return session


def result_store(*, session: ExerciseSession, output: dict[str, Any]) -> SessionResult:
    """Write (or overwrite) a session's result from the engine's output dict."""
    output = json_safe(output)
    reps = output.get("reps") or {}
    result, _ = SessionResult.objects.get_or_create(session=session)
    result.rep_count = int(reps.get("count") or 0)
    result.reps = reps
    result.balance = output.get("balance")
    result.quality = output.get("quality") or {}
    if output.get("warnings") and "warnings" not in result.quality:
        result.quality = {**result.quality, "warnings": output["warnings"]}
    result.angles_summary = output.get("summary") or {}
    result.primary_angle = output.get("primary_angle") or ""
    result.series = {
        "timestamps": output.get("timestamps") or [],
        "primary_angle": output.get("primary_angle"),
        "angles": output.get("angles") or {},
        "pose_scores": output.get("pose_scores"),
        "heights": output.get("heights"),
    }
    result.video = output.get("video")
    result.model = str(output.get("model") or "")[:32]
    result.engine_version = str(output.get("engine_version") or "")[:32]
    if session.source == SessionSource.KEYPOINTS and session.uploaded_track:
        result.keypoint_track.name = session.uploaded_track.name
    elif not result.keypoint_track:
        track = {
            "model": output.get("model"),
            "video": output.get("video"),
            "timestamps": output.get("timestamps") or [],
            "keypoints": output.get("keypoints") or [],
            "pose_scores": output.get("pose_scores"),
        }
        result.keypoint_track.save("track.json", ContentFile(_dumps(track)), save=False)
    result.save()
    return result


def result_rescore(*, result: SessionResult) -> SessionResult:
    """Recompute a result from its stored keypoint track with the current scoring code."""
    with result.keypoint_track.open("rb") as fh:
        data = json.load(fh)
    spec = exercise_spec(result.session.routine_item.exercise)
    from pose.pipeline import score_track_json

    output = score_track_json(data, spec)
    output["model"] = result.model or output.get("model")
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


def _dumps(data: Any) -> bytes:
    return json.dumps(json_safe(data), separators=(",", ":"), allow_nan=False).encode()
