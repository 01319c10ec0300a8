"""Every endpoint against the four users and anonymous: a therapist sees only their patients'
data, a patient only their own, anyone else gets 404 (or 401/403 for a wrong role)."""

from __future__ import annotations

import itertools

import pytest

from exercises.services import exercise_create_custom
from tests.support.sessions import MP4_HEADER, make_done_session

pytestmark = pytest.mark.django_db

_serial = itertools.count()
WHO = ["therapist", "patient", "other_therapist", "other_patient", "anonymous"]


@pytest.fixture
def world(users, routine, other_routine, exercises_catalog):
    therapist, patient = users["therapist"], users["patient"]
    item = routine.items.get()
    session = make_done_session(patient=patient, routine_item=item)
    custom = exercise_create_custom(
        therapist=therapist, base=exercises_catalog["shoulder_abduction"], name="Wall slide"
    )
    return {"routine": routine, "item": item, "session": session, "custom": custom, **users}


def _status(api_client_for, user, method, url, data=None, fmt="json"):
    client = api_client_for(user)
    response = getattr(client, method)(url, data=data, format=fmt)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code


# (name, method, url builder, data builder, expected status per user in WHO order)
CASES = [
    ("exercise list", "get", lambda w: "/api/v1/exercises/", None, [200, 200, 200, 200, 401]),
    (
        "exercise create",
        "post",
        lambda w: "/api/v1/exercises/",
        lambda w: {"base": "shoulder_abduction", "name": "Variant"},
        [201, 403, 201, 403, 401],
    ),
    (
        "custom exercise",
        "get",
        lambda w: f"/api/v1/exercises/{w['custom'].slug}/",
        None,
        [200, 200, 404, 404, 401],
    ),
    ("patient list", "get", lambda w: "/api/v1/patients/", None, [200, 403, 200, 403, 401]),
    (
        "patient create",
        "post",
        lambda w: "/api/v1/patients/",
        lambda w: {"first_name": "New", "last_name": "Bie", "email": f"new{next(_serial)}@a.org"},
        [201, 403, 201, 403, 401],
    ),
    (
        "patient invite resend",
        "post",
        lambda w: f"/api/v1/patients/{w['patient'].pk}/invite/",
        None,
        # The therapist's 400: this patient has a password and no email (tests/api).
        [400, 403, 404, 403, 401],
    ),
    (
        "patient detail",
        "get",
        lambda w: f"/api/v1/patients/{w['patient'].pk}/",
        None,
        [200, 403, 404, 403, 401],
    ),
    (
        "patient adherence",
        "get",
        lambda w: f"/api/v1/patients/{w['patient'].pk}/adherence/",
        None,
        [200, 403, 404, 403, 401],
    ),
    ("routine list", "get", lambda w: "/api/v1/routines/", None, [200, 200, 200, 200, 401]),
    (
        "routine create",
        "post",
        lambda w: "/api/v1/routines/",
        lambda w: {
            "patient": w["patient"].pk,
            "title": "New",
            "items": [{"exercise": "squat", "reps": 8, "per_week": 2}],
        },
        [201, 403, 400, 403, 401],
    ),
    (
        "routine detail",
        "get",
        lambda w: f"/api/v1/routines/{w['routine'].pk}/",
        None,
        [200, 200, 404, 404, 401],
    ),
    (
        "routine update",
        "patch",
        lambda w: f"/api/v1/routines/{w['routine'].pk}/",
        lambda w: {"title": "Renamed"},
        [200, 403, 404, 403, 401],
    ),
    (
        "routine history",
        "get",
        lambda w: f"/api/v1/routines/{w['routine'].pk}/history/",
        None,
        [200, 200, 404, 404, 401],
    ),
    ("session list", "get", lambda w: "/api/v1/sessions/", None, [200, 200, 200, 200, 401]),
    (
        "session detail",
        "get",
        lambda w: f"/api/v1/sessions/{w['session'].pk}/",
        None,
        [200, 200, 404, 404, 401],
    ),
    (
        "session feedback",
        "patch",
        lambda w: f"/api/v1/sessions/{w['session'].pk}/",
        lambda w: {"pain_score": 3},
        [403, 200, 403, 404, 401],
    ),
    (
        "session series",
        "get",
        lambda w: f"/api/v1/sessions/{w['session'].pk}/series/",
        None,
        [200, 200, 404, 404, 401],
    ),
    (
        "session track",
        "get",
        lambda w: f"/api/v1/sessions/{w['session'].pk}/track/",
        None,
        [200, 200, 404, 404, 401],
    ),
    (
        "session clip",
        "get",
        lambda w: f"/api/v1/sessions/{w['session'].pk}/clip/",
        None,
        [200, 200, 404, 404, 401],
    ),
    ("logout", "post", lambda w: "/api/v1/auth/logout/", None, [204, 204, 204, 204, 401]),
    ("logout all", "post", lambda w: "/api/v1/auth/logout-all/", None, [204, 204, 204, 204, 401]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_endpoint_permissions(case, world, api_client_for):
    _, method, url, data, expected = case
    got = [
        _status(api_client_for, world[who], method, url(world), data(world) if data else None)
        for who in WHO
    ]
    assert dict(zip(WHO, got, strict=True)) == dict(zip(WHO, expected, strict=True))


def test_session_upload_permissions(world, api_client_for):
    """Only the item's own patient may upload; a therapist's upload is refused by role."""
    item = world["item"]
    expected = {
        "therapist": 403,
        "patient": 202,
        "other_therapist": 403,
        "other_patient": 400,
        "anonymous": 401,
    }
    for who, code in expected.items():
        clip = _clip_file()
        response = api_client_for(world[who]).post(
            "/api/v1/sessions/", {"routine_item": item.pk, "clip": clip}, format="multipart"
        )
        assert response.status_code == code, (who, response.content)


def test_lists_are_scoped(world, api_client_for, other_routine):
    def ids(user, url):
        return {row["id"] for row in api_client_for(user).get(url).json()["results"]}

    assert ids(world["therapist"], "/api/v1/patients/") == {world["patient"].pk}
    assert ids(world["other_therapist"], "/api/v1/patients/") == {world["other_patient"].pk}
    assert ids(world["patient"], "/api/v1/routines/") == {world["routine"].pk}
    assert ids(world["other_therapist"], "/api/v1/routines/") == {other_routine.pk}
    assert ids(world["therapist"], "/api/v1/sessions/") == {world["session"].pk}
    assert ids(world["other_patient"], "/api/v1/sessions/") == set()
    slugs = {
        row["slug"]
        for row in api_client_for(world["other_patient"])
        .get("/api/v1/exercises/?page_size=500")
        .json()["results"]
    }
    assert world["custom"].slug not in slugs


def test_web_clip_view_permissions(world, client):
    url = f"/sessions/{world['session'].pk}/clip/"
    assert client.get(url).status_code == 302  # to the login page
    for who, code in [
        ("therapist", 200),
        ("patient", 200),
        ("other_therapist", 404),
        ("other_patient", 404),
    ]:
        client.force_login(world[who])
        response = client.get(url)
        assert response.status_code == code, who
        if code == 200:
            assert b"".join(response.streaming_content).startswith(MP4_HEADER)
            assert response["Cache-Control"] == "private, no-store"
        client.logout()


def test_healthz_and_schema_are_public(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)


def _clip_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("clip.mp4", MP4_HEADER + b"\x00" * 100, content_type="video/mp4")
