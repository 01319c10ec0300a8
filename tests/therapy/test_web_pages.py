"""Every web page against the four users and anonymous: a therapist sees only their own
patients, a patient only their own sessions; anonymous is sent to the login page, a wrong role
gets 403, someone else's object 404. Plus the routine builder, notes, CSV export and report."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support.sessions import make_clip_session, make_done_session
from therapy.models import Routine, RoutineItem, SessionNote, SessionStatus

pytestmark = pytest.mark.django_db

WHO = ["therapist", "patient", "other_therapist", "other_patient", "anonymous"]
LOGIN = "login"


@pytest.fixture
def world(users, routine, other_routine):
    item = routine.items.get()
    session = make_done_session(patient=users["patient"], routine_item=item)
    return {"routine": routine, "item": item, "session": session, **users}


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


# (name, method, url builder, data builder, expected per user in WHO order; LOGIN = redirect
# to the login page)
CASES = [
    ("home", "get", lambda w: "/", None, [302, 302, 302, 302, LOGIN]),
    ("patient today", "get", lambda w: "/patient/", None, [403, 200, 403, 200, LOGIN]),
    (
        "patient exercise",
        "get",
        lambda w: f"/patient/exercise/{w['item'].pk}/",
        None,
        [403, 200, 403, 404, LOGIN],
    ),
    ("patient history", "get", lambda w: "/patient/history/", None, [403, 200, 403, 200, LOGIN]),
    (
        "patient session",
        "get",
        lambda w: f"/patient/sessions/{w['session'].pk}/",
        None,
        [403, 200, 403, 404, LOGIN],
    ),
    (
        "patient feedback",
        "post",
        lambda w: f"/patient/sessions/{w['session'].pk}/",
        lambda w: {"pain_score": "4", "comment": "ok"},
        [403, 302, 403, 404, LOGIN],
    ),
    ("patient settings", "get", lambda w: "/patient/settings/", None, [403, 200, 403, 200, LOGIN]),
    ("dashboard", "get", lambda w: "/therapist/", None, [200, 403, 200, 403, LOGIN]),
    (
        "patient add",
        "post",
        lambda w: "/therapist/patients/add/",
        lambda w: {
            "add-first_name": "New",
            "add-last_name": "Person",
            "add-email": f"new-{w['therapist'].pk}-{len(w)}@example.org",
        },
        [302, 403, 302, 403, LOGIN],
    ),
    (
        "therapist patient",
        "get",
        lambda w: f"/therapist/patients/{w['patient'].pk}/",
        None,
        [200, 403, 404, 403, LOGIN],
    ),
    (
        "routine create",
        "post",
        lambda w: f"/therapist/patients/{w['patient'].pk}/routines/",
        lambda w: {
            "new-title": "More",
            "new-exercise": "squat",
            "new-sets": "1",
            "new-per_week": "2",
        },
        [302, 403, 404, 403, LOGIN],
    ),
    (
        "privacy",
        "post",
        lambda w: f"/therapist/patients/{w['patient'].pk}/privacy/",
        lambda w: {"privacy_mode": "on"},
        [302, 403, 404, 403, LOGIN],
    ),
    (
        "export csv",
        "get",
        lambda w: f"/therapist/patients/{w['patient'].pk}/export.csv",
        None,
        [200, 403, 404, 403, LOGIN],
    ),
    (
        "report",
        "get",
        lambda w: f"/therapist/patients/{w['patient'].pk}/report/",
        None,
        [200, 403, 404, 403, LOGIN],
    ),
    (
        "item add",
        "post",
        lambda w: f"/therapist/routines/{w['routine'].pk}/items/",
        lambda w: {
            f"add-{w['routine'].pk}-exercise": "squat",
            f"add-{w['routine'].pk}-sets": "1",
            f"add-{w['routine'].pk}-per_week": "2",
        },
        [302, 403, 404, 403, LOGIN],
    ),
    (
        "item edit",
        "post",
        lambda w: f"/therapist/routines/{w['routine'].pk}/items/{w['item'].pk}/",
        lambda w: {
            f"item-{w['item'].pk}-sets": "2",
            f"item-{w['item'].pk}-reps": "8",
            f"item-{w['item'].pk}-per_week": "3",
            "action": "save",
        },
        [302, 403, 404, 403, LOGIN],
    ),
    (
        "routine end",
        "post",
        lambda w: f"/therapist/routines/{w['routine'].pk}/end/",
        None,
        [302, 403, 404, 403, LOGIN],
    ),
    (
        "session review",
        "get",
        lambda w: f"/therapist/sessions/{w['session'].pk}/",
        None,
        [200, 403, 404, 403, LOGIN],
    ),
    (
        "session note",
        "post",
        lambda w: f"/therapist/sessions/{w['session'].pk}/notes/",
        lambda w: {"text": "Good form", "at_seconds": "1.5"},
        [302, 403, 404, 403, LOGIN],
    ),
    (
        "session clip",
        "get",
        lambda w: f"/sessions/{w['session'].pk}/clip/",
        None,
        [200, 200, 404, 404, LOGIN],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("who", WHO)
def test_page_permissions(client, world, case, who):
    name, method, url, data, expected = case
    want = expected[WHO.index(who)]
    client = _client(client, world[who])
    response = getattr(client, method)(url(world), data=data(world) if data else None)
    if want == LOGIN:
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name
    else:
        assert response.status_code == want, (name, who, response.status_code)


def test_home_sends_each_role_to_its_pages(client, world):
    assert _client(client, world["therapist"]).get("/")["Location"] == "/therapist/"
    client.logout()
    assert _client(client, world["patient"]).get("/")["Location"] == "/patient/"


def test_login_page_signs_in(client, world):
    from tests.support.shared_data import PASSWORD

    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "patient", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_wrong_user_sees_no_data_in_dashboard(client, world):
    body = _client(client, world["other_therapist"]).get("/therapist/").content.decode()
    assert "Other-Patient" in body
    assert f"/therapist/patients/{world['patient'].pk}/" not in body


def test_today_shows_dose_view_and_week_progress(client, world):
    body = _client(client, world["patient"]).get("/patient/").content.decode()
    assert "Shoulder Abduction" in body or "Shoulder abduction" in body
    assert "1 of 3 this week" in body
    assert "Phone in front of you" in body and "<svg" in body
    assert f"/patient/exercise/{world['item'].pk}/" in body


def test_exercise_page_has_no_inline_script_or_style(client, world):
    body = (
        _client(client, world["patient"])
        .get(f"/patient/exercise/{world['item'].pk}/")
        .content.decode()
    )
    import re

    scripts = re.findall(r"<script([^>]*)>", body)
    assert scripts and all("src=" in s or 'type="application/json"' in s for s in scripts)
    assert " style=" not in body and "onclick" not in body
    assert 'id="live-config"' in body and "movenet-lightning.json" in body


def test_routine_builder_create_add_edit_remove_end(client, world, exercises_catalog):
    patient = world["patient"]
    c = _client(client, world["therapist"])
    c.post(
        f"/therapist/patients/{patient.pk}/routines/",
        {
            "new-title": "Knees",
            "new-exercise": "squat",
            "new-sets": "2",
            "new-reps": "12",
            "new-per_week": "4",
        },
    )
    routine = Routine.objects.get(title="Knees")
    item = routine.items.get()
    assert (item.exercise.slug, item.sets, item.reps, item.per_week) == ("squat", 2, 12, 4)
    c.post(
        f"/therapist/routines/{routine.pk}/items/",
        {
            f"add-{routine.pk}-exercise": "heel_raise",
            f"add-{routine.pk}-sets": "3",
            f"add-{routine.pk}-reps": "15",
            f"add-{routine.pk}-per_week": "5",
        },
    )
    assert routine.items.filter(retired_at=None).count() == 2
    c.post(
        f"/therapist/routines/{routine.pk}/items/{item.pk}/",
        {
            f"item-{item.pk}-sets": "3",
            f"item-{item.pk}-reps": "10",
            f"item-{item.pk}-per_week": "4",
            "action": "save",
        },
    )
    item.refresh_from_db()
    assert item.retired_at is not None  # the dose change keeps history
    new = RoutineItem.objects.get(replaces=item)
    assert (new.sets, new.reps) == (3, 10)
    c.post(f"/therapist/routines/{routine.pk}/items/{new.pk}/", {"action": "remove"})
    assert [i.exercise.slug for i in routine.items.filter(retired_at=None)] == ["heel_raise"]
    c.post(f"/therapist/routines/{routine.pk}/end/")
    routine.refresh_from_db()
    assert routine.end_date is not None


def test_other_therapist_cannot_change_routine(client, world):
    routine = world["routine"]
    _client(client, world["other_therapist"]).post(f"/therapist/routines/{routine.pk}/end/")
    routine.refresh_from_db()
    assert routine.end_date is None


def test_note_pinned_to_a_moment_is_shown(client, world):
    c = _client(client, world["therapist"])
    c.post(
        f"/therapist/sessions/{world['session'].pk}/notes/",
        {"text": "Elbow bends at the top", "at_seconds": "2.25"},
    )
    note = SessionNote.objects.get()
    assert (note.at_seconds, note.author) == (2.25, world["therapist"])
    body = c.get(f"/therapist/sessions/{world['session'].pk}/").content.decode()
    assert "Elbow bends at the top" in body and 'data-seek="2.25"' in body


def test_session_review_shows_reps_norms_and_quality(client, world):
    body = (
        _client(client, world["therapist"])
        .get(f"/therapist/sessions/{world['session'].pk}/")
        .content.decode()
    )
    assert 'data-testid="rep-table"' in body and "160°" in body  # peak 159.7°
    assert "Normal active shoulder abduction" in body
    assert 'id="angle-chart"' in body and 'id="series-data"' in body


def test_patient_feedback_saves_pain(client, world):
    _client(client, world["patient"]).post(
        f"/patient/sessions/{world['session'].pk}/", {"pain_score": "6", "comment": "sore"}
    )
    world["session"].refresh_from_db()
    assert (world["session"].pain_score, world["session"].comment) == (6, "sore")


def test_patient_privacy_setting(client, world):
    c = _client(client, world["patient"])
    c.post("/patient/settings/", {"privacy_mode": "on"})
    world["patient"].refresh_from_db()
    assert world["patient"].privacy_mode is True
    body = c.get(f"/patient/exercise/{world['item'].pk}/").content.decode()
    assert '"privacyMode": true' in body and "no video leaves the device" in body


def test_csv_export(client, world):
    world["session"].comment = "=HYPERLINK(evil)"
    world["session"].pain_score = 3
    world["session"].save()
    response = _client(client, world["therapist"]).get(
        f"/therapist/patients/{world['patient'].pk}/export.csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["exercise"] == "shoulder_abduction"
    assert row["repetitions"] == "1" and row["peak_angle_deg"] == "159.7"
    assert row["pain_0_10"] == "3" and row["status"] == SessionStatus.DONE
    assert row["comment"] == "'=HYPERLINK(evil)"  # no formula injection


def test_print_report(client, world):
    body = (
        _client(client, world["therapist"])
        .get(f"/therapist/patients/{world['patient'].pk}/report/")
        .content.decode()
    )
    assert "Progress report" in body and "Shoulder rehab" in body
    assert "Adherence by week" in body
    assert 'id="print-report"' in body


def test_dashboard_flags(client, world):
    from datetime import timedelta

    from django.utils import timezone

    item = world["item"]
    for pain in (2, 4, 6):
        s = make_clip_session(
            patient=world["patient"], routine_item=item, status=SessionStatus.FAILED
        )
        s.pain_score = pain
        s.save()
    world["routine"].start_date = timezone.localdate() - timedelta(days=10)
    world["routine"].save()
    body = _client(client, world["therapist"]).get("/therapist/").content.decode()
    assert "Pain rising" in body and "2 → 4 → 6" in body
    assert "Quality problems" in body


def test_therapist_pages_leave_an_audit_trail(client, world):
    from therapy.models import AuditEvent

    c = _client(client, world["therapist"])
    patient = world["patient"]
    c.get(f"/therapist/patients/{patient.pk}/")
    c.get(f"/therapist/sessions/{world['session'].pk}/")
    c.get(f"/therapist/patients/{patient.pk}/export.csv")
    c.get(f"/therapist/patients/{patient.pk}/report/")
    events = list(
        AuditEvent.objects.filter(patient=patient).values_list("actor_username", "action", "target")
    )
    who = world["therapist"].username
    assert (who, "view", "patient") in events
    assert (who, "view", "session") in events
    assert (who, "download", "patient_export") in events
    assert (who, "view", "patient_report") in events
    # Another therapist's refused attempt records nothing about this patient.
    before = AuditEvent.objects.filter(patient=patient).count()
    client.force_login(world["other_therapist"])
    assert client.get(f"/therapist/patients/{patient.pk}/").status_code == 404
    assert AuditEvent.objects.filter(patient=patient).count() == before


def test_therapist_adds_a_patient_from_the_dashboard(client, world):
    from therapy.models import User

    c = _client(client, world["therapist"])
    assert b"Add a patient" in c.get("/therapist/").content
    form = {"add-first_name": "Ada", "add-last_name": "Lovelace", "add-email": "ada@example.org"}
    response = c.post("/therapist/patients/add/", form)
    ada = User.objects.get(email="ada@example.org")
    assert response.status_code == 302 and response["Location"] == f"/therapist/patients/{ada.pk}/"
    assert ada.is_patient and ada.therapist == world["therapist"]
    assert ada.username == "ada" and not ada.has_usable_password()  # invited: sets their own
    again = c.post("/therapist/patients/add/", form | {"add-last_name": "L"})
    assert again.status_code == 400 and b"already uses this email address" in again.content
    assert User.objects.filter(email="ada@example.org").count() == 1


@pytest.mark.parametrize(
    "name,label",
    [
        ("mean_shoulder_abduction", "Shoulder abduction (both sides, mean)"),
        ("left_knee_flexion", "Left knee flexion"),
        (None, "Primary angle"),
    ],
)
def test_measure_names_are_shown_in_words(name, label):
    from therapy.selectors.results import measure_label

    assert measure_label(name) == label
