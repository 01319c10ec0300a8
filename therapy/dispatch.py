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


def session_analysis_enqueue(*, session_id: int) -> None:
    """Send the analysis of a session once the current transaction commits."""
    # Looked up now, not in the callback: a task missing from the registry is a deployment
    # error that must fail the request, not pass for a broker outage.
    task = current_app.tasks[SESSION_ANALYZE_TASK]

    def send() -> None:
        try:
            task.delay(session_id)
        except Exception:
            # The broker is down. The session is saved as queued: the stuck-session sweep
            # sends it again once the broker is back, so the upload still succeeds.
            logger.exception(
                "session %s: could not reach the broker; left for the sweep", session_id
            )

    transaction.on_commit(send)
