"""``manage.py sync_catalog``: write the built-in exercises from exercises/catalog.json.

Run after ``migrate`` by ``make run`` and by every deployment (docker-compose's web service);
running it again changes nothing unless the catalog changed.
"""

from django.core.management.base import BaseCommand, CommandError

from exercises.services import exercise_catalog_sync
from pose import CatalogError


class Command(BaseCommand):
    help = "Create or update the built-in exercises from the engine's catalog (idempotent)."

    def handle(self, *args, **options):
        try:
            created, updated = exercise_catalog_sync()
        except CatalogError as exc:
            raise CommandError(str(exc)) from None
        if options["verbosity"]:
            self.stdout.write(f"catalog: {created} exercise(s) created, {updated} updated")
