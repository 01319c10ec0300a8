"""Heel raises counted on ``body_rise``: the whole body's rise above its standing level.

Synthetic tracks with a known answer: the stick figure of :mod:`tests.support.synthetic`
standing still, lifted bodily by a known height (what rising onto the toes with straight knees
does to every keypoint above the ankle joints), with independent Gaussian noise on every
keypoint. Heights are in % of torso length: with ``scale`` = 150 px, 1 % torso = 1.5 px.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pose.keypoints import KP
from pose.measures.angles import BODY_RISE_KEYPOINTS, body_rise, heights_from_xy
from pose.measures.catalog import get_exercise
from pose.measures.cleaning import clean_keypoints
from pose.measures.protocols import ProtocolError, get_protocol, reps_on_angle
from pose.measures.scoring import score_track
from pose.pipeline import analyze_clip
from pose.track import KeypointTrack
from tests.support.shared_data import require_testdata
from tests.support.synthetic import Movement, Pose, angle_profile, keypoints, make_track

HEEL_RAISE = get_exercise("heel_raise")
SCALE = 150.0  # torso length, pixels
SIDES = ("left", "right")
ARM_KEYPOINTS = ("left_elbow", "right_elbow", "left_wrist", "right_wrist")
RAISE = Movement(fraction=1.0, rise=0.8, hold=0.8, fall=0.8, rest=1.0)


def heel_raise_track(
    rise_pct: float,
    movements: list[Movement],
    *,
    noise_pct: float = 0.0,
    seed: int = 0,
    view: str = "side",
    facing: int = 1,
) -> KeypointTrack:
    """A standing body lifted by ``rise_pct`` % torso at each movement's top, keypoint noise
    ``noise_pct`` % torso (sigma, per keypoint and frame)."""
    lift = angle_profile(movements, rest=0.0, peak=rise_pct / 100.0)  # torso lengths
    poses = [Pose(shift=(0.0, -h)) for h in lift]  # image y points down: up is negative
    return make_track(
        poses, noise=noise_pct / 100.0, seed=seed, scale=SCALE, view=view, facing=facing
    )


def test_three_heel_raises_are_counted_with_their_height():
    track = heel_raise_track(10.0, [RAISE] * 3, noise_pct=1.0, seed=3)
    measures = score_track(track, HEEL_RAISE)
    reps = measures.reps
    assert measures.primary_angle == "body_rise"
    assert len(reps.items) == 3 and not reps.partial
    # The peak is the highest value of a noisy plateau, so it overshoots a little: with 1 % torso
    # of noise per keypoint, over 100 seeds the peaks were 0.25 +- 0.11 % above the built lift,
    # at most 0.6 % off.
    assert [r.peak_angle for r in reps.items] == pytest.approx([10.0] * 3, abs=1.0)
    standing = measures.heights["body_rise"][: int(0.5 * 30)]  # the 0.5 s lead-in at rest
    assert max(standing) < 1.0


def test_the_rise_is_measured_the_same_from_any_view():
    for view, facing in (("side", 1), ("side", -1), ("front", 1), ("front", -1)):
        track = heel_raise_track(8.0, [RAISE] * 2, noise_pct=0.5, seed=1, view=view, facing=facing)
        reps = score_track(track, HEEL_RAISE).reps
        assert len(reps.items) == 2, (view, facing)
        assert [r.peak_angle for r in reps.items] == pytest.approx([8.0, 8.0], abs=0.8)


def test_body_rise_of_a_still_body_is_zero_and_the_lift_is_exact_without_noise():
    track = heel_raise_track(12.0, [RAISE], noise_pct=0.0)
    xy = clean_keypoints(track.timestamps, track.keypoints)
    rise = heights_from_xy(xy)["body_rise"]
    assert rise[0] == pytest.approx(0.0, abs=1e-3)  # standing
    assert np.nanmax(rise) == pytest.approx(12.0, abs=0.05)  # the built lift, % torso


@settings(max_examples=30, deadline=None)
@given(
    movements=st.lists(
        st.builds(
            Movement,
            fraction=st.just(1.0),
            rise=st.floats(0.5, 1.5),
            hold=st.floats(0.0, 1.5),
            fall=st.floats(0.5, 1.5),
            rest=st.floats(0.4, 1.5),
        ),
        min_size=1,
        max_size=6,
    ),
    rise_pct=st.floats(6.0, 15.0),
    noise_pct=st.floats(0.0, 1.5),
    seed=st.integers(0, 2**16),
    view=st.sampled_from(["side", "front"]),
    facing=st.sampled_from([1, -1]),
)
def test_generated_heel_raises_are_all_counted(movements, rise_pct, noise_pct, seed, view, facing):
    track = heel_raise_track(
        rise_pct, movements, noise_pct=noise_pct, seed=seed, view=view, facing=facing
    )
    reps = score_track(track, HEEL_RAISE).reps
    assert len(reps.items) == len(movements)
    assert not reps.partial


def test_arm_raises_alone_are_no_heel_raise():
    """Lateral raises to overhead, the shoulders shrugging 4 % torso at the top: no rise."""
    arms = angle_profile([RAISE] * 3, rest=5.0, peak=160.0)
    frames = np.stack([keypoints(Pose(shoulder=(a, a)), view="front", scale=SCALE) for a in arms])
    shrug = 0.04 * SCALE * (arms - arms.min()) / np.ptp(arms)
    for name in ("left_shoulder", "right_shoulder"):
        frames[:, KP[name], 1] -= shrug
    frames[..., :2] += np.random.default_rng(5).normal(0.0, 0.01 * SCALE, frames[..., :2].shape)
    track = KeypointTrack(np.arange(len(arms)) / 30.0, frames, 1000, 1000)
    measures = score_track(track, HEEL_RAISE)
    assert measures.reps.items == [] and measures.reps.thresholds is None  # "no movement"
    assert max(v for v in measures.heights["body_rise"] if v is not None) < 1.5


def test_the_elbows_and_wrists_do_not_enter_the_body_rise():
    track = heel_raise_track(10.0, [RAISE] * 2, noise_pct=0.5, seed=2)
    xy = clean_keypoints(track.timestamps, track.keypoints)
    waved = xy.copy()
    arm = [KP[name] for name in ARM_KEYPOINTS]
    waved[:, arm, 1] -= np.linspace(0.0, 2.0 * SCALE, len(xy))[:, None]  # hands up the wall
    assert not set(ARM_KEYPOINTS) & set(BODY_RISE_KEYPOINTS)
    np.testing.assert_array_equal(body_rise(waved), body_rise(xy))


def test_dipping_at_the_knees_is_no_heel_raise():
    """Four quick 9 % dips between arm raises (the lateral-raise clip in shared/testdata does this):
    the body goes down from standing, never up, so nothing is counted. With each keypoint's
    lowest usual position as its standing level, upright would read 9 % "risen" and count 4."""
    standing = keypoints(Pose(), view="front", scale=SCALE)
    dips = angle_profile(
        [Movement(1.0, rise=0.2, hold=0.1, fall=0.2, rest=2.0)] * 4, rest=0.0, peak=0.09 * SCALE
    )
    frames = np.repeat(standing[None], len(dips), axis=0)
    knees = [KP[f"{side}_knee"] for side in SIDES]
    ankles = [KP[f"{side}_ankle"] for side in SIDES]
    above_knees = [i for i in range(len(standing)) if i not in knees + ankles]
    frames[:, above_knees, 1] += dips[:, None]  # everything above the knees goes down...
    frames[:, knees, 1] += dips[:, None] / 3  # ...the knees a little, the ankles not at all
    frames[..., :2] += np.random.default_rng(7).normal(0.0, 0.005 * SCALE, frames[..., :2].shape)
    track = KeypointTrack(np.arange(len(dips)) / 30.0, frames, 1000, 1000)
    measures = score_track(track, HEEL_RAISE)
    assert measures.reps.items == [] and measures.reps.thresholds is None
    assert max(v for v in measures.heights["body_rise"] if v is not None) < 1.5


def test_body_rise_is_unknown_without_ankles_or_with_too_few_keypoints():
    track = heel_raise_track(10.0, [RAISE], noise_pct=0.5)
    xy = clean_keypoints(track.timestamps, track.keypoints)
    no_ankles = xy.copy()
    no_ankles[:, [KP["left_ankle"], KP["right_ankle"]]] = np.nan  # no frame with flat feet known
    assert np.isnan(body_rise(no_ankles)).all()
    few = xy.copy()
    few[5:10, [KP[n] for n in BODY_RISE_KEYPOINTS[:10]]] = np.nan  # 3 keypoints left there
    rise = body_rise(few)
    assert np.isnan(rise[5:10]).all() and np.isfinite(rise[:5]).all()


def test_the_protocol_takes_body_rise_on_both_sides_only():
    params = reps_on_angle("body_rise")
    assert params.unit == "% torso"
    assert get_protocol("reps_on_angle").units(params)["peak_angle"] == "% torso"
    assert set(params.required_keypoints) == {
        f"{side}_{part}" for side in ("left", "right") for part in ("hip", "knee", "ankle")
    }
    assert "body_rise" in get_protocol("reps_on_angle").param_choices["joint"]
    for side in ("left", "right", "best"):
        with pytest.raises(ProtocolError, match="one series for the whole body"):
            reps_on_angle("body_rise", side=side)


def test_the_catalog_heel_raise_counts_the_body_rise():
    params = HEEL_RAISE.make_protocol()
    assert (params.joint, params.side, params.needs_whole_body) == ("body_rise", "both", False)
    assert {"left_ankle", "right_ankle", "left_knee", "right_knee"} <= set(
        params.required_keypoints
    )


@pytest.mark.slow
def test_the_real_rear_view_heel_raise_clip_has_three_repetitions():
    """Filmed from behind, hands on a wall; counted by eye: 3 (up ~0.8-2.0, 3.3-4.8, 6.4-7.4 s)."""
    path = require_testdata("real/heel_raise_rear_wall_1.mp4")
    reps = analyze_clip(path, exercise=HEEL_RAISE).measures.reps
    assert len(reps.items) == 3
    up = ((0.8, 2.0), (3.3, 4.8), (6.4, 7.4))
    assert all(lo <= r.peak_time <= hi for r, (lo, hi) in zip(reps.items, up, strict=True))
    assert all(8.0 < r.peak_angle < 20.0 for r in reps.items)  # 4-10 cm on a ~50 cm torso
