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
    assert q.visible_fraction == 1.0 and q.view.observed == "side"
    assert q.whole_body_in_frame and q.too_dark is None
    assert result.reps.count == 2


def test_front_view_for_a_side_exercise_is_not_trusted_and_hides_the_count():
    result = score_track(_squat_track(view="front"), SQUAT)
    view = result.quality.view
    assert (view.expected, view.observed, view.matches) == ("side", "front", False)
    assert abs(view.shoulder_to_torso_ratio - 0.8) < 0.05
    assert not result.quality.trusted
    assert result.reps.count is None and result.summary.figures["count"] is None
    assert any("filmed from the side" in p or "side" in p for p in result.quality.problems)


def test_view_ratio_classifies_front_side_oblique():
    assert classify_view(view_ratio(make_track([Pose()] * 3, view="front"))) == "front"
    assert classify_view(view_ratio(make_track([Pose()] * 3, view="side"))) == "side"
    assert classify_view(0.42) == "oblique" and classify_view(None) is None


def test_hidden_joints_lower_visibility_and_trust():
    track = _squat_track()
    kp = track.keypoints.copy()
    kp[: len(kp) // 2, KP["left_knee"], 2] = 0.0
    result = score_track(KeypointTrack(track.timestamps, kp, track.width, track.height), SQUAT)
    assert result.quality.visible_fraction < 0.6
    assert not result.quality.trusted


def test_body_leaving_the_frame_is_reported():
    track = _squat_track(y=900.0)  # ankles below the 1000 px frame edge
    q = score_track(track, SQUAT).quality
    assert q.whole_body_in_frame is False and not q.trusted


def test_short_and_dark_clips():
    track = make_track([Pose()] * 30)  # one second
    q = check_quality(track, SQUAT.make_protocol(), "side", brightness=np.full(30, 20.0))
    assert q.too_short and q.too_dark and len(q.problems) == 2
    q = check_quality(_squat_track(), SQUAT.make_protocol(), "side", brightness=np.full(30, 120.0))
    assert q.too_dark is False and q.trusted


def test_result_is_plain_json_without_nan():
    import json

    track = _squat_track()
    kp = track.keypoints.copy()
    kp[:20, :, 2] = 0.0  # nobody in the first frames
    result = score_track(KeypointTrack(track.timestamps, kp, track.width, track.height), SQUAT)
    text = json.dumps(result.to_json(), allow_nan=False)
    assert result.angles["left_knee_flexion"][0] is None and "NaN" not in text
