"""A recording is sent with one Idempotency-Key for all its attempts: when the server accepted an
attempt but its answer was lost, the retry gets the same session back, never a second one."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.shared_data import require_testdata
from tests.support.synthetic import make_track, squat_poses

KEY = "0b7f9a2e-5d1c-4c39-9e55-4f6f0f2d8a11"


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    sent: list[int] = []
    monkeypatch.setattr("therapy.tasks.session_analyze_task.delay", sent.append)
    return sent


def _track_body(item) -> dict:
    track = make_track(squat_poses(np.full(45, 10.0)), scale=200.0)
    return {"routine_item": item.pk, "keypoints": track.to_json()}


def _post_track(client, item, key: str | None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/v1/sessions/", _track_body(item), format="json", **headers)


def test_a_retry_with_the_same_key_gets_the_same_session(
    routine, patient, api_client_for, django_capture_on_commit_callbacks, queued
):
    from therapy.models import ExerciseSession

    client, item = api_client_for(patient), routine.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        first = _post_track(client, item, KEY)
        again = _post_track(client, item, KEY)
    assert first.status_code == again.status_code == 202, (first.json(), again.json())
    assert again.json()["id"] == first.json()["id"]
    assert ExerciseSession.objects.count() == 1
    assert queued == [first.json()["id"]]  # analysed once

    with django_capture_on_commit_callbacks(execute=True):
        other = _post_track(client, item, KEY.replace("0b7f", "1c80"))
        unkeyed = [_post_track(client, item, None) for _ in range(2)]
    assert other.status_code == 202 and other.json()["id"] != first.json()["id"]
    assert len({r.json()["id"] for r in unkeyed}) == 2  # without a key, every post is new
    assert ExerciseSession.objects.count() == 4


def test_a_key_belongs_to_one_patient(
    routine, other_routine, patient, other_patient, api_client_for, queued
):
    from therapy.models import ExerciseSession

    mine = _post_track(api_client_for(patient), routine.items.get(), KEY)
    theirs = _post_track(api_client_for(other_patient), other_routine.items.get(), KEY)
    assert mine.status_code == theirs.status_code == 202
    assert mine.json()["id"] != theirs.json()["id"]  # never another patient's session
    assert ExerciseSession.objects.get(pk=theirs.json()["id"]).patient == other_patient


@pytest.mark.parametrize("key", ["short", "x" * 65, "has space inside", "semi;colon-1234"])
def test_a_malformed_key_is_refused_and_nothing_is_stored(
    routine, patient, api_client_for, queued, key
):
    from therapy.models import ExerciseSession

    response = _post_track(api_client_for(patient), routine.items.get(), key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert ExerciseSession.objects.count() == 0 and queued == []


def test_two_attempts_racing_past_the_lookup_still_make_one_session(
    routine, patient, monkeypatch, queued, media_root
):
    """The second of two concurrent attempts finds nothing at the lookup, then meets the unique
    constraint at the insert: it answers with the first session and drops its own stored file."""
    from therapy.models import ExerciseSession
    from therapy.services import sessions as service

    item = routine.items.get()
    track = _track_body(item)["keypoints"]
    first = service.session_create_from_track(
        patient=patient, routine_item=item, track=track, upload_key=KEY
    )
    real_lookup = service.session_for_upload_key
    calls: list[str] = []

    def lookup_missed_once(**kw):  # the race: the first attempt had not committed at lookup
        calls.append(kw["upload_key"])
        return None if len(calls) == 1 else real_lookup(**kw)

    monkeypatch.setattr(service, "session_for_upload_key", lookup_missed_once)
    second = service.session_create_from_track(
        patient=patient, routine_item=item, track=track, upload_key=KEY
    )
    assert second.pk == first.pk and len(calls) == 2
    assert ExerciseSession.objects.count() == 1
    stored = sorted(p.name for p in media_root.rglob("*.json"))
    assert stored == [first.uploaded_track.name.rsplit("/", 1)[-1]]


def test_a_clip_retry_is_not_stored_twice(
    routine, patient, api_client_for, django_capture_on_commit_callbacks, queued, media_root
):
    from therapy.models import ExerciseSession

    data = require_testdata("pose_1.mp4").read_bytes()
    client, item = api_client_for(patient), routine.items.get()
    answers = []
    for _ in range(2):
        clip = SimpleUploadedFile("recording.mp4", data, content_type="video/mp4")
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(
                client.post(
                    "/api/v1/sessions/",
                    {"routine_item": item.pk, "clip": clip},
                    format="multipart",
                    HTTP_IDEMPOTENCY_KEY=KEY,
                )
            )
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert ExerciseSession.objects.count() == 1
    assert len(list(media_root.rglob("*.mp4"))) == 1
