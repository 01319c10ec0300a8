"""``manage.py sync_routine_templates``: write the built-in routine templates from
therapy/routine_templates.json (after ``sync_catalog``: they refer to catalog exercises)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from therapy.services.routine_templates import routine_template_builtin_sync


class Command(BaseCommand):
    help = "Create or update the built-in routine templates (idempotent)."

    def handle(self, *args, **options):
        try:
            created, updated = routine_template_builtin_sync()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if options["verbosity"]:
            self.stdout.write(f"templates: {created} created, {updated} updated")
