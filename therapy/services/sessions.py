"""Exercise sessions: created from a clip or a device track, analysed once by a worker (claim,
then fail or complete), tried again, swept when their task was lost, and annotated.

Every function takes keyword-only arguments. Raise ``django.core.exceptions.ValidationError``
for input a person can fix; the API turns it into a 400.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from therapy.dispatch import session_analysis_enqueue
from therapy.models import (
    ExerciseSession,
    RoutineItem,
    SessionNote,
    SessionSource,
    SessionStatus,
    User,
)
from therapy.selectors.sessions import session_for_upload_key
from therapy.services.analysis import analysis_run, json_bytes, result_store
from therapy.services.files import clip_check, clip_content_type
from therapy.services.notifications import flags_check_on_commit

if TYPE_CHECKING:
    from pose import Result

logger = logging.getLogger(__name__)

NO_PERSON_ERROR = (
    "No person was found in the clip. Stand so that your whole body is in the picture, "
    "with good light, and record again."
)
TOO_MANY_ATTEMPTS_ERROR = (
    "The analysis was interrupted {attempts} times and was stopped. Please try again; if it "
    "keeps failing, record a shorter clip."
)


def _check_item_for_patient(*, patient: User, routine_item: RoutineItem) -> None:
    if routine_item.routine.patient_id != patient.pk:
        raise ValidationError({"routine_item": "Not one of your routine items."})
    if routine_item.retired_at is not None:
        raise ValidationError({"routine_item": "This exercise was changed; use the current one."})


def _save_once(session: ExerciseSession, *, stored) -> ExerciseSession | None:
    """Insert ``session``; when a concurrent attempt with the same upload key won the race (the
    unique constraint), drop the file just stored and return that attempt's session instead."""
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        earlier = session_for_upload_key(patient=session.patient, upload_key=session.upload_key)
        if earlier is None:
            raise
        stored.delete(save=False)
        return earlier
    return None


@transaction.atomic
def session_create_from_clip(
    *,
    patient: User,
    routine_item: RoutineItem,
    clip: File,
    pain_score: int | None = None,
    comment: str = "",
    upload_key: str = "",
) -> ExerciseSession:
    _check_item_for_patient(patient=patient, routine_item=routine_item)
    if (earlier := session_for_upload_key(patient=patient, upload_key=upload_key)) is not None:
        return earlier  # a retry of an upload already accepted: its answer was lost
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
        upload_key=upload_key,
    )
    session.clip.save(PurePosixPath(clip.name or "clip.mp4").name, clip, save=False)
    if (earlier := _save_once(session, stored=session.clip)) is not None:
        return earlier
    session_analysis_enqueue(session_id=session.pk)
    if pain_score is not None:
        flags_check_on_commit(patient_id=patient.pk)
    return session


@transaction.atomic
def session_create_from_track(
    *,
    patient: User,
    routine_item: RoutineItem,
    track: Any,
    pain_score: int | None = None,
    comment: str = "",
    upload_key: str = "",
) -> ExerciseSession:
    """A keypoint track computed on the device (privacy mode). Validated now, scored later."""
    from pose.track import KeypointTrack, TrackError

    _check_item_for_patient(patient=patient, routine_item=routine_item)
    if (earlier := session_for_upload_key(patient=patient, upload_key=upload_key)) is not None:
        return earlier  # a retry of an upload already accepted: its answer was lost
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
        upload_key=upload_key,
    )
    session.uploaded_track.save("track.json", ContentFile(json_bytes(payload)), save=False)
    if (earlier := _save_once(session, stored=session.uploaded_track)) is not None:
        return earlier
    session_analysis_enqueue(session_id=session.pk)
    if pain_score is not None:
        flags_check_on_commit(patient_id=patient.pk)
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
    if pain_score is not ... and pain_score is not None:
        flags_check_on_commit(patient_id=session.patient_id)
    return session


def session_note_create(
    *, session: ExerciseSession, author: User, text: str, at_seconds: float | None = None
) -> SessionNote:
    """A therapist's note on a session, pinned to a moment of the clip when ``at_seconds``."""
    return SessionNote.objects.create(
        session=session, author=author, text=text, at_seconds=at_seconds
    )


# --- Analysis: one worker claims a session, then fails or completes it -------------------------


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
        output = analysis_run(session=session)
    except PoseError as exc:
        return session_fail(session_id=session_id, error=str(exc) or exc.__class__.__name__)
    if output.track.person_found is False:
        finished = session_fail(session_id=session_id, error=NO_PERSON_ERROR)
    else:
        finished = _session_complete(session_id=session_id, output=output)
    if finished is not None:  # flags that the new result raises (a declining measure, pain)
        flags_check_on_commit(patient_id=finished.patient_id)
    return finished


def _session_claim(*, session_id: int) -> ExerciseSession | None:
    with transaction.atomic():
        session = ExerciseSession.objects.select_for_update().filter(pk=session_id).first()
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


def _session_complete(*, session_id: int, output: Result) -> ExerciseSession | None:
    with transaction.atomic():
        session = ExerciseSession.objects.select_for_update().filter(pk=session_id).first()
        if session is None or session.status != SessionStatus.PROCESSING:
            return session  # finished by another delivery of the same task
        result_store(session=session, output=output)
        session.status = SessionStatus.DONE
        session.finished_at = timezone.now()
        session.save(update_fields=["status", "finished_at"])
    return session


