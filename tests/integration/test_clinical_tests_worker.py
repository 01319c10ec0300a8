"""End to end, one clip per clinical test type: a privacy-mode upload (a synthetic keypoint
track, no model) through the API, scored by one real Celery worker process started once for the
module, and the stored session's outcome read back through the API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.clinical_specs import clinical_tracks, upload_body
from tests.support.worker_process import purge_pose_queue, start_worker
from therapy import services
from therapy.models import SessionStatus

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def worker_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clinical-worker-media")


@pytest.fixture(autouse=True)
def media_root(settings, worker_media):
    """The web side and the worker share one media folder."""
    settings.MEDIA_ROOT = worker_media
    return worker_media


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, worker_media, tmp_path_factory):
    purge_pose_queue()
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    try:
        process = start_worker(media_root=worker_media, log_path=log_path, name="clinical")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield process
    process.stop(timeout=30)


def test_each_clinical_test_is_scored_by_the_worker(
    worker, therapist, patient, api_client_for, exercises_catalog
):
    cases = clinical_tracks()
    routine = services.routine_create(
        therapist=therapist,
        patient=patient,
        title="Clinical tests",
        items=[{"exercise": exercises_catalog[slug], "per_week": 1} for slug in cases],
    )
    items = {item.exercise.slug: item for item in routine.items.all()}
    client = api_client_for(patient)
    sent = {}
    for slug, (track, _) in cases.items():
        response = client.post(
            "/api/v1/sessions/",
            {"routine_item": items[slug].pk, "keypoints": upload_body(track)},
            format="json",
        )
        assert response.status_code == 202, response.content
        sent[slug] = response.json()["id"]
    deadline = time.monotonic() + WAIT_SECONDS
    done: dict[str, dict] = {}
    while len(done) < len(sent) and time.monotonic() < deadline:
        for slug, session_id in sent.items():
            if slug not in done:
                body = client.get(f"/api/v1/sessions/{session_id}/").json()
                if body["status"] in (SessionStatus.DONE, SessionStatus.FAILED):
                    done[slug] = body
        time.sleep(0.3)
    assert set(done) == set(sent), f"not finished in {WAIT_SECONDS} s: {set(sent) - set(done)}"
    for slug, body in done.items():
        assert body["status"] == SessionStatus.DONE, (slug, body["error"])
        outcome = body["result"]["outcome"]
        assert outcome is not None and outcome["interpretation"], slug
        cases[slug][1](outcome)
