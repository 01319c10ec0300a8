"""Writes, by area: ``accounts``, ``routines``, ``sessions`` (and their ``analysis``), ``files``.

Callers outside the package may use ``from therapy import services``; the modules of this
package import each other by module, never through this one.
"""

from therapy.services.accounts import (
    invite_accept,
    invite_resend,
    patient_create,
    patient_delete,
    patient_invite,
    patient_privacy_set,
    therapist_create,
    token_create,
    token_record_use,
    token_revoke,
    token_revoke_all,
)
from therapy.services.analysis import analysis_run, json_safe, result_rescore, result_store
from therapy.services.files import clip_check, clip_content_type, clip_response, field_local_path
from therapy.services.routines import (
    routine_create,
    routine_end,
    routine_item_add,
    routine_item_remove,
    routine_item_update,
    routine_snapshot,
    routine_update,
)
from therapy.services.sessions import (
    NO_PERSON_ERROR,
    TOO_MANY_ATTEMPTS_ERROR,
    session_analyze,
    session_create_from_clip,
    session_create_from_track,
    session_fail,
    session_note_create,
    session_retry,
    session_update_feedback,
    sessions_requeue_stuck,
)

__all__ = [
    "NO_PERSON_ERROR",
    "TOO_MANY_ATTEMPTS_ERROR",
    "analysis_run",
    "clip_check",
    "clip_content_type",
    "clip_response",
    "field_local_path",
    "invite_accept",
    "invite_resend",
    "json_safe",
    "patient_create",
    "patient_invite",
    "patient_delete",
    "patient_privacy_set",
    "result_rescore",
    "result_store",
    "routine_create",
    "routine_end",
    "routine_item_add",
    "routine_item_remove",
    "routine_item_update",
    "routine_snapshot",
    "routine_update",
    "session_analyze",
    "session_create_from_clip",
    "session_create_from_track",
    "session_fail",
    "session_note_create",
    "session_retry",
    "session_update_feedback",
    "sessions_requeue_stuck",
    "therapist_create",
    "token_create",
    "token_record_use",
    "token_revoke",
    "token_revoke_all",
]
