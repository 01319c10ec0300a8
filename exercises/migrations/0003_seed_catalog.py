"""Formerly seeded the built-in exercises from the catalog file as it was when migrating.

A data migration that reads the current file ties history to today's catalog, so the rows are
now written by ``manage.py sync_catalog`` (run after ``migrate`` by ``make run`` and deployments;
see exercises/catalog_sync.py). Kept as a no-op so that migration history stays linear.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("exercises", "0002_exercise_owner")]

    operations = []
