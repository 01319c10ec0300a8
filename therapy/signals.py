"""Stored files follow their rows: deleting a session (or a patient, whose sessions cascade)
deletes its clip and keypoint tracks from storage once the transaction commits. A password
change (anywhere: the admin, a service, ``manage.py changepassword``) revokes the user's API
tokens; their other sessions already end through Django's session auth hash."""

from __future__ import annotations

import logging

from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from therapy.models import ExerciseSession, SessionResult, User
from therapy.services.accounts import token_revoke_all

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


@receiver(pre_save, sender=User, dispatch_uid="therapy-password-change-detect")
def password_change_detect(sender, instance: User, update_fields=None, raw=False, **kwargs):
    instance._password_changed = False
    if (
        raw
        or instance.pk is None
        or (update_fields is not None and "password" not in update_fields)
    ):
        return
    old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is None or old == instance.password:
        return
    instance._password_changed = not _is_hash_upgrade(old, instance, update_fields)


@receiver(post_save, sender=User, dispatch_uid="therapy-password-change-revoke")
def password_change_revoke_tokens(sender, instance: User, created: bool, **kwargs) -> None:
    if getattr(instance, "_password_changed", False):
        instance._password_changed = False
        token_revoke_all(user=instance)


def _is_hash_upgrade(old: str, instance: User, update_fields) -> bool:
    """On a successful sign-in Django re-hashes a password whose hasher or work factor is out
    of date and saves only that field, having cleared ``_password`` (see
    ``AbstractBaseUser.check_password``): the same password, not a change."""
    if (
        instance._password is not None
        or update_fields is None
        or set(update_fields) != {"password"}
    ):
        return False
    try:
        old_hasher = identify_hasher(old)
    except ValueError:  # unusable or unknown: a real change
        return False
    preferred = get_hasher()
    return old_hasher.algorithm != preferred.algorithm or preferred.must_update(old)
