"""What phones record is accepted and analysed: HEVC (10-bit, as iPhones film by default) in a
QuickTime .MOV, stored with a portrait display rotation. The upload goes through the API as the
exercise page's file picker sends it, and the real engine analyses it."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.clip_files import clip_rate, read_clip_frames, write_clip
from tests.support.shared_data import require_testdata

HEVC = {"preset": "ultrafast", "x265-params": "log-level=error"}


@pytest.fixture(scope="module")
def iphone_mov(tmp_path_factory):
    """pose_1.mp4 (arms raised once) as an iPhone stores a portrait video: the sensor's frames
    turned a quarter, a display matrix that turns them upright, HEVC Main 10 in a .MOV."""
    source = require_testdata("pose_1.mp4")
    frames = [np.ascontiguousarray(np.rot90(f, k=1)) for f in read_clip_frames(source)]
    return write_clip(
        tmp_path_factory.mktemp("phone") / "IMG_0001.MOV",
        frames,
        fps=clip_rate(source),
        codec="libx265",
        pix_fmt="yuv420p10le",
        options=HEVC,
        rotation=-90,
    )


def test_an_iphone_hevc_mov_is_accepted_and_analysed(
    routine, patient, api_client_for, django_capture_on_commit_callbacks, monkeypatch, iphone_mov
):
    from therapy.models import ExerciseSession, SessionStatus
    from therapy.services.sessions import session_analyze

    queued: list[int] = []
    monkeypatch.setattr("therapy.tasks.session_analyze_task.delay", queued.append)
    clip = SimpleUploadedFile(
        "IMG_0001.MOV", iphone_mov.read_bytes(), content_type="video/quicktime"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(patient).post(
            "/api/v1/sessions/",
            {"routine_item": routine.items.get().pk, "clip": clip},
            format="multipart",
        )
    assert response.status_code == 202, response.json()
    session_analyze(session_id=queued[0])
    session = ExerciseSession.objects.get()
    assert session.clip_content_type == "video/quicktime"
    assert session.status == SessionStatus.DONE, session.error
    video = session.result.video
    assert video["codec"] == "hevc" and abs(video["rotation"]) == 90
    assert session.result.rep_count == 1  # upright again: the one arm raise is counted
