"""Bad input, each case a test: the answer is a clear 4xx, or a session that ends ``failed``
with a specific reason; never a 500, never a file outside storage.

Clips are made here with PyAV; the analysis runs in-process (``session_analyze``), exactly as
the worker runs it.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.media import audio_only_clip, huge_clip, png_image, synthetic_clip
from therapy import services
from therapy.models import ExerciseSession, SessionStatus

pytestmark = pytest.mark.django_db
STORED_CLIP = re.compile(r"^clips/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z0-9]{1,5}$")


@pytest.fixture
def patient_client(api_client_for, patient):
    return api_client_for(patient)


def _upload(client, item, data: bytes, name: str = "clip.mp4", content_type: str = "video/mp4"):
    clip = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(
        "/api/v1/sessions/", {"routine_item": item.pk, "clip": clip}, format="multipart"
    )


def _analysed(response) -> ExerciseSession:
    """Run the analysis of an accepted upload, as the worker does, and return the session."""
    assert response.status_code == 202, response.content
    session_id = response.json()["id"]
    services.session_analyze(session_id=session_id)
    return ExerciseSession.objects.get(pk=session_id)


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# --- Refused at once (4xx) ---------------------------------------------------------------


def test_zero_bytes_is_refused(patient_client, item):
    response = _upload(patient_client, item, b"")
    assert response.status_code == 400
    assert "empty" in response.json()["clip"][0]
    assert ExerciseSession.objects.count() == 0


def test_text_renamed_mp4_is_refused(patient_client, item):
    response = _upload(patient_client, item, b"just some notes, not a video\n" * 20)
    assert response.status_code == 400
    assert "not a video" in response.json()["clip"][0]


def test_an_image_is_refused(patient_client, item, tmp_path):
    png = png_image(tmp_path / "photo.png").read_bytes()
    for name, content_type in [("photo.png", "image/png"), ("photo.mp4", "video/mp4")]:
        response = _upload(patient_client, item, png, name, content_type)
        assert response.status_code == 400, name
        assert "not a video" in response.json()["clip"][0]
    assert ExerciseSession.objects.count() == 0


class CountingInput(io.BytesIO):
    """A request body that records how much of it the server read."""

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read = getattr(self, "bytes_read", 0) + len(data)
        return data

    readline = read


def _multipart(item_id: int, payload: bytes, boundary: str = "BoUnDaRy") -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="routine_item"\r\n\r\n'
            f'{item_id}\r\n--{boundary}\r\nContent-Disposition: form-data; name="clip"; '
            f'filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )


def test_clip_over_the_size_limit_is_refused_before_reading_the_body(
    patient_client, item, settings, media_root
):
    settings.MAX_CLIP_BYTES = 256 * 1024
    body = _multipart(item.pk, b"\x00\x00\x00\x18ftypisom" + b"\x00" * (2 * 1024 * 1024))
    stream = CountingInput(body)
    response = patient_client.generic(
        "POST",
        "/api/v1/sessions/",
        body,
        "multipart/form-data; boundary=BoUnDaRy",
        **{"wsgi.input": stream},
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert getattr(stream, "bytes_read", 0) == 0  # Content-Length alone decided
    assert ExerciseSession.objects.count() == 0 and not _files_under(media_root)


def test_clip_over_the_limit_within_the_form_allowance_stops_while_streaming(
    patient_client, item, settings, media_root
):
    """Content-Length leaves room for other fields; the upload handler stops the file."""
    settings.MAX_CLIP_BYTES = 256 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # force the temporary-file path
    payload = b"\x00\x00\x00\x18ftypisom" + b"\x00" * (256 * 1024 + 40 * 1024)
    body = _multipart(item.pk, payload)
    stream = CountingInput(body)
    response = patient_client.generic(
        "POST",
        "/api/v1/sessions/",
        body,
        "multipart/form-data; boundary=BoUnDaRy",
        **{"wsgi.input": stream},
    )
    assert response.status_code == 413
    # Django reads ahead by at most one 64 KB chunk past the point where the handler stopped.
    assert stream.bytes_read <= settings.MAX_CLIP_BYTES + 2 * 64 * 1024
    assert ExerciseSession.objects.count() == 0 and not _files_under(media_root)


# --- Accepted, then failed with a specific reason ----------------------------------------


def test_truncated_mp4_fails_with_a_reason(patient_client, item, tmp_path):
    whole = synthetic_clip(tmp_path / "whole.mp4", width=64, height=64, frames=30).read_bytes()
    session = _analysed(_upload(patient_client, item, whole[: len(whole) // 3]))
    assert session.status == SessionStatus.FAILED
    assert "not a video we can read" in session.error or "no frame" in session.error


def test_audio_only_fails_with_a_reason(patient_client, item, tmp_path):
    session = _analysed(
        _upload(patient_client, item, audio_only_clip(tmp_path / "voice.mp4").read_bytes())
    )
    assert session.status == SessionStatus.FAILED
    assert session.error == "the file has no video track (audio only)"


def test_video_with_no_person_fails_with_a_reason(patient_client, item, tmp_path):
    clip = synthetic_clip(tmp_path / "empty-room.mp4", width=96, height=96, frames=20)
    session = _analysed(_upload(patient_client, item, clip.read_bytes()))
    assert session.status == SessionStatus.FAILED
    assert session.error == services.NO_PERSON_ERROR
    assert not hasattr(session, "result") or session.result is None


def test_three_hour_video_fails_without_being_decoded(patient_client, item, tmp_path):
    clip = synthetic_clip(
        tmp_path / "3h.mp4", width=16, height=16, frames=2, seconds_between=3 * 3600
    )
    session = _analysed(_upload(patient_client, item, clip.read_bytes()))
    assert session.status == SessionStatus.FAILED
    assert re.match(r"the clip lasts 1080\d s; the longest accepted is \d+ s", session.error)


def test_huge_resolution_fails_with_a_reason(patient_client, item, tmp_path):
    session = _analysed(_upload(patient_client, item, huge_clip(tmp_path / "8k.mp4").read_bytes()))
    assert session.status == SessionStatus.FAILED
    assert "8000x8000" in session.error and "largest accepted side" in session.error


HOSTILE_NAMES = [
    "../../etc/passwd.mp4",
    "..\\..\\windows\\system32\\evil.mp4",
    "/etc/cron.d/job.mp4",
    "a\x00b.mp4",
    "x" * 300 + ".mp4",
    "clip.mp4.php",
    ".htaccess",
    "%2e%2e%2fescape.mp4",
    "名前.mp4",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_file_names_are_stored_under_a_random_name(
    patient_client, item, name, media_root, tmp_path
):
    outside_before = _files_under(tmp_path) - _files_under(media_root)
    response = _upload(patient_client, item, b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64, name)
    assert response.status_code in (202, 400), response.content
    outside_after = _files_under(tmp_path) - _files_under(media_root)
    assert outside_after == outside_before  # nothing written beside the storage
    if response.status_code == 202:
        session = ExerciseSession.objects.get(pk=response.json()["id"])
        assert STORED_CLIP.match(session.clip.name), session.clip.name
        stored = Path(session.clip.path).resolve()
        assert stored.is_relative_to(Path(media_root).resolve())
        assert stored.read_bytes().startswith(b"\x00\x00\x00\x18ftyp")


def test_a_hostile_content_type_is_not_echoed_back(patient_client, item):
    response = _upload(
        patient_client, item, b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64, "clip.mp4", "text/html"
    )
    assert response.status_code == 202
    clip = patient_client.get(f"/api/v1/sessions/{response.json()['id']}/clip/")
    assert clip["Content-Type"] == "video/mp4"
    assert clip["X-Content-Type-Options"] == "nosniff"
    b"".join(clip.streaming_content)


# --- Keypoint tracks ---------------------------------------------------------------------


def _track(frames: int = 10, **overrides) -> dict:
    track = {
        "video": {"width": 640, "height": 480},
        "timestamps": [i / 30 for i in range(frames)],
        "keypoints": [[[320.0, 240.0, 0.9]] * 17 for _ in range(frames)],
    }
    track.update(overrides)
    return track


def _post_track(client, item, track=None, raw: str | None = None):
    body = raw if raw is not None else json.dumps({"routine_item": item.pk, "keypoints": track})
    return client.generic("POST", "/api/v1/sessions/", body, "application/json")


def test_a_valid_track_is_accepted(patient_client, item):
    assert _post_track(patient_client, item, _track()).status_code == 202


BAD_TRACKS = {
    "16 joints": _track(keypoints=[[[1.0, 1.0, 0.9]] * 16 for _ in range(10)]),
    "2 values per joint": _track(keypoints=[[[1.0, 1.0]] * 17 for _ in range(10)]),
    "ragged frames": _track(keypoints=[[[1.0, 1.0, 0.9]] * (17 - i % 2) for i in range(10)]),
    "keypoints not a list": _track(keypoints="lots"),
    "strings for numbers": _track(keypoints=[[["a", "b", "c"]] * 17 for _ in range(10)]),
    "timestamps count": _track(timestamps=[0.0, 0.1]),
    "no frames": _track(frames=0),
    "timestamps backwards": _track(timestamps=[0.0, 0.1, 0.05] + [0.2 + i / 30 for i in range(7)]),
    "timestamps repeated": _track(timestamps=[0.0] * 10),
    "negative timestamps": _track(timestamps=[-5 + i / 30 for i in range(10)]),
    "nan as a string": _track(timestamps=["NaN"] * 10),
    "absurd frame size": _track(video={"width": 10**12, "height": 480}),
    "zero frame size": _track(video={"width": 0, "height": 480}),
    "score above one": _track(keypoints=[[[1.0, 1.0, 7.0]] * 17 for _ in range(10)]),
    "coordinates far outside": _track(keypoints=[[[1e9, 1.0, 0.9]] * 17 for _ in range(10)]),
    "no video": {"timestamps": [0.0], "keypoints": [[[1.0, 1.0, 0.9]] * 17]},
    "not an object": [1, 2, 3],
}


@pytest.mark.parametrize("name", list(BAD_TRACKS))
def test_bad_tracks_are_refused(patient_client, item, name):
    response = _post_track(patient_client, item, BAD_TRACKS[name])
    assert response.status_code == 400, (name, response.content)
    assert "keypoints" in response.json()
    assert ExerciseSession.objects.count() == 0


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_and_infinity_are_refused(patient_client, item, token):
    body = json.dumps({"routine_item": item.pk, "keypoints": _track()})
    body = body.replace('"timestamps": [0.0,', f'"timestamps": [{token},', 1)
    assert token in body
    response = _post_track(patient_client, item, raw=body)
    assert response.status_code == 400, response.content
    assert ExerciseSession.objects.count() == 0


def test_an_absurdly_large_track_is_refused_before_it_is_parsed(patient_client, item, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    response = _post_track(patient_client, item, _track(frames=2000))
    assert response.status_code == 413


def test_too_many_frames_are_refused(patient_client, item, monkeypatch):
    monkeypatch.setattr("pose.track.MAX_TRACK_FRAMES", 50)
    response = _post_track(patient_client, item, _track(frames=60))
    assert response.status_code == 400 and "too many frames" in str(response.json())


# --- The JSON API --------------------------------------------------------------------------


@pytest.fixture
def world(users, routine, item, other_routine):
    from tests.support.sessions import done_session

    return {
        **users,
        "session": done_session(users["patient"], item),
        "other_session": done_session(users["other_patient"], other_routine.items.get()),
        "routine": routine,
        "other_routine": other_routine,
    }


@pytest.mark.parametrize(
    ("who", "method", "url", "body"),
    [
        ("patient", "patch", "/api/v1/sessions/{session}/", '{"pain_score": 3'),
        ("patient", "post", "/api/v1/sessions/", "{routine_item: 1}"),
        ("therapist", "post", "/api/v1/routines/", "[1, 2"),
        ("therapist", "patch", "/api/v1/routines/{routine}/", "\x00\x01"),
        ("therapist", "post", "/api/v1/patients/", '{"first_name": "a", "email": "b"} trailing'),
        ("anonymous", "post", "/api/v1/auth/token/", "not json"),
    ],
)
def test_malformed_json_is_a_400(world, api_client_for, who, method, url, body):
    url = url.format(session=world["session"].pk, routine=world["routine"].pk)
    response = api_client_for(world[who]).generic(method.upper(), url, body, "application/json")
    assert response.status_code == 400, response.content
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "method", "url", "data", "field"),
    [
        ("patient", "patch", "/api/v1/sessions/{session}/", {"pain_score": "lots"}, "pain_score"),
        ("patient", "patch", "/api/v1/sessions/{session}/", {"pain_score": 11}, "pain_score"),
        ("patient", "patch", "/api/v1/sessions/{session}/", {"comment": ["a"]}, "comment"),
        (
            "patient",
            "post",
            "/api/v1/sessions/",
            {"routine_item": "x", "keypoints": {}},
            "routine_item",
        ),
        (
            "patient",
            "post",
            "/api/v1/sessions/",
            {"routine_item": 1, "keypoints": "[]"},
            "keypoints",
        ),
        (
            "therapist",
            "post",
            "/api/v1/routines/",
            {"patient": "me", "title": "T", "items": [{"exercise": "squat"}]},
            "patient",
        ),
        (
            "therapist",
            "post",
            "/api/v1/routines/",
            {"patient": 1, "title": "T", "items": "squat"},
            "items",
        ),
        ("therapist", "patch", "/api/v1/routines/{routine}/", {"end_date": "tomorrow"}, "end_date"),
        ("therapist", "post", "/api/v1/patients/", {"first_name": None, "email": 5}, "email"),
        ("therapist", "get", "/api/v1/patients/{patient}/adherence/?weeks=many", None, "weeks"),
    ],
)
def test_wrong_types_are_a_400_naming_the_field(
    world, api_client_for, who, method, url, data, field
):
    url = url.format(
        session=world["session"].pk, routine=world["routine"].pk, patient=world["patient"].pk
    )
    response = getattr(api_client_for(world[who]), method)(url, data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize(
    ("who", "method", "url", "data", "field"),
    [
        ("patient", "patch", "/api/v1/sessions/{session}/", {"pain_scor": 3}, "pain_scor"),
        (
            "patient",
            "patch",
            "/api/v1/sessions/{session}/",
            {"status": SessionStatus.DONE},
            "status",
        ),
        ("therapist", "patch", "/api/v1/routines/{routine}/", {"patient": 1}, "patient"),
        (
            "therapist",
            "post",
            "/api/v1/routines/",
            {"patient": 0, "title": "T", "items": [{"exercise": "squat", "dose": 3}]},
            "items",
        ),
        (
            "anonymous",
            "post",
            "/api/v1/auth/token/",
            {"username": "patient", "password": "x", "is_staff": True},
            "is_staff",
        ),
    ],
)
def test_unknown_fields_are_a_400_naming_them(world, api_client_for, who, method, url, data, field):
    url = url.format(session=world["session"].pk, routine=world["routine"].pk)
    response = getattr(api_client_for(world[who]), method)(url, data, format="json")
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json())


@pytest.mark.parametrize(
    ("who", "method", "url"),
    [
        ("patient", "get", "/api/v1/sessions/{other_session}/"),
        ("patient", "patch", "/api/v1/sessions/{other_session}/"),
        ("patient", "post", "/api/v1/sessions/{other_session}/retry/"),
        ("patient", "get", "/api/v1/sessions/{other_session}/clip/"),
        ("patient", "get", "/api/v1/sessions/{other_session}/track/"),
        ("patient", "get", "/api/v1/routines/{other_routine}/"),
        ("therapist", "get", "/api/v1/sessions/{other_session}/series/"),
        ("therapist", "get", "/api/v1/patients/{other_patient}/"),
        ("therapist", "get", "/api/v1/patients/{other_patient}/adherence/"),
        ("therapist", "patch", "/api/v1/routines/{other_routine}/"),
        ("therapist", "get", "/api/v1/routines/{other_routine}/history/"),
        ("therapist", "get", "/api/v1/sessions/99999999999999999999999/"),
        ("therapist", "get", "/api/v1/patients/9223372036854775808/"),
    ],
)
def test_other_users_ids_are_404(world, api_client_for, who, method, url):
    url = url.format(
        other_session=world["other_session"].pk,
        other_routine=world["other_routine"].pk,
        other_patient=world["other_patient"].pk,
    )
    response = getattr(api_client_for(world[who]), method)(url, {"pain_score": 1}, format="json")
    assert response.status_code == 404, (url, response.content)


def test_uploading_against_another_patients_item_is_refused(world, api_client_for):
    other_item = world["other_routine"].items.get()
    response = api_client_for(world["patient"]).post(
        "/api/v1/sessions/",
        {"routine_item": other_item.pk, "keypoints": _track()},
        format="json",
    )
    assert response.status_code == 400 and "routine_item" in response.json()
    assert (
        not ExerciseSession.objects.filter(routine_item=other_item)
        .exclude(pk=world["other_session"].pk)
        .exists()
    )
