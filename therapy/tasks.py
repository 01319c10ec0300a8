"""Celery tasks: thin wrappers that call a service.

The pose model is never loaded here at import time: ``pose.pipeline`` is imported by the service
when the first clip is analysed, so each prefork child loads it once, lazily, and the parent
never does.

Services send these tasks by name (``therapy.dispatch``) and never import this module, so the
dependency runs one way: tasks → services.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError, connections

from therapy.services.message_notices import message_notice_send
from therapy.services.notifications import flag_notice_send, flags_check_all
from therapy.services.reminders import reminders_send_due
from therapy.services.sessions import (
    session_analysis_lock,
    session_analyze,
    session_fail,
    sessions_requeue_stuck,
)

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "The analysis failed because of a problem on our side. Please try again later."
TIMEOUT_ERROR = "The analysis took too long. Please upload a shorter clip."


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=10)
def session_analyze_task(self, session_id: int) -> None:
    # The lock says "a live worker is on it" until the analysis ends or its process dies; the
    # stuck-session sweep reads it. A copy of the task (re-sent by the sweep, redelivered by the
    # broker) arriving meanwhile does nothing: the holder finishes the session.
    with session_analysis_lock(session_id=session_id) as held:
        if not held:
            logger.info("session %s: already being analysed; duplicate task dropped", session_id)
            return
        try:
            session_analyze(session_id=session_id)
        except SoftTimeLimitExceeded:
            session_fail(session_id=session_id, error=TIMEOUT_ERROR)
        except (OperationalError, InterfaceError, OSError) as exc:
            # Transient (database or storage unreachable): the session stays ``processing`` and
            # the retry claims it again.
            if self.request.retries >= self.max_retries:
                logger.exception("session %s: giving up after retries", session_id)
                session_fail(session_id=session_id, error=INTERNAL_ERROR)
                return
            raise self.retry(exc=exc) from exc
        except Exception:
            logger.exception("session %s: analysis crashed", session_id)
            session_fail(session_id=session_id, error=INTERNAL_ERROR)


@shared_task(ignore_result=True)
def sessions_requeue_stuck_task() -> dict[str, list[int]]:
    """Periodic (celery beat): re-send analyses whose message was lost. See the service."""
    return sessions_requeue_stuck()


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def flag_notice_send_task(self, notice_id: int) -> None:
    """Email a therapist about one flag; sends nothing when it was sent already."""
    try:
        flag_notice_send(notice_id=notice_id)
    except (OSError, OperationalError, InterfaceError) as exc:  # SMTP or database unreachable
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def message_notice_send_task(self, message_id: int) -> None:
    """Email a therapist that a patient wrote; nothing when they have read it since."""
    try:
        message_notice_send(message_id=message_id)
    except (OSError, OperationalError, InterfaceError) as exc:  # SMTP or database unreachable
        raise self.retry(exc=exc) from exc


@shared_task(ignore_result=True)
def flags_check_all_task() -> dict[str, int]:
    """Periodic (celery beat): raise new flags (missed sessions) and email each once."""
    return flags_check_all()


@shared_task(ignore_result=True)
def reminders_send_due_task() -> int:
    """Periodic (celery beat, hourly): the patients' daily exercise reminders. See the service."""
    return reminders_send_due()


@worker_ready.connect(dispatch_uid="therapy.sessions_requeue_stuck_on_start")
def sessions_requeue_stuck_on_worker_start(**kwargs) -> None:
    """A restarted machine recovers at once instead of at the next beat: sweep on start-up."""
    try:
        sessions_requeue_stuck()
    except Exception:  # the worker must start even if the database is not reachable yet
        logger.exception("start-up sweep of stuck sessions failed")
    finally:
        connections.close_all()  # the worker's main process keeps no connection open
