"""Quality checks: visibility, camera view, body in frame, duration, darkness, trust."""

from __future__ import annotations

import numpy as np

from pose.keypoints import KP
from pose.measures.catalog import get_exercise
from pose.measures.quality import check_quality, classify_view, view_ratio
from pose.measures.scoring import score_track
from pose.track import KeypointTrack
from tests.support.synthetic import Movement, Pose, angle_profile, make_track, squat_poses

SQUAT = get_exercise("squat")


def _squat_track(**kw) -> KeypointTrack:
    knee = angle_profile([Movement(1.0, 1, 0.2, 1, 0.5)] * 2, rest=2, peak=100)
    return make_track(squat_poses(knee), **kw)


def test_a_clean_side_view_squat_is_trusted():
    result = score_track(_squat_track(), SQUAT)
    q = result.quality
    assert q.trusted and q.problems == []
    assert {name: t.level for name, t in q.trust.items()} == {
        "count": "ok",
        "range": "ok",
        "tempo": "ok",
    }
    assert q.visible_fraction == 1.0 and q.view.observed == "side"
    assert q.whole_body_in_frame and q.too_dark is None
    assert result.reps.count == 2


def test_view_ratio_classifies_front_side_oblique():
    front = make_track([Pose()] * 3, view="front")
    side = make_track([Pose()] * 3, view="side")
    assert 0.65 < view_ratio(front) < 0.8  # as adults measure facing a camera (0.62-0.70 here)
    assert view_ratio(side) < 0.05
    assert classify_view(view_ratio(front), front) == "front"
    assert classify_view(view_ratio(side), side) == "side"
    assert classify_view(0.52) == "oblique" and classify_view(None) is None


def test_hidden_joints_lower_visibility_and_trust():
    track = _squat_track()
    kp = track.keypoints.copy()
    kp[: int(len(kp) * 0.6), KP["left_knee"], 2] = 0.0
    result = score_track(KeypointTrack(track.timestamps, kp, track.width, track.height), SQUAT)
    assert result.quality.visible_fraction < 0.5
    assert result.quality.level("count") == "unreliable" and result.reps.count is None
    assert any("knees" in r and "40%" in r for r in result.quality.trust["count"].reasons)


def test_joints_the_protocol_uses_leaving_the_frame_are_reported():
    track = _squat_track(y=900.0)  # ankles below the 1000 px frame edge
    q = score_track(track, SQUAT).quality
    assert q.whole_body_in_frame is False and not q.trusted
    assert q.level("count") in ("check", "unreliable")


def test_short_and_dark_clips():
    track = make_track([Pose()] * 30)  # one second
    q = check_quality(track, SQUAT.make_protocol(), "side", brightness=np.full(30, 20.0))
    assert q.too_short and q.too_dark
    q = check_quality(_squat_track(), SQUAT.make_protocol(), "side", brightness=np.full(30, 120.0))
    assert q.too_dark is False


def test_result_is_plain_json_without_nan():
    import json

    track = _squat_track()
    kp = track.keypoints.copy()
    kp[:20, :, 2] = 0.0  # nobody in the first frames
    result = score_track(KeypointTrack(track.timestamps, kp, track.width, track.height), SQUAT)
    text = json.dumps(result.to_json(), allow_nan=False)
    assert result.angles["left_knee_flexion"][0] is None and "NaN" not in text
