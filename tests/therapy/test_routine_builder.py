"""The routine builder: one service call for a whole routine (differences applied with
retire-and-replace and one revision), the page with its rows, templates, undo of a removal, the
end confirm step, and who may open it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.support.sessions import make_done_session
from therapy.models import (
    Clinic,
    Routine,
    RoutineItem,
    RoutineRevision,
    RoutineTemplate,
)
from therapy.services.routine_templates import routine_template_builtin_sync
from therapy.services.routines import routine_item_restore, routine_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates(exercises_catalog):
    routine_template_builtin_sync()
    return {t.name: t for t in RoutineTemplate.objects.filter(clinic=None)}


def _rows(prefix: str = "rows", rows: list[dict] | None = None, initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows or [])),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows or []):
        for key, value in row.items():
            data[f"{prefix}-{n}-{key}"] = "" if value is None else str(value)
    return data


def _row(
    exercise: str,
    *,
    id=None,
    sets=2,
    reps=10,
    hold="",
    per_week=3,
    side="both",
    rest="",
    notes="",
    order="",
    delete=False,
) -> dict:
    row = {
        "id": id or "",
        "exercise": exercise,
        "sets": sets,
        "reps": reps,
        "hold_seconds": hold,
        "per_week": per_week,
        "side": side,
        "rest_seconds": rest,
        "notes": notes,
        "ORDER": order,
    }
    if delete:
        row["DELETE"] = "on"
    return row


# --- service ---------------------------------------------------------------------------------


def test_routine_save_creates_then_applies_differences(therapist, patient, exercises_catalog):
    ex = exercises_catalog
    routine = routine_save(
        routine=None,
        patient=patient,
        therapist=therapist,
        title="Knee",
        start_date=dt.date(2026, 12, 3),
        items=[
            {
                "exercise": ex["squat"],
                "sets": 3,
                "reps": 10,
                "per_week": 3,
                "side": "left",
                "rest_seconds": 60,
            },
            {"exercise": ex["heel_raise"], "sets": 2, "reps": 15, "per_week": 5},
            {"exercise": ex["glute_bridge"], "sets": 2, "reps": 8, "per_week": 4},
        ],
    )
    assert routine.start_date == dt.date(2026, 12, 3)
    squat, heel, bridge = routine.items.order_by("position")
    assert (squat.side, squat.rest_seconds, heel.reps) == ("left", 60, 15)
    assert RoutineRevision.objects.filter(routine=routine).count() == 1
    done = make_done_session(patient=patient, routine_item=squat)

    routine_save(
        routine=routine,
        patient=patient,
        therapist=therapist,
        title="Knee, week 2",
        start_date=dt.date(2026, 12, 3),
        items=[
            {"id": bridge.pk, "exercise": ex["glute_bridge"], "sets": 2, "reps": 8, "per_week": 4},
            {
                "id": squat.pk,
                "exercise": ex["squat"],
                "sets": 3,
                "reps": 12,
                "per_week": 3,
                "side": "left",
                "rest_seconds": 60,
            },
        ],
    )
    routine.refresh_from_db()
    assert routine.title == "Knee, week 2"
    current = list(routine.items.filter(retired_at=None).order_by("position"))
    # the bridge kept its row and moved first; the squat's changed dose replaced its row
    assert [i.exercise.slug for i in current] == ["glute_bridge", "squat"]
    assert current[0].pk == bridge.pk
    new_squat = current[1]
    assert new_squat.pk != squat.pk and new_squat.replaces_id == squat.pk and new_squat.reps == 12
    squat.refresh_from_db()
    heel.refresh_from_db()
    assert squat.retired_at is not None and heel.retired_at is not None
    done.refresh_from_db()
    assert done.routine_item_id == squat.pk and done.routine_item.reps == 10  # history kept
    revisions = RoutineRevision.objects.filter(routine=routine)
    assert revisions.count() == 2  # one per save, not one per change
    latest = revisions.first().snapshot
    assert [i["exercise"] for i in latest["items"]] == ["glute_bridge", "squat"]
    assert latest["items"][1]["side"] == "left" and latest["items"][1]["rest_seconds"] == 60


def test_routine_save_refuses_foreign_items_and_empty_lists(
    therapist, patient, routine, other_routine, exercises_catalog
):
    foreign = other_routine.items.get()
    with pytest.raises(ValidationError, match="not in this routine"):
        routine_save(
            routine=routine,
            patient=patient,
            therapist=therapist,
            title="X",
            start_date=None,
            items=[{"id": foreign.pk, "exercise": exercises_catalog["squat"]}],
        )
    with pytest.raises(ValidationError, match="at least one"):
        routine_save(
            routine=routine,
            patient=patient,
            therapist=therapist,
            title="X",
            start_date=None,
            items=[],
        )


def test_restore_brings_a_removed_item_back_with_its_dose(therapist, patient, exercises_catalog):
    ex = exercises_catalog
    routine = routine_save(
        routine=None,
        patient=patient,
        therapist=therapist,
        title="R",
        start_date=None,
        items=[
            {"exercise": ex["squat"], "sets": 4, "reps": 6, "per_week": 2},
            {"exercise": ex["heel_raise"], "sets": 2, "reps": 15, "per_week": 5},
        ],
    )
    squat, heel = routine.items.order_by("position")
    routine_save(
        routine=routine,
        patient=patient,
        therapist=therapist,
        title="R",
        start_date=None,
        items=[{"id": heel.pk, "exercise": ex["heel_raise"], "sets": 2, "reps": 15, "per_week": 5}],
    )
    back = routine_item_restore(routine=routine, changed_by=therapist, item_id=squat.pk)
    assert back.pk == squat.pk and back.retired_at is None
    assert (back.sets, back.reps, back.per_week) == (4, 6, 2)
    assert list(routine.items.filter(retired_at=None).order_by("position")) == [heel, squat]
    with pytest.raises(ValidationError):  # not removed (any more): nothing to undo
        routine_item_restore(routine=routine, changed_by=therapist, item_id=squat.pk)


def test_builtin_templates_sync_is_idempotent(exercises_catalog):
    assert routine_template_builtin_sync() == (4, 0)
    assert routine_template_builtin_sync() == (0, 0)
    call_command("sync_routine_templates", verbosity=0)
    knee = RoutineTemplate.objects.get(name="Knee replacement week 1", clinic=None)
    assert knee.items.count() == 4
    assert knee.items.order_by("position").first().exercise.slug == "seated_knee_extension"
    assert "http" not in knee.description
    assert set(RoutineTemplate.objects.values_list("name", flat=True)) == {
        "Knee replacement week 1",
        "Low back pain starter",
        "Balance and falls prevention",
        "Shoulder mobility",
    }


def test_catalog_has_a_body_part_for_every_exercise(exercises_catalog):
    assert all(e.body_part for e in exercises_catalog.values())
    assert exercises_catalog["squat"].body_part == "knee"
    assert exercises_catalog["tandem_stance"].body_part == "balance"


# --- pages -----------------------------------------------------------------------------------


def test_new_routine_from_a_template_page(client, therapist, patient, templates):
    client.force_login(therapist)
    knee = templates["Knee replacement week 1"]
    page = client.get(f"/therapist/patients/{patient.pk}/routines/new/?template={knee.pk}")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'value="Knee replacement week 1"' in body
    assert 'id="catalog-data"' in body and '"body_part": "knee"' in body
    rows = body.split('id="row-template"')[0]
    assert rows.count("data-row>") == 5  # four template rows + one empty row to add


def test_save_page_applies_rows_and_offers_undo(client, therapist, patient, exercises_catalog):
    client.force_login(therapist)
    response = client.post(
        f"/therapist/patients/{patient.pk}/routines/new/",
        {
            "title": "Knees",
            "start_date": "2026-12-01",
            "template_name": "",
            **_rows(
                rows=[
                    _row("squat", order=1),
                    _row("heel_raise", order=2, side="right"),
                    _row("", sets=1, reps="", per_week=3),
                ]
            ),
        },
    )
    routine = Routine.objects.get(title="Knees")
    assert response.status_code == 302
    assert response["Location"] == f"/therapist/patients/{patient.pk}/routines/{routine.pk}/edit/"
    squat, heel = routine.items.order_by("position")
    assert heel.side == "right"
    # remove the squat (Remove box), change the heel raise's reps
    response = client.post(
        f"/therapist/patients/{patient.pk}/routines/{routine.pk}/edit/",
        {
            "title": "Knees",
            "start_date": "2026-12-01",
            "template_name": "",
            **_rows(
                rows=[
                    _row("squat", id=squat.pk, order=1, delete=True),
                    _row("heel_raise", id=heel.pk, reps=12, side="right", order=2),
                ],
                initial=2,
            ),
        },
    )
    assert response.status_code == 302 and f"removed={squat.pk}" in response["Location"]
    current = routine.items.filter(retired_at=None).get()
    assert (current.exercise.slug, current.reps, current.replaces_id) == ("heel_raise", 12, heel.pk)
    page = client.get(response["Location"])
    assert "Removed Squat." in page.content.decode()
    client.post(f"/therapist/patients/{patient.pk}/routines/{routine.pk}/items/{squat.pk}/restore/")
    assert sorted(
        routine.items.filter(retired_at=None).values_list("exercise__slug", flat=True)
    ) == ["heel_raise", "squat"]


def test_invalid_rows_keep_what_was_typed_with_an_error_per_row(
    client, therapist, patient, exercises_catalog
):
    client.force_login(therapist)
    response = client.post(
        f"/therapist/patients/{patient.pk}/routines/new/",
        {
            "title": "Knees",
            "start_date": "2026-12-01",
            "template_name": "",
            **_rows(
                rows=[
                    _row("squat", sets=0, notes="slowly please", order=1),
                    _row("tandem_stance", reps=3, hold="", order=2),
                ]
            ),
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert not Routine.objects.filter(title="Knees").exists()
    assert 'id="id_rows-0-sets-error"' in body and "greater than or equal to 1" in body
    assert 'id="id_rows-1-hold_seconds-error"' in body and "needs a hold time" in body
    assert 'value="slowly please"' in body and 'name="rows-0-sets" value="0"' in body


def test_save_as_template_for_the_clinic(client, therapist, patient, exercises_catalog):
    therapist.clinic = Clinic.objects.create(name="North")
    therapist.save()
    client.force_login(therapist)
    client.post(
        f"/therapist/patients/{patient.pk}/routines/new/",
        {
            "title": "Knees",
            "start_date": "2026-12-01",
            "template_name": "Our knee start",
            **_rows(rows=[_row("squat", reps=7, order=1)]),
        },
    )
    template = RoutineTemplate.objects.get(name="Our knee start")
    assert template.clinic == therapist.clinic and template.items.get().reps == 7


def test_end_asks_first_then_offers_undo(client, therapist, patient, routine):
    client.force_login(therapist)
    confirm = client.get(f"/therapist/routines/{routine.pk}/end/")
    assert confirm.status_code == 200 and "Yes, end the routine" in confirm.content.decode()
    routine.refresh_from_db()
    assert routine.end_date is None  # the GET changed nothing
    client.post(f"/therapist/routines/{routine.pk}/end/")
    routine.refresh_from_db()
    assert routine.end_date == timezone.localdate()
    page = client.get(f"/therapist/patients/{patient.pk}/").content.decode()
    assert f"Ended {timezone.localdate():%-d %b}" in page and "Undo" in page
    client.post(f"/therapist/routines/{routine.pk}/reopen/")
    routine.refresh_from_db()
    assert routine.end_date is None


def test_future_routine_is_labelled(client, therapist, patient, exercises_catalog):
    start = timezone.localdate() + dt.timedelta(days=2)
    routine_save(
        routine=None,
        patient=patient,
        therapist=therapist,
        title="Later",
        start_date=start,
        items=[{"exercise": exercises_catalog["squat"]}],
    )
    client.force_login(therapist)
    page = client.get(f"/therapist/patients/{patient.pk}/").content.decode()
    assert f"Starts {start:%-d %b}" in page


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("therapist", 200), ("patient", 403), ("other_therapist", 404), ("other_patient", 403)],
)
def test_builder_pages_permissions(client, users, routine, who, expected):
    patient = users["patient"]
    client.force_login(users[who])
    item = routine.items.get()
    urls = [
        f"/therapist/patients/{patient.pk}/routines/new/",
        f"/therapist/patients/{patient.pk}/routines/{routine.pk}/edit/",
        f"/therapist/routines/{routine.pk}/end/",
    ]
    for url in urls:
        assert client.get(url).status_code == expected, url
    posts = [
        f"/therapist/patients/{patient.pk}/routines/{routine.pk}/edit/",
        f"/therapist/patients/{patient.pk}/routines/{routine.pk}/items/{item.pk}/restore/",
        f"/therapist/routines/{routine.pk}/reopen/",
    ]
    for url in posts:
        status = client.post(url, {}).status_code
        assert status == (expected if expected != 200 else status), url
    assert RoutineItem.objects.get(pk=item.pk).retired_at is None


def test_other_therapists_routine_under_my_patient_is_404(client, users, routine, other_routine):
    client.force_login(users["therapist"])
    url = f"/therapist/patients/{users['patient'].pk}/routines/{other_routine.pk}/edit/"
    assert client.get(url).status_code == 404
