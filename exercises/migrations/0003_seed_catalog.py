"""Seed the built-in exercises from exercises/catalog.json (the one catalog source).

Re-running the sync is idempotent (update_or_create by slug); a later migration that calls
``sync_catalog`` again picks up catalog changes.
"""

import sys

from django.db import migrations

from exercises.catalog_sync import CATALOG_PATH, sync_catalog


def seed(apps, schema_editor):
    if not CATALOG_PATH.is_file():
        sys.stderr.write(f"warning: {CATALOG_PATH} not found; no built-in exercises seeded\n")
        return
    sync_catalog(apps.get_model("exercises", "Exercise"))


class Migration(migrations.Migration):
    dependencies = [("exercises", "0002_exercise_owner")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