# --- Sending an analysis again -----------------------------------------------------------------


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
        session_analysis_enqueue(session_id=session.pk)
    return session


# How soon a lost analysis is sent again (numbers in config/settings/base.py, "Celery"):
# - a live analysis holds ``session_analysis_lock`` from before its claim until it ends; the lock
#   dies with the process (a PostgreSQL advisory lock lives on the worker's connection; on
#   SQLite, one machine, an flock). A session ``processing`` whose lock is free for
#   STUCK_ORPHANED_SECONDS (60 s) lost its worker. The grace covers a task waiting for its retry.
# - a session ``queued`` for STUCK_QUEUED_SECONDS (60 s) is sent again: its message may be gone
#   (broker restarted) or held unacknowledged by a dead worker for the visibility timeout.
#   The duplicate is harmless: a task whose session is locked by a live worker does nothing,
#   one that finds it finished does nothing, and completion is a status transition under a row
#   lock, so one result at most.
# - the sweep runs every STUCK_SWEEP_SECONDS (30 s) under beat, and once when a worker starts.
# Worst case: 60 s + 30 s + the time to pick the task up, under two minutes.
# STUCK_PROCESSING_SECONDS (above the hard time limit) remains the ceiling for a session whose
# lock still looks held.

ANALYSIS_LOCK_NAMESPACE = 0x7E5 << 48  # keeps our advisory-lock keys apart from any others


@contextmanager
def session_analysis_lock(*, session_id: int) -> Iterator[bool]:
    """Try to take the lock that says "a live process is analysing this session"; yield whether
    it was taken (False: another live process holds it). Released on exit, or by the death of
    the process."""
    if connection.vendor == "postgresql":
        key = ANALYSIS_LOCK_NAMESPACE + session_id
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                try:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
                except DatabaseError:  # connection lost: the server released the lock with it
                    logger.warning("session %s: analysis lock lost with the connection", session_id)
        return
    # SQLite (the default ``make run``): one machine, so a file lock is seen by every worker.
    # The empty lock files are kept: removing one while another process opens it would race.
    lock_dir = Path(settings.VAR_DIR) / "analysis-locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / f"session-{session_id}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sessions_requeue_stuck(
    *,
    processing_for: timedelta | None = None,
    orphaned_for: timedelta | None = None,
    queued_for: timedelta | None = None,
) -> dict[str, list[int]]:
    """Re-send analyses whose task was lost; the database, not the broker, is the truth.

    A session ``processing`` whose analysis lock is free (its worker died) for ``orphaned_for``,
    or still ``processing`` after ``processing_for`` (above the task's hard time limit, so no
    live worker can still be on it) is queued again. A session ``queued`` for longer than
    ``queued_for`` may have lost its message (a broker restarted without persistence, a dead
    worker holding it unacknowledged): it is sent again. A duplicate message is harmless: the
    task skips a session a live worker is analysing and a finished one. Sessions that already
    used their attempts end ``failed`` with a reason instead.
    """
    now = timezone.now()

    def seconds(value: timedelta | None, default: float) -> timedelta:
        return value if value is not None else timedelta(seconds=default)

    processing_for = seconds(processing_for, settings.STUCK_PROCESSING_SECONDS)
    orphaned_for = min(seconds(orphaned_for, settings.STUCK_ORPHANED_SECONDS), processing_for)
    queued_for = seconds(queued_for, settings.STUCK_QUEUED_SECONDS)
    outcome: dict[str, list[int]] = {"requeued": [], "resent": [], "failed": []}
    stuck = ExerciseSession.objects.filter(
        status=SessionStatus.PROCESSING, started_at__lte=now - orphaned_for
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
                if session.started_at is None or session.started_at > now - orphaned_for:
                    continue
                if session.started_at > now - processing_for:
                    # Held until the row is saved, so no worker starts it meanwhile; released
                    # before the commit sends the task again.
                    with session_analysis_lock(session_id=session.pk) as free:
                        if not free:
                            continue  # a live worker is on it
                        outcome_kind = _session_requeue(session=session, now=now)
                else:
                    outcome_kind = _session_requeue(session=session, now=now)
                outcome[outcome_kind].append(session.pk)
                if outcome_kind == "failed":
                    continue
            elif session.status == SessionStatus.QUEUED and session.queued_at <= now - queued_for:
                session.queued_at = now
                session.save(update_fields=["queued_at"])
                outcome["resent"].append(session.pk)
            else:
                continue
            session_analysis_enqueue(session_id=session.pk)
    if any(outcome.values()):
        logger.warning("stuck sessions: %s", outcome)
    return outcome


def _session_requeue(*, session: ExerciseSession, now: datetime) -> str:
    """A processing session whose worker is gone: queued again, or failed out of attempts."""
    if session.attempts >= settings.ANALYSIS_MAX_ATTEMPTS:
        session.status = SessionStatus.FAILED
        session.error = TOO_MANY_ATTEMPTS_ERROR.format(attempts=session.attempts)
        session.finished_at = now
        session.save(update_fields=["status", "error", "finished_at"])
        return "failed"
    session.status = SessionStatus.QUEUED
    session.queued_at = now
    session.save(update_fields=["status", "queued_at"])
    return "requeued"
