"""Re-send analyses whose task was lost (worker killed, broker restarted without persistence).

The same sweep runs every 30 s under celery beat and when a worker starts; this command is for operators and
for after an incident: ``manage.py requeue_stuck_sessions --queued-for 0`` re-sends every
queued session at once (duplicates are harmless: the task skips finished sessions).
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from therapy.services.sessions import sessions_requeue_stuck


class Command(BaseCommand):
    help = "Re-queue sessions stuck in processing or queued past their deadline."

    def add_arguments(self, parser):
        parser.add_argument(
            "--processing-for",
            type=float,
            default=settings.STUCK_PROCESSING_SECONDS,
            help="Seconds in 'processing' after which a session is re-queued "
            "even if a worker seems to be on it "
            "(default: STUCK_PROCESSING_SECONDS, above the task's hard time limit).",
        )
        parser.add_argument(
            "--orphaned-for",
            type=float,
            default=settings.STUCK_ORPHANED_SECONDS,
            help="Seconds in 'processing' with no live worker on it (its analysis lock free) "
            "after which a session is re-queued (default: STUCK_ORPHANED_SECONDS).",
        )
        parser.add_argument(
            "--queued-for",
            type=float,
            default=settings.STUCK_QUEUED_SECONDS,
            help="Seconds in 'queued' after which the task is sent again "
            "(default: STUCK_QUEUED_SECONDS).",
        )

    def handle(
        self, *args, processing_for: float, orphaned_for: float, queued_for: float, **options
    ):
        outcome = sessions_requeue_stuck(
            processing_for=timedelta(seconds=processing_for),
            orphaned_for=timedelta(seconds=orphaned_for),
            queued_for=timedelta(seconds=queued_for),
        )
        self.stdout.write(
            f"re-queued {len(outcome['requeued'])} stuck in processing, "
            f"re-sent {len(outcome['resent'])} queued, "
            f"failed {len(outcome['failed'])} out of attempts"
        )
        for kind, ids in outcome.items():
            if ids:
                self.stdout.write(f"  {kind}: {', '.join(map(str, ids))}")
