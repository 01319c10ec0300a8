"""The catalog in the database mirrors exercises/catalog.json (written by sync_catalog)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from exercises.catalog_sync import row_fields
from exercises.models import Exercise
from exercises.selectors import exercise_list_for_user
from exercises.services import exercise_create_custom, exercise_spec
from pose import load_catalog

pytestmark = pytest.mark.django_db


def test_sync_wrote_every_catalog_entry():
    specs = load_catalog()
    rows = {e.slug: e for e in Exercise.objects.filter(is_builtin=True)}
    assert set(rows) == set(specs)
    for slug, spec in specs.items():
        row = rows[slug]
        assert (row.name, row.protocol, row.camera_view) == (
            spec.name,
            spec.protocol,
            spec.camera_view,
        )
        assert row.params == spec.params
        assert row.default_sets == spec.default_dose.sets


def test_sync_command_is_idempotent_and_repairs_drift(capsys):
    call_command("sync_catalog")
    assert "0 exercise(s) created, 0 updated" in capsys.readouterr().out
    squat = Exercise.objects.get(slug="squat")
    squat.name, squat.params = "Edited by hand", {}
    squat.save()
    Exercise.objects.filter(slug="heel_raise").delete()
    call_command("sync_catalog")
    assert "1 exercise(s) created, 1 updated" in capsys.readouterr().out
    squat.refresh_from_db()
    assert {k: getattr(squat, k) for k in row_fields(load_catalog()["squat"])} == row_fields(
        load_catalog()["squat"]
    )


def test_every_builtin_has_an_engine_spec():
    from pose.measures.catalog import get_exercise

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


def test_custom_exercise_refuses_params_the_engine_cannot_measure(therapist, exercises_catalog):
    """A value outside the protocol's choices (a joint that is markup) or parameters the engine
    cannot build its protocol from are refused when the exercise is made, not when each session
    against it fails."""
    from django.core.exceptions import ValidationError

    squat = exercises_catalog["squat"]
    with pytest.raises(ValidationError) as bad_joint:
        exercise_create_custom(
            therapist=therapist, base=squat, name="X", params={"joint": "</script>"}
        )
    assert "joint must be one of: knee_flexion" in str(bad_joint.value.message_dict["params"])
    with pytest.raises(ValidationError) as half_thresholds:
        exercise_create_custom(therapist=therapist, base=squat, name="X", params={"exit": 40})
    assert "give both 'enter' and 'exit'" in str(half_thresholds.value.message_dict["params"])
    balance = exercises_catalog["single_leg_stance"]
    with pytest.raises(ValidationError) as bad_stance:
        exercise_create_custom(
            therapist=therapist, base=balance, name="X", params={"stance": "handstand"}
        )
    assert "stance must be one of" in str(bad_stance.value.message_dict["params"])
    with pytest.raises(ValidationError) as bad_view:
        exercise_create_custom(therapist=therapist, base=squat, name="X", camera_view="top")
    assert "camera_view" in bad_view.value.message_dict
    assert not Exercise.objects.filter(is_builtin=False).exists()

    ok = exercise_create_custom(
        therapist=therapist,
        base=squat,
        name="Deep squat",
        params={"side": "left", "enter": 90, "exit": 40},
    )
    assert exercise_spec(ok).make_protocol().enter == 90
