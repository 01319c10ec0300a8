"""API behaviour beyond permissions: shapes, uploads that must be refused, tokens, routines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from tests.support.sessions import MP4_HEADER
from therapy.models import ApiToken, ExerciseSession, RoutineItem, SessionStatus

pytestmark = pytest.mark.django_db


def test_token_login_expiry_and_logout(patient, settings):
    client = APIClient()
    bad = client.post(
        "/api/v1/auth/token/", {"username": "patient", "password": "nope"}, format="json"
    )
    assert bad.status_code == 400
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "patient", "password": "correct-horse-battery-staple"},
        format="json",
    )
    assert response.status_code == 200
    key = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/routines/").status_code == 200
    assert not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is stored

    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/routines/").status_code == 401

    # Expired tokens are refused.
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "patient", "password": "correct-horse-battery-staple"},
        format="json",
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    ApiToken.objects.filter(user=patient).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/routines/").status_code == 401


def test_logout_all_revokes_every_token(patient, api_client_for):
    first, second = api_client_for(patient), api_client_for(patient)
    assert first.post("/api/v1/auth/logout-all/").status_code == 204
    assert second.get("/api/v1/routines/").status_code == 401


def test_therapist_creates_patient_and_routine(therapist, api_client_for, exercises_catalog):
    client = api_client_for(therapist)
    ann = {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.org"}
    response = client.post("/api/v1/patients/", ann, format="json")
    assert response.status_code == 201, response.content
    patient_id = response.json()["id"]
    taken = client.post("/api/v1/patients/", ann | {"first_name": "Bob"}, format="json")
    assert taken.status_code == 400 and "email" in taken.json()

    response = client.post(
        "/api/v1/routines/",
        {
            "patient": patient_id,
            "title": "Knee",
            "items": [
                {"exercise": "squat", "sets": 3, "reps": 10, "per_week": 3},
                {"exercise": "single_leg_stance", "hold_seconds": 30, "per_week": 5},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [i["exercise"] for i in body["items"]] == ["squat", "single_leg_stance"]
    assert all(isinstance(i["id"], int) for i in body["items"])

    listing = client.get("/api/v1/patients/").json()
    assert listing["count"] == 1 and {"next", "previous", "results"} <= set(listing)
    adherence = listing["results"][0]["adherence"]
    assert adherence["prescribed"] == 8 and adherence["done"] == 0 and adherence["ratio"] == 0

    unknown = client.post(
        "/api/v1/routines/",
        {"patient": patient_id, "title": "X", "items": [{"exercise": "nope"}]},
        format="json",
    )
    assert unknown.status_code == 400


def test_routine_change_keeps_history(routine, therapist, patient, api_client_for):
    old_item = routine.items.get()
    ExerciseSession.objects.create(patient=patient, routine_item=old_item, source="clip")
    client = api_client_for(therapist)
    response = client.patch(
        f"/api/v1/routines/{routine.pk}/",
        {
            "items": [
                {"id": old_item.pk, "exercise": "shoulder_abduction", "reps": 15, "per_week": 4}
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    [new] = response.json()["items"]
    assert new["id"] != old_item.pk and new["reps"] == 15
    old_item.refresh_from_db()
    assert old_item.retired_at is not None
    assert RoutineItem.objects.get(pk=new["id"]).replaces_id == old_item.pk
    assert ExerciseSession.objects.get().routine_item_id == old_item.pk  # history kept
    history = client.get(f"/api/v1/routines/{routine.pk}/history/").json()
    assert history["count"] == 2
    assert history["results"][0]["snapshot"]["items"][0]["reps"] == 15
    assert history["results"][1]["snapshot"]["items"][0]["reps"] == 10


def _upload(client, item, data: bytes, name="clip.mp4"):
    clip = SimpleUploadedFile(name, data, content_type="video/mp4")
    return client.post(
        "/api/v1/sessions/", {"routine_item": item.pk, "clip": clip}, format="multipart"
    )


def test_bad_uploads_are_refused_with_a_reason(routine, patient, api_client_for, settings):
    client = api_client_for(patient)
    item = routine.items.get()

    empty = _upload(client, item, b"")
    assert empty.status_code == 400 and "empty" in str(empty.json()).lower()

    text = _upload(client, item, b"hello, I am not a video\n" * 50)
    assert text.status_code == 400 and "not a video" in str(text.json())

    settings.MAX_CLIP_BYTES = 10_000
    big = _upload(client, item, MP4_HEADER + b"\x00" * 20_000)
    assert big.status_code == 413 and "too large" in big.json()["detail"]
    assert ExerciseSession.objects.count() == 0

    bad_track = client.post(
        "/api/v1/sessions/",
        {
            "routine_item": item.pk,
            "keypoints": {
                "video": {"width": 10, "height": 10},
                "timestamps": [0, 1],
                "keypoints": [[1, 2]],
            },
        },
        format="json",
    )
    assert bad_track.status_code == 400 and "keypoints" in bad_track.json()

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    huge_track = client.post(
        "/api/v1/sessions/",
        {"routine_item": item.pk, "keypoints": {"timestamps": list(range(500))}},
        format="json",
    )
    assert huge_track.status_code == 413


def test_privacy_mode_refuses_video_on_the_server_too(routine, patient, api_client_for):
    patient.privacy_mode = True
    patient.save(update_fields=["privacy_mode"])
    response = _upload(api_client_for(patient), routine.items.get(), MP4_HEADER + b"\x00" * 2000)
    assert response.status_code == 400
    assert "Privacy mode is on" in str(response.json())
    assert ExerciseSession.objects.count() == 0


def test_upload_handler_stops_lying_content_length(routine, patient, settings, rf):
    """The streaming check catches a file bigger than the limit even without Content-Length."""
    from django.core.files.uploadhandler import StopUpload

    from therapy.uploads import SizeLimitedUploadHandler

    settings.MAX_CLIP_BYTES = 100
    request = rf.post("/")
    handler = SizeLimitedUploadHandler(request)
    handler.new_file("clip", "clip.mp4", "video/mp4", None)
    handler.receive_data_chunk(b"x" * 64, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 64, 64)
    assert request.upload_too_large


def test_session_upload_and_feedback(
    routine, patient, api_client_for, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("therapy.tasks.session_analyze_task.delay", queued.append)
    client = api_client_for(patient)
    item = routine.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, item, MP4_HEADER + b"\x00" * 100)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == SessionStatus.QUEUED and body["result"] is None
    assert queued == [body["id"]]
    session = ExerciseSession.objects.get()
    assert session.clip.name.startswith("clips/") and "clip" not in session.clip.name[6:]
    patched = client.patch(f"/api/v1/sessions/{body['id']}/", {"pain_score": 11}, format="json")
    assert patched.status_code == 400
    patched = client.patch(
        f"/api/v1/sessions/{body['id']}/", {"pain_score": 4, "comment": "ok"}, format="json"
    )
    assert patched.json()["pain_score"] == 4


def test_custom_exercise(therapist, api_client_for, exercises_catalog):
    client = api_client_for(therapist)
    response = client.post(
        "/api/v1/exercises/",
        {
            "base": "squat",
            "name": "Shallow squat",
            "params": {"min_range": 15},
            "instructions": "Only halfway down.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["protocol"] == "reps_on_angle" and body["base"] == "squat"
    assert body["params"]["min_range"] == 15
    assert body["params"]["joint"] == exercises_catalog["squat"].params["joint"]
    bad = client.post(
        "/api/v1/exercises/",
        {"base": "squat", "name": "X", "params": {"rocket": 1}},
        format="json",
    )
    assert bad.status_code == 400 and "rocket" in str(bad.json())


@pytest.mark.parametrize(
    "params, message",
    [
        ({"joint": "</script><script>alert(1)</script>"}, "joint must be one of: knee_flexion"),
        ({"side": "middle"}, "side must be one of: left, right, both, best"),
        ({"enter": 100}, "give both 'enter' and 'exit' thresholds, or neither"),
    ],
)
def test_custom_exercise_params_the_engine_refuses_are_a_400(
    therapist, api_client_for, exercises_catalog, params, message
):
    from exercises.models import Exercise

    client = api_client_for(therapist)
    response = client.post(
        "/api/v1/exercises/", {"base": "squat", "name": "Bad", "params": params}, format="json"
    )
    assert response.status_code == 400, response.content
    assert message in str(response.json()["params"])
    assert not Exercise.objects.filter(is_builtin=False).exists()


def test_session_result_has_summary_and_its_deprecated_alias(patient, routine, api_client_for):
    from tests.support.sessions import make_done_session, recorded_result

    session = make_done_session(patient=patient, routine_item=routine.items.get())
    result = api_client_for(patient).get(f"/api/v1/sessions/{session.pk}/").json()["result"]
    assert result["summary"] == recorded_result().measures.summary.to_json()
    assert result["angles_summary"] == result["summary"]
    assert result["rep_count"] == 1


def test_schema_marks_angles_summary_deprecated(api_client_for, therapist):
    import yaml

    response = api_client_for(therapist).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    props = schema["components"]["schemas"]["ResultOut"]["properties"]
    assert props["angles_summary"]["deprecated"] is True and props["angles_summary"]["readOnly"]
    assert "Deprecated alias of summary" in props["angles_summary"]["description"]
    assert "summary" in props and props["rep_count"]["nullable"] is True
