"""Angles measured on stick figures built with known angles, in any placement and facing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pose.keypoints import KP
from pose.measures.angles import angles_from_xy, compute_angles, compute_heights, segment_angle
from pose.measures.cleaning import fill_gaps, gate
from tests.support.synthetic import Pose, keypoints, make_track, stance_knee_for_lift

placement = st.fixed_dictionaries(
    {
        "x": st.floats(100, 900),
        "y": st.floats(200, 800),
        "scale": st.floats(30, 300),
        "facing": st.sampled_from([1, -1]),
    }
)


def _frame_angles(pose: Pose, **kw) -> dict[str, float]:
    frame = keypoints(pose, **kw)
    return {k: float(v[0]) for k, v in angles_from_xy(frame[None, :, :2]).items()}


@settings(max_examples=200, deadline=None)
@given(
    knee=st.floats(0, 160),
    hip=st.floats(0, 100),
    lean=st.floats(-20, 40),
    where=placement,
)
def test_knee_and_hip_flexion_match_the_built_angles_in_side_view(knee, hip, lean, where):
    pose = Pose(knee_flexion=(knee, knee), hip_flexion=(hip, hip), trunk_lean=lean)
    got = _frame_angles(pose, view="side", **where)
    for side in ("left", "right"):
        assert abs(got[f"{side}_knee_flexion"] - knee) < 1.0
        assert abs(got[f"{side}_hip_flexion"] - hip) < 1.0
    assert abs(got["trunk_lean"] - abs(lean)) < 1.0


@settings(max_examples=100, deadline=None)
@given(knee=st.floats(0, 160), where=placement)
def test_knee_flexion_survives_cleaning_on_a_still_track(knee, where):
    track = make_track([Pose(knee_flexion=(knee, 10.0))] * 40, **where)
    got = compute_angles(track)
    assert np.allclose(got["left_knee_flexion"], knee, atol=1.0)
    assert np.allclose(got["right_knee_flexion"], 10.0, atol=1.0)


@settings(max_examples=100, deadline=None)
@given(abduction=st.floats(0, 180), elbow=st.floats(0, 150), where=placement)
def test_shoulder_abduction_and_elbow_flexion_in_front_view(abduction, elbow, where):
    pose = Pose(shoulder=(abduction, abduction), elbow_flexion=(elbow, elbow))
    got = _frame_angles(pose, view="front", **where)
    for side in ("left", "right"):
        assert abs(got[f"{side}_shoulder_abduction"] - abduction) < 1.0
        assert abs(got[f"{side}_elbow_flexion"] - elbow) < 1.0


@settings(max_examples=50, deadline=None)
@given(flexion=st.floats(0, 180), where=placement)
def test_shoulder_flexion_in_side_view(flexion, where):
    pose = Pose(shoulder=(flexion, flexion), shoulder_plane="flexion")
    got = _frame_angles(pose, view="side", **where)
    assert abs(got["left_shoulder_flexion"] - flexion) < 1.0


def test_mirrored_figure_gives_identical_angles():
    pose = Pose(
        knee_flexion=(70, 20),
        hip_flexion=(40, 5),
        trunk_lean=15,
        shoulder=(60, 90),
        shoulder_plane="flexion",
        elbow_flexion=(45, 10),
    )
    right = _frame_angles(pose, facing=1)
    left = _frame_angles(pose, facing=-1)
    assert right == left or all(abs(right[k] - left[k]) < 1e-9 for k in right)
    assert abs(right["left_knee_flexion"] - 70) < 1e-6


def test_low_score_keypoint_gives_no_angle_rather_than_a_wrong_one():
    frames = np.stack([keypoints(Pose(knee_flexion=(45, 45)))] * 30)
    frames[:, KP["left_knee"], 2] = 0.05
    track = make_track([Pose()] * 30)
    track = type(track)(track.timestamps, frames, track.width, track.height)
    got = compute_angles(track)
    assert np.isnan(got["left_knee_flexion"]).all()
    assert np.allclose(got["right_knee_flexion"], 45, atol=0.5)


def test_short_gaps_are_filled_long_ones_stay_unknown():
    t = np.arange(30) / 30
    x = np.linspace(0, 29, 30)
    x[5:8] = np.nan  # 0.13 s gap
    x[15:25] = np.nan  # 0.37 s gap
    filled = fill_gaps(x, t, max_gap=0.25)
    assert np.allclose(filled[5:8], [5, 6, 7])
    assert np.isnan(filled[15:25]).all()


def test_gate_blanks_low_scores():
    out = gate(np.array([1.0, 2.0, 3.0]), np.array([0.9, 0.1, 0.5]), 0.3)
    assert np.isnan(out[1]) and out[0] == 1.0 and out[2] == 3.0


def test_segment_angle_is_unsigned_and_bounded():
    u = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    v = np.array([[0.0, 1.0], [0.0, -1.0], [-1.0, 0.0]])
    assert np.allclose(segment_angle(u, v), [90, 90, 180])


@settings(max_examples=50, deadline=None)
@given(lift=st.floats(0.05, 0.8), where=placement)
def test_lifted_ankle_height_in_torso_percent(lift, where):
    knee = stance_knee_for_lift(lift)
    track = make_track([Pose(knee_flexion=(0.0, knee))] * 20, view="front", **where)
    heights = compute_heights(track)
    assert np.allclose(heights["right_ankle_height"], 100 * lift, atol=1.0)
    assert np.allclose(heights["left_ankle_height"], -100 * lift, atol=1.0)
