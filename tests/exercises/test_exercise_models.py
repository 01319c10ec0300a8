"""The catalog in the database mirrors exercises/catalog.json (seeded by a migration)."""

from __future__ import annotations

import pytest

from exercises.catalog_sync import read_catalog
from exercises.models import Exercise
from exercises.selectors import exercise_list_for_user
from exercises.services import exercise_create_custom, exercise_spec

pytestmark = pytest.mark.django_db


def test_migration_seeded_every_catalog_entry():
    entries = read_catalog()
    rows = {e.slug: e for e in Exercise.objects.filter(is_builtin=True)}
    assert set(rows) == {entry["slug"] for entry in entries}
    for entry in entries:
        row = rows[entry["slug"]]
        assert (row.name, row.protocol, row.camera_view) == (
            entry["name"], entry["protocol"], entry["camera_view"]
        )
        assert row.params == entry["params"]
        assert row.default_sets == entry["default_dose"]["sets"]


def test_every_builtin_has_an_engine_spec():
    from pose.catalog import get_exercise

    for row in Exercise.objects.filter(is_builtin=True):
        assert get_exercise(row.slug).protocol == row.protocol
        assert exercise_spec(row).slug == row.slug


def test_custom_exercises_are_visible_to_their_therapist_and_patients(
    therapist, patient, other_therapist, other_patient, exercises_catalog
):
    custom = exercise_create_custom(
        therapist=therapist, base=exercises_catalog["shoulder_abduction"], name="Wall slide"
    )
    assert custom.protocol == "reps_on_angle" and custom.base.slug == "shoulder_abduction"
    assert exercise_list_for_user(user=therapist).filter(pk=custom.pk).exists()
    assert exercise_list_for_user(user=patient).filter(pk=custom.pk).exists()
    assert not exercise_list_for_user(user=other_therapist).filter(pk=custom.pk).exists()
    assert not exercise_list_for_user(user=other_patient).filter(pk=custom.pk).exists()
