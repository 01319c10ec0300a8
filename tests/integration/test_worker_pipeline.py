"""End to end against real PostgreSQL and Redis with a real Celery worker process: upload
through the API, the worker analyses, the API shows the result.

One module, one session-scoped worker (prefork, one child) so the suite stays fast.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from tests.support.worker_process import purge_pose_queue, start_worker
from therapy.models import SessionStatus

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WAIT_SECONDS = 180


@pytest.fixture(scope="session")
def worker_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(autouse=True)
def media_root(settings, worker_media):
    """The web side and the worker must share one media folder."""
    settings.MEDIA_ROOT = worker_media
    return worker_media


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker, worker_media, tmp_path_factory):
    """A real worker for this module only: a worker left running would take other modules'
    tasks (the fault tests start and kill their own)."""
    purge_pose_queue()  # stale tasks from an earlier, aborted run
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    try:
        worker = start_worker(media_root=worker_media, log_path=log_path, name="test")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield worker.process
    worker.stop(timeout=30)  # warm shutdown: finish the current task
    sys.stderr.write(worker.log()[-2000:] if os.environ.get("SHOW_WORKER_LOG") else "")


@pytest.fixture
def item(routine):
    return routine.items.get()


def _wait_finished(client, session_id: int) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/sessions/{session_id}/").json()
        if body["status"] in (SessionStatus.DONE, SessionStatus.FAILED):
            return body
        time.sleep(0.3)
    pytest.fail(f"session {session_id} still {body['status']} after {WAIT_SECONDS} s")


def _pose_1_track(path: Path) -> dict:
    """pose_1.json (TF.js output: per frame, keypoint name -> {x, y}) in the engine's shape."""
    from pose.keypoints import KEYPOINT_NAMES

    frames = json.loads(path.read_text())
    return {
        "model": "lightning",
        "video": {"width": 576, "height": 576},
        "timestamps": [round(i / 30, 6) for i in range(len(frames))],
        "keypoints": [
            [[frame[name]["x"], frame[name]["y"], 0.9] for name in KEYPOINT_NAMES]
            for frame in frames
        ],
    }


def test_clip_upload_is_analysed_by_the_worker(
    celery_worker_process, api_client_for, patient, therapist, item, testdata_file
):
    clip_path = testdata_file("pose_1.mp4")
    client = api_client_for(patient)
    with clip_path.open("rb") as clip:
        response = client.post(
            "/api/v1/sessions/",
            {"routine_item": item.pk, "clip": clip, "pain_score": 2, "comment": "fine"},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    created = response.json()
    assert created["status"] == SessionStatus.QUEUED

    body = _wait_finished(client, created["id"])
    assert body["status"] == SessionStatus.DONE, body["error"]
    assert body["error"] == ""
    assert body["pain_score"] == 2
    result = body["result"]
    assert result["rep_count"] == 1
    assert result["reps"]["count"] == 1
    assert "lightning" in result["model"]
    assert result["engine_version"]
    assert result["summary"]["trusted"] is True and result["summary"]["count"] == 1
    assert result["summary"]["measure"] == "mean_shoulder_abduction"
    assert result["angles_summary"] == result["summary"]  # the deprecated alias, one release

    # The therapist sees the same session; the clip streams back unchanged.
    therapist_client = api_client_for(therapist)
    clip_response = therapist_client.get(body["links"]["clip"])
    assert clip_response.status_code == 200
    assert b"".join(clip_response.streaming_content) == clip_path.read_bytes()
    series = therapist_client.get(body["links"]["series"]).json()
    assert len(series["timestamps"]) == 120
    assert series["primary_angle"]
    track = json.loads(b"".join(therapist_client.get(body["links"]["track"]).streaming_content))
    assert len(track["keypoints"]) == 120


def test_keypoint_track_upload_is_scored_by_the_worker(
    celery_worker_process, api_client_for, patient, item, testdata_file
):
    track = _pose_1_track(testdata_file("pose_1.json"))
    client = api_client_for(patient)
    response = client.post(
        "/api/v1/sessions/", {"routine_item": item.pk, "keypoints": track}, format="json"
    )
    assert response.status_code == 202, response.content
    body = _wait_finished(client, response.json()["id"])
    assert body["status"] == SessionStatus.DONE, body["error"]
    assert body["source"] == "keypoints"
    assert body["result"]["rep_count"] == 1
    assert body["links"]["clip"] is None


def test_broken_clip_fails_with_a_reason(
    celery_worker_process, api_client_for, patient, item, testdata_file
):
    """A file that looks like an MP4 but is truncated reaches the engine and fails cleanly."""
    head = testdata_file("pose_1.mp4").read_bytes()[:3000]
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_client_for(patient)
    clip = SimpleUploadedFile("broken.mp4", head, content_type="video/mp4")
    response = client.post(
        "/api/v1/sessions/", {"routine_item": item.pk, "clip": clip}, format="multipart"
    )
    assert response.status_code == 202, response.content
    body = _wait_finished(client, response.json()["id"])
    assert body["status"] == SessionStatus.FAILED
    assert body["error"] and "problem on our side" not in body["error"]
    assert body["result"] is None


def test_healthz_with_real_services(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": True}
