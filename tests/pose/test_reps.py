"""Repetition counting on synthetic tracks with a known number of full and partial repetitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pose.measures.catalog import get_exercise
from pose.measures.protocols import ProtocolError, reps_on_angle
from pose.measures.reps import REASON_CLIP_ENDED, REASON_SHALLOW, Thresholds, count_reps, hysteresis
from pose.measures.scoring import score_track
from pose.result import RepThresholds
from tests.support.synthetic import Movement, Pose, angle_profile, make_track, squat_poses

SQUAT = get_exercise("squat")

movement = st.builds(
    Movement,
    fraction=st.just(1.0),
    rise=st.floats(0.6, 2.0),
    hold=st.floats(0.0, 1.0),
    fall=st.floats(0.6, 2.0),
    rest=st.floats(0.2, 1.5),
)
shallow = st.builds(
    Movement,
    fraction=st.floats(0.45, 0.5),
    rise=st.floats(0.6, 1.5),
    hold=st.floats(0.0, 0.5),
    fall=st.floats(0.6, 1.5),
    rest=st.floats(0.2, 1.0),
)


@st.composite
def sessions(draw):
    full = draw(st.lists(movement, min_size=1, max_size=6))
    partial = draw(st.lists(shallow, max_size=min(2, len(full))))
    order = draw(st.permutations(full + partial))
    return order, len(full), len(partial)


@settings(max_examples=40, deadline=None)
@given(
    session=sessions(),
    peak=st.floats(80, 120),
    noise=st.floats(0, 0.02),
    seed=st.integers(0, 2**16),
    facing=st.sampled_from([1, -1]),
)
def test_generated_repetitions_are_counted_and_partials_listed(session, peak, noise, seed, facing):
    movements, n_full, n_partial = session
    knee = angle_profile(movements, rest=2.0, peak=peak)
    track = make_track(squat_poses(knee), noise=noise, seed=seed, facing=facing)
    reps = score_track(track, SQUAT).reps
    assert reps.count == n_full
    assert len(reps.partial) == n_partial
    assert all(p.reason == REASON_SHALLOW for p in reps.partial)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 2**16), tempo=st.floats(0.7, 1.6))
def test_jitter_of_two_percent_torso_neither_adds_nor_loses_a_repetition(n, seed, tempo):
    movements = [Movement(1.0, tempo, 0.3, tempo, 0.5)] * n
    knee = angle_profile(movements, rest=2.0, peak=95.0)
    track = make_track(squat_poses(knee), noise=0.02, seed=seed)
    assert score_track(track, SQUAT).reps.count == n


def test_clip_ending_mid_repetition_is_partial_not_counted():
    movements = [Movement(1.0, 1.0, 0.3, 1.0, 0.5)] * 3
    knee = angle_profile(movements, rest=2.0, peak=100.0, end_mid_way=True)
    reps = score_track(make_track(squat_poses(knee)), SQUAT).reps
    assert reps.count == 2
    assert [p.reason for p in reps.partial] == [REASON_CLIP_ENDED]


def test_prescribed_thresholds_make_shallow_squats_partial():
    movements = [Movement(1.0, 1, 0.2, 1, 0.5), Movement(0.5, 1, 0.2, 1, 0.5)] * 2
    knee = angle_profile(movements, rest=2.0, peak=100.0)
    exercise = SQUAT.with_params(enter=80, exit=20)
    reps = score_track(make_track(squat_poses(knee)), exercise).reps
    assert reps.count == 2 and len(reps.partial) == 2
    assert reps.thresholds == RepThresholds(enter=80.0, exit=20.0)


def test_per_repetition_peak_range_and_tempo():
    # rise 1.5 s down (eccentric in a squat), 0.5 s pause, 1.0 s up (concentric)
    movements = [Movement(1.0, 1.5, 0.5, 1.0, 1.0)] * 2
    knee = angle_profile(movements, rest=5.0, peak=95.0)
    result = score_track(make_track(squat_poses(knee)), SQUAT)
    first = result.reps.items[0]
    assert abs(first.peak_angle - 95.0) < 1.5
    assert abs(first.range_of_motion - 90.0) < 12.0  # start is within 10 % of rest
    # 10 %-90 % of a half-cosine ramp takes 0.59 of it
    assert abs(first.eccentric_seconds - 0.59 * 1.5) < 0.15
    assert abs(first.concentric_seconds - 0.59 * 1.0) < 0.15
    assert first.start < first.peak_time < first.end
    assert result.summary.figures["count"] == 2
    assert result.primary_angle == "mean_knee_flexion"


def test_best_side_is_the_leg_that_moved():
    knee = angle_profile([Movement(1.0, 1, 0.5, 1, 0.5)] * 3, rest=85.0, peak=5.0)
    poses = [Pose(knee_flexion=(85.0, k), hip_flexion=(90.0, 90.0)) for k in knee]
    reps = score_track(make_track(poses), get_exercise("seated_knee_extension")).reps
    assert reps.side == "right" and reps.count == 3
    assert abs(reps.items[0].peak_angle - 5.0) < 2.0


def test_no_movement_counts_nothing():
    track = make_track(squat_poses(np.full(120, 3.0)), noise=0.01)
    reps = score_track(track, SQUAT).reps
    assert reps.count == 0 and reps.partial == [] and reps.thresholds is None


def test_hysteresis_on_a_plain_series_with_decreasing_direction():
    th = Thresholds(enter=20.0, exit=70.0, attempt=70.0 - 50.0 / 3, sign=-1.0)
    series = np.array([90, 80, 30, 10, 40, 80, 90, 60, 45, 60, 85, np.nan, 15, 50, 20])
    found = hysteresis(series, th)
    assert [(e.counted, e.reason) for e in found] == [
        (True, None),
        (False, REASON_SHALLOW),
        (False, REASON_CLIP_ENDED),
    ]
    protocol = reps_on_angle("knee_flexion", direction="decrease", enter=20.0, exit=70.0)
    assert count_reps(series, np.arange(len(series)) / 10, protocol, "left").count == 1


def test_bad_protocol_parameters_are_refused():
    with pytest.raises(ProtocolError):
        reps_on_angle("knee_flexion", enter=10, exit=50)
    with pytest.raises(ProtocolError):
        reps_on_angle("wrist_rotation")
    with pytest.raises(ProtocolError):
        reps_on_angle("knee_flexion", speed=3)
