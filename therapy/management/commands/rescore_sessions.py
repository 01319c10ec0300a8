"""Recompute session results from their stored keypoint tracks (no model run)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from pose.errors import PoseError
from therapy.models import SessionResult, SessionStatus
from therapy.services.analysis import result_rescore


def _reps(result: SessionResult) -> str:
    return "not measured" if result.rep_count is None else str(result.rep_count)


class Command(BaseCommand):
    help = "Re-score done sessions from their stored keypoint tracks with the current scoring code."

    def add_arguments(self, parser) -> None:
        parser.add_argument("session_ids", nargs="*", type=int, help="Only these sessions.")
        parser.add_argument("--exercise", help="Only sessions of this exercise slug.")
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")

    def handle(self, *args, session_ids, exercise, dry_run, **options) -> None:
        results = SessionResult.objects.filter(session__status=SessionStatus.DONE).select_related(
            "session__routine_item__exercise__base"
        )
        if session_ids:
            results = results.filter(session_id__in=session_ids)
        if exercise:
            results = results.filter(session__routine_item__exercise__slug=exercise)
        done = failed = 0
        for result in results.order_by("session_id").iterator(chunk_size=100):
            label = f"session {result.session_id}"
            if not result.keypoint_track:
                self.stderr.write(f"{label}: no stored keypoint track, skipped")
                failed += 1
                continue
            if dry_run:
                self.stdout.write(f"{label}: would re-score (reps now {_reps(result)})")
                continue
            before = _reps(result)
            try:
                result = result_rescore(result=result)
            except (PoseError, OSError, ValueError) as exc:
                self.stderr.write(f"{label}: {exc}")
                failed += 1
                continue
            done += 1
            self.stdout.write(f"{label}: reps {before} -> {_reps(result)}")
        self.stdout.write(f"re-scored {done}, skipped or failed {failed}")
