"""The eight exercises of issue 17 counted on synthetic tracks with known angles, and the lunge's
per-leg labels (the front leg of each lunge), also under mirroring and fewer frames a second."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pose.keypoints import KP
from pose.measures.catalog import get_exercise
from pose.measures.scoring import score_track
from pose.track import KeypointTrack
from tests.support.synthetic import Movement, Pose, angle_profile, keypoints, make_track

FULL = Movement(1.0, rise=0.8, hold=0.3, fall=0.8, rest=0.6)


def profile(rest: float, peak: float, n: int, fps: float = 30.0) -> np.ndarray:
    return angle_profile([FULL] * n, rest, peak, fps=fps)


def _pose_elbow(a):
    return Pose(elbow_flexion=(a, 0.0), shoulder_plane="flexion")


def _pose_push_up(a):
    return Pose(elbow_flexion=(a, a), shoulder_plane="flexion", shoulder=(80.0, 80.0))


def _pose_step_up(a):  # a: 0 lead foot on the step, trailing one on the floor .. 1 on top
    # Standing on top, the whole body is higher by the step's height (half a torso, 25 cm).
    return Pose(
        knee_flexion=(90.0 * (1 - a), 0.0), hip_flexion=(85.0 * (1 - a), 0.0), shift=(0, -0.5 * a)
    )


def _pose_bridge(a):  # a: hip flexion, lying knees bent at rest (50) to hips lifted (0)
    return Pose(hip_flexion=(a, a), knee_flexion=(90.0, 90.0))


def _pose_slr(a):
    return Pose(hip_flexion=(a, 0.0))


def _pose_mini_squat(a):
    return Pose(knee_flexion=(a, a), hip_flexion=(0.8 * a, 0.8 * a), trunk_lean=0.3 * a)


SIDE_VIEW_CASES = {
    # slug: (pose from the profile value, rest, peak)
    "elbow_flexion": (_pose_elbow, 5.0, 140.0),
    "push_up": (_pose_push_up, 5.0, 100.0),
    "step_up": (_pose_step_up, 0.0, 1.0),
    "glute_bridge": (_pose_bridge, 50.0, 5.0),
    "straight_leg_raise": (_pose_slr, 0.0, 70.0),
    "mini_squat": (_pose_mini_squat, 0.0, 40.0),
}


@pytest.mark.parametrize("slug", sorted(SIDE_VIEW_CASES))
@pytest.mark.parametrize("reps", [1, 4])
def test_side_view_exercises_count_every_repetition(slug, reps):
    make_pose, rest, peak = SIDE_VIEW_CASES[slug]
    track = make_track([make_pose(a) for a in profile(rest, peak, reps)], noise=0.005)
    measures = score_track(track, get_exercise(slug))
    assert measures.reps.count == reps
    assert measures.reps.partial == []


def test_no_movement_counts_nothing():
    track = make_track([_pose_elbow(5.0)] * 90, noise=0.005)
    assert score_track(track, get_exercise("elbow_flexion")).reps.count == 0


def _abduction_frame(angle: float, side: str) -> np.ndarray:
    """Front view, standing; the ``side`` leg swung out by ``angle`` degrees about its hip."""
    frame = keypoints(Pose(), view="front")
    hip = frame[KP[f"{side}_hip"], :2]
    # Outward is away from the other hip, in the image.
    outward = np.sign(hip[0] - frame[KP[f"{'right' if side == 'left' else 'left'}_hip"], 0])
    a = np.radians(angle) * outward
    turn = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])  # swings the foot out
    for joint in ("knee", "ankle"):
        i = KP[f"{side}_{joint}"]
        frame[i, :2] = hip + turn @ (frame[i, :2] - hip)
    return frame


@pytest.mark.parametrize("side", ["left", "right"])
def test_side_leg_raise_counts_and_reads_the_abduction(side):
    angles = profile(0.0, 35.0, 3)
    frames = np.stack([_abduction_frame(a, side) for a in angles])
    track = KeypointTrack(np.arange(len(frames)) / 30.0, frames, 1000, 1000)
    measures = score_track(track, get_exercise("hip_abduction"))
    assert measures.reps.count == 3
    assert measures.reps.side == side
    # The hip in a standing front view sits a little outside the knee: the angle reads a few
    # degrees off the synthetic swing, never more.
    assert measures.reps.items[0].peak_angle == pytest.approx(35.0, abs=6.0)


def lunge_track(legs: list[str], *, fps: float = 30.0, facing: int = 1, view="side"):
    """One lunge per entry of ``legs`` (the front leg), feet together between them."""
    poses = []
    for leg in legs:
        front = 0 if leg == "left" else 1
        for a in profile(0.0, 1.0, 1, fps=fps):
            knee = [80.0 * a, 80.0 * a]
            hip = [0.0, 0.0]
            hip[front] = 85.0 * a
            hip[1 - front] = -15.0 * a  # the back thigh behind the trunk
            poses.append(Pose(knee_flexion=tuple(knee), hip_flexion=tuple(hip)))
    return make_track(poses, fps=fps, facing=facing, view=view, noise=0.005)


def test_lunge_names_the_front_leg_of_each_repetition():
    legs = ["left", "right", "left", "right", "left"]
    measures = score_track(lunge_track(legs), get_exercise("lunge"))
    assert measures.reps.side == "alternating"
    assert [r.side for r in measures.reps.items] == legs
    assert measures.summary.figures["left_count"] == 3
    assert measures.summary.figures["right_count"] == 2
    assert measures.primary_angle == "mean_knee_flexion"


@settings(max_examples=15, deadline=None)
@given(
    legs=st.lists(st.sampled_from(["left", "right"]), min_size=1, max_size=5),
    fps=st.sampled_from([12.0, 15.0, 24.0, 30.0, 60.0]),
    facing=st.sampled_from([1, -1]),
    view=st.sampled_from(["side", 30.0, 60.0]),
)
def test_lunge_labels_survive_mirroring_views_and_frame_rates(legs, fps, facing, view):
    measures = score_track(
        lunge_track(legs, fps=fps, facing=facing, view=view), get_exercise("lunge")
    )
    assert [r.side for r in measures.reps.items] == legs
    figures = measures.summary.figures
    assert (figures["left_count"], figures["right_count"]) == (
        legs.count("left"),
        legs.count("right"),
    )


def test_reverse_lunges_on_one_leg_count_on_that_leg():
    measures = score_track(lunge_track(["right"] * 3), get_exercise("lunge"))
    assert (measures.summary.figures["left_count"], measures.summary.figures["right_count"]) == (
        0,
        3,
    )


def test_lunge_summary_line_counts_each_leg():
    from pose.measures.protocols import get_protocol

    measures = score_track(lunge_track(["left", "right", "right"]), get_exercise("lunge"))
    line = get_protocol("reps_on_angle").summary_line(measures)
    assert "3 counted" in line and "left 1, right 2" in line


def test_step_up_reads_the_steps_height_as_hip_rise():
    track = make_track([_pose_step_up(a) for a in profile(0.0, 1.0, 2)], noise=0.005)
    measures = score_track(track, get_exercise("step_up"))
    assert measures.primary_angle == "hip_rise" and "hip_rise" in measures.heights
    # The synthetic step is half a torso: the hips rise 50 % torso, within jitter.
    assert measures.reps.items[0].range_of_motion == pytest.approx(50.0, abs=3.0)
