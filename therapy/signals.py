"""Stored files follow their rows: deleting a session (or a patient, whose sessions cascade)
deletes its clip and keypoint tracks from storage once the transaction commits."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from therapy.models import ExerciseSession, SessionResult

logger = logging.getLogger(__name__)


def _delete_files_on_commit(*fields) -> None:
    names = [(f.storage, f.name) for f in fields if f and f.name]
    if not names:
        return

    def delete() -> None:
        for storage, name in names:
            try:
                storage.delete(name)
            except Exception:  # the row is gone either way; report the orphan
                logger.exception("could not delete stored file %s", name)

    transaction.on_commit(delete)


@receiver(post_delete, sender=ExerciseSession, dispatch_uid="therapy-session-files")
def session_files_delete(sender, instance: ExerciseSession, **kwargs) -> None:
    _delete_files_on_commit(instance.clip, instance.uploaded_track)


@receiver(post_delete, sender=SessionResult, dispatch_uid="therapy-result-files")
def result_files_delete(sender, instance: SessionResult, **kwargs) -> None:
    _delete_files_on_commit(instance.keypoint_track)
