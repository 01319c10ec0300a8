"""Graded trust (pose.measures.trust): each measure is shown with its level, and only what cannot
be measured is left out. Property-based: the rules hold whatever the movement."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pose.keypoints import KP
from pose.measures.catalog import get_exercise
from pose.measures.scoring import score_track
from pose.measures.trust import body_parts
from pose.track import KeypointTrack
from tests.support.synthetic import Movement, Pose, angle_profile, make_track, squat_poses

SQUAT = get_exercise("squat")
SHOULDER = get_exercise("shoulder_abduction")


def _squats(n: int, depth: float) -> list[Pose]:
    knee = angle_profile([Movement(1.0, 0.8, 0.2, 0.8, 0.4)] * n, rest=1.0, peak=depth)
    return squat_poses(knee)


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(1, 5),
    depth=st.floats(80, 120),
    camera=st.floats(55, 70),
    noise=st.floats(0, 0.005),
)
def test_a_squat_seen_from_the_front_still_counts(n, depth, camera, noise):
    """Filmed from the front (a phone 55-70 degrees round from the side: a squat seen square on
    shows no knee angle at all in 2D) a squat is counted; only its angles are to check."""
    track = make_track(_squats(n, depth), view=camera, noise=noise)
    result = score_track(track, SQUAT)
    q = result.quality
    assert q.view.observed in ("front", "oblique")
    assert result.reps.count == n and result.summary.figures["count"] == n
    assert q.level("count") == "ok"
    assert q.level("range") == "check"  # knee angles foreshortened
    [reason] = q.trust["range"].reasons
    assert "read low" in reason and "The count is not affected" in reason
    assert result.summary.figures["peak_angle"] is not None  # shown, with its level


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 5), top=st.floats(80, 170), cut=st.floats(0.1, 0.6))
def test_feet_cut_off_still_count_a_shoulder_raise(n, top, cut):
    """The picture ends between the knees and the ankles: a shoulder raise needs no feet."""
    angle = angle_profile([Movement(1.0, 0.8, 0.2, 0.8, 0.4)] * n, rest=1.0, peak=top)
    track = make_track([Pose(shoulder=(a, a)) for a in angle], view="front")
    kp = track.keypoints.copy()
    knee, ankle = kp[0, KP["left_knee"], 1], kp[0, KP["left_ankle"], 1]
    bottom = int(knee + cut * (ankle - knee))  # the picture's lower edge
    below = kp[..., 1] >= bottom
    kp[below, 2] = 0.05  # MoveNet's score for joints outside the picture
    kp[below, 1] = bottom - 1
    framed = KeypointTrack(track.timestamps, kp, track.width, bottom)
    assert (kp[:, KP["left_ankle"], 2] < 0.3).all()  # the feet really are out
    result = score_track(framed, SHOULDER)
    assert result.quality.whole_body_in_frame is False
    assert result.reps.count == n
    assert result.quality.level("count") == "ok" and result.quality.level("range") == "ok"


def test_joints_the_exercise_needs_out_of_view_withhold_only_what_they_measure():
    track = make_track(_squats(3, 100), view="side")
    kp = track.keypoints.copy()
    kp[:, [KP["left_knee"], KP["right_knee"]], 2] = 0.1
    result = score_track(KeypointTrack(track.timestamps, kp, track.width, track.height), SQUAT)
    q = result.quality
    assert {name: t.level for name, t in q.trust.items()} == {
        "count": "unreliable",
        "range": "unreliable",
        "tempo": "unreliable",
    }
    assert result.reps.count is None and result.summary.figures["count"] is None
    assert "knees" in q.trust["count"].reasons[0] and "0%" in q.trust["count"].reasons[0]


def test_a_dim_clip_tracked_well_is_ok_and_one_tracked_badly_is_to_check():
    track = make_track(_squats(2, 100), view="side")
    dim = np.full(track.frames, 25.0)
    assert score_track(track, SQUAT, brightness=dim).quality.level("count") == "ok"
    kp = track.keypoints.copy()
    kp[..., 2] = 0.45  # low confidence everywhere
    shaky = KeypointTrack(track.timestamps, kp, track.width, track.height)
    q = score_track(shaky, SQUAT, brightness=dim).quality
    assert q.level("count") == "check" and any("dim" in r for r in q.problems)
    assert score_track(shaky, SQUAT, brightness=np.full(track.frames, 120.0)).quality.trusted


def test_a_short_clip_is_to_check_not_withheld():
    track = make_track(_squats(1, 100)[:45], view="side")  # 1.5 s of a 2 s minimum
    result = score_track(track, SQUAT)
    assert result.quality.level("count") == "check"
    assert result.summary.figures["count"] is not None


def test_body_parts_read_as_words():
    assert body_parts(("left_knee", "right_knee", "left_ankle")) == "knees and ankles"
    assert body_parts(("left_hip", "left_knee", "left_ankle")) == "hips, knees and ankles"
