"""Builders for sessions in a known state, without running the engine."""

from __future__ import annotations

from django.core.files.base import ContentFile

from therapy import services
from therapy.models import ExerciseSession, SessionSource, SessionStatus

# Enough of an MP4 to pass the container check: a size, "ftyp" and a brand.
MP4_HEADER = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


def fake_output(rep_count: int = 1) -> dict:
    """An engine result with the documented keys and a known answer."""
    timestamps = [i / 30 for i in range(4)]
    return {
        "model": "lightning",
        "engine_version": "test",
        "video": {"width": 100, "height": 100, "rotation": 0, "fps": 30.0, "frames": 4,
                  "duration": 0.133},
        "timestamps": timestamps,
        "keypoints": [[[50.0, 50.0, 0.9]] * 17 for _ in timestamps],
        "pose_scores": [0.9] * 4,
        "exercise": "shoulder_abduction",
        "angles": {"left_shoulder_abduction": [10.0, 90.0, 170.0, 10.0]},
        "primary_angle": "left_shoulder_abduction",
        "reps": {"count": rep_count, "items": [{"peak": 170.0, "range": 160.0}], "partial": 0},
        "balance": None,
        "quality": {"trusted": True, "problems": []},
        "summary": {"left_shoulder_abduction": {"peak": 170.0, "range": 160.0}},
    }


def make_clip_session(*, patient, routine_item, status=SessionStatus.QUEUED) -> ExerciseSession:
    session = ExerciseSession(
        patient=patient,
        routine_item=routine_item,
        source=SessionSource.CLIP,
        clip_content_type="video/mp4",
        status=status,
    )
    session.clip.save("clip.mp4", ContentFile(MP4_HEADER + b"\x00" * 64), save=False)
    session.save()
    return session


def make_done_session(*, patient, routine_item) -> ExerciseSession:
    session = make_clip_session(
        patient=patient, routine_item=routine_item, status=SessionStatus.PROCESSING
    )
    services.result_store(session=session, output=fake_output())
    session.status = SessionStatus.DONE
    session.save()
    return session
