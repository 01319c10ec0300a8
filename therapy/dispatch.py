"""Sending work to the Celery workers.

Tasks are looked up by name in the Celery app's registry (``TherapyConfig.ready`` imports
``therapy.tasks`` so that every process has them), never imported from here: the tasks module
imports the services, and the services enqueue through this module, so an import would close a
cycle. Going through the registered task object (not ``send_task``) keeps its options, eager
mode in tests, and the routing of ``CELERY_TASK_ROUTES`` (the "pose" queue).
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

SESSION_ANALYZE_TASK = "therapy.tasks.session_analyze_task"
MESSAGE_NOTICE_SEND_TASK = "therapy.tasks.message_notice_send_task"


def _delay_on_commit(task_name: str, *args, broker_down: str) -> None:
    """Send ``task_name(*args)`` once the current transaction commits. A broker that cannot be
    reached then is logged (``broker_down``, %-formatted with ``args``), not raised: what was
    committed stands."""
    # Looked up now, not in the callback: a task missing from the registry is a deployment
    # error that must fail the request, not pass for a broker outage.
    task = current_app.tasks[task_name]

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.exception(broker_down, *args)

    transaction.on_commit(send)


def session_analysis_enqueue(*, session_id: int) -> None:
    """Send the analysis of a session once the current transaction commits."""
    # A broker that is down leaves the session saved as queued: the stuck-session sweep sends it
    # again once the broker is back, so the upload still succeeds.
    _delay_on_commit(
        SESSION_ANALYZE_TASK,
        session_id,
        broker_down="session %s: could not reach the broker; left for the sweep",
    )


def message_notice_enqueue(*, message_id: int) -> None:
    """Send the therapist's email about a patient's message once the message is committed."""
    _delay_on_commit(
        MESSAGE_NOTICE_SEND_TASK,
        message_id,
        broker_down="message %s: could not reach the broker; no email about it",
    )
