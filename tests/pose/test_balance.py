"""Balance holds on synthetic front-view tracks whose stance start, loss and sway are known."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pose.measures.balance import balance_score, sway_measures
from pose.measures.catalog import get_exercise
from pose.measures.scoring import score_track
from pose.track import KeypointTrack
from tests.support.synthetic import Pose, make_track, stance_knee_for_lift

FPS = 30.0
SINGLE_LEG = get_exercise("single_leg_stance")


def single_leg_poses(
    t_up: float,
    t_down: float,
    lift: float,
    ramp: float,
    total: float,
    sway: float = 0.0,
    sway_hz: float = 0.5,
    arms: float = 0.0,
) -> list[Pose]:
    """Right foot leaves the floor at ``t_up`` and is back on it at ``t_down``."""
    t = np.arange(int(round(total * FPS))) / FPS
    height = np.zeros_like(t)
    up = (t >= t_up) & (t < t_up + ramp)
    height[up] = lift * (1 - np.cos(np.pi * (t[up] - t_up) / ramp)) / 2
    height[(t >= t_up + ramp) & (t < t_down - ramp)] = lift
    down = (t >= t_down - ramp) & (t < t_down)
    height[down] = lift * (1 + np.cos(np.pi * (t[down] - t_down + ramp) / ramp)) / 2
    return [
        Pose(
            knee_flexion=(0.0, stance_knee_for_lift(h)),
            shift=(
                sway * np.sin(2 * np.pi * sway_hz * ti),
                0.5 * sway * np.cos(2 * np.pi * sway_hz * ti),
            ),
            shoulder=(arms, arms),
        )
        for ti, h in zip(t, height, strict=True)
    ]


@settings(max_examples=40, deadline=None)
@given(
    t_up=st.one_of(st.just(0.0), st.floats(0.5, 2.0)),
    hold=st.floats(2.5, 12.0),
    lift=st.floats(0.25, 0.5),
    ramp=st.floats(0.15, 0.4),
    noise=st.floats(0.0, 0.01),
    facing=st.sampled_from([1, -1]),
)
def test_hold_runs_from_foot_off_to_foot_down_within_two_frames(
    t_up, hold, lift, ramp, noise, facing
):
    """The foot is off the floor while it is ``touch`` (5 % of torso length) above the other
    ankle: on a half-cosine lift of height ``lift`` over ``ramp`` seconds that is from
    ``ramp * arccos(1 - 2 touch / lift) / pi`` after the rise starts to as long before the
    descent ends."""
    t_down = t_up + hold
    ramp = ramp if t_up else 0.01
    poses = single_leg_poses(t_up, t_down, lift, ramp, t_down + 1.5)
    track = make_track(poses, view="front", noise=noise, facing=facing)
    params = SINGLE_LEG.with_params(target_seconds=5)
    balance = score_track(track, params).balance
    lag = ramp * np.arccos(1 - 2 * params.make_protocol().touch / lift) / np.pi
    off, down = (t_up + lag if t_up else 0.0), t_down - lag
    assert abs(balance.started_at - off) <= 2 / FPS + 0.001  # results are rounded to ms
    assert abs(balance.lost_at - down) <= 2 / FPS + 0.001
    assert abs(balance.hold_seconds - (down - off)) <= 3 / FPS + 0.001
    assert balance.lost_reason == "lifted foot came down"
    assert balance.lifted_side == "right"


@settings(max_examples=30, deadline=None)
@given(small=st.floats(0.0, 0.04), extra=st.floats(0.01, 0.05), hz=st.floats(0.3, 1.0))
def test_more_sway_gives_a_lower_score(small, extra, hz):
    def score(amplitude):
        poses = single_leg_poses(0.5, 8.0, 0.4, 0.2, 9.0, sway=amplitude, sway_hz=hz)
        result = score_track(
            make_track(poses, view="front"), SINGLE_LEG.with_params(target_seconds=5)
        )
        return result.balance

    calm, shaky = score(small), score(small + extra)
    assert shaky.sway.rms > calm.sway.rms
    assert shaky.score < calm.score


def test_sway_measures_of_a_known_circle():
    t = np.linspace(0, 10, 1001)
    r = 0.1
    points = np.stack([r * np.cos(2 * np.pi * t), r * np.sin(2 * np.pi * t)], axis=1)
    sway = sway_measures(points, t)
    assert abs(sway["rms"] - r) < 1e-3
    assert abs(sway["path_length_per_s"] - 2 * np.pi * r) < 1e-2
    # covariance r^2/2 on each axis: area = pi * 5.991 * r^2 / 2
    assert abs(sway["ellipse_area_95"] - np.pi * 5.991 * r**2 / 2) < 1e-3


def test_score_formula_values():
    assert balance_score(10, 10, 0.0) == 100.0
    assert abs(balance_score(10, 10, 0.05) - 50.0) < 1e-9
    assert abs(balance_score(5, 10, 0.0) - 50.0) < 1e-9
    assert balance_score(30, 10, 0.01) > balance_score(30, 10, 0.02)


def _arms_out_from(seconds: float) -> list[Pose]:
    poses = single_leg_poses(0.5, 9.0, 0.4, 0.2, 10.0)
    return [
        p if i < seconds * FPS else Pose(knee_flexion=p.knee_flexion, shoulder=(90.0, 90.0))
        for i, p in enumerate(poses)
    ]


def test_arms_moving_are_an_event_and_the_hold_keeps_running():
    balance = score_track(make_track(_arms_out_from(4.0), view="front"), SINGLE_LEG).balance
    assert balance.lost_reason == "lifted foot came down"
    assert abs(balance.lost_at - 9.0) <= 0.2
    [event] = balance.events
    assert event.kind == "arms" and abs(event.start - 4.0) <= 1 / FPS + 1e-9
    assert "hand" in event.detail


def test_arms_raised_overhead_are_an_event_too():
    poses = single_leg_poses(0.5, 9.0, 0.4, 0.2, 10.0)
    poses = [
        p if not 3.0 <= i / FPS < 6.0 else Pose(knee_flexion=p.knee_flexion, shoulder=(170, 170))
        for i, p in enumerate(poses)
    ]
    balance = score_track(make_track(poses, view="front"), SINGLE_LEG).balance
    assert balance.lost_reason == "lifted foot came down"
    [event] = balance.events
    assert abs(event.start - 3.0) <= 0.15 and abs(event.end - 6.0) <= 0.15


def test_a_formal_test_ends_the_hold_when_the_arms_move():
    formal = SINGLE_LEG.with_params(end_on_posture=True)
    balance = score_track(make_track(_arms_out_from(4.0), view="front"), formal).balance
    assert balance.lost_reason == "hands reached out"
    assert abs(balance.lost_at - 4.0) <= 1 / FPS + 1e-9


def test_a_camera_jump_is_no_step():
    """A screen recording that reframes: the whole picture jumps by a third of a torso."""
    track = make_track(single_leg_poses(0.5, 8.0, 0.4, 0.2, 9.0), view="front")
    keypoints = track.keypoints.copy()
    jump = track.timestamps >= 3.0
    keypoints[jump, :, 0] += 40.0
    keypoints[jump, :, 1] += 25.0
    moved = KeypointTrack(track.timestamps, keypoints, track.width, track.height)
    balance = score_track(moved, SINGLE_LEG).balance
    assert balance.lost_reason == "lifted foot came down"
    assert abs(balance.lost_at - 8.0) <= 0.2


def test_a_real_step_of_the_standing_foot_ends_the_hold():
    poses = single_leg_poses(0.5, 9.0, 0.4, 0.2, 10.0)
    poses = [
        p if i < 4.0 * FPS else Pose(knee_flexion=p.knee_flexion, stance_width=0.5)
        for i, p in enumerate(poses)
    ]
    balance = score_track(make_track(poses, view="front"), SINGLE_LEG).balance
    assert balance.lost_reason == "stance foot moved"
    assert abs(balance.lost_at - 4.0) <= 0.2


def test_tandem_hold_from_position_reached_until_a_foot_lifts():
    n = int(8 * FPS)
    poses = []
    for i in range(n):
        t = i / FPS
        together = 1.0 <= t
        lifted = t >= 6.0
        poses.append(
            Pose(
                stance_width=-0.2 if together else 0.2,
                knee_flexion=(0.0, stance_knee_for_lift(0.3) if lifted else 0.0),
            )
        )
    balance = score_track(make_track(poses, view="front"), get_exercise("tandem_stance")).balance
    assert abs(balance.started_at - 1.0) <= 2 / FPS
    assert abs(balance.hold_seconds - 5.0) <= 3 / FPS
    assert balance.lost_reason in ("a foot was lifted", "stance foot moved")


def test_stance_never_reached_scores_zero():
    track = make_track([Pose()] * 90, view="front")
    balance = score_track(track, SINGLE_LEG.with_params(target_seconds=2)).balance
    assert balance.started_at is None and balance.hold_seconds == 0.0 and balance.trace is None
    assert balance.score == 0.0


def test_a_hold_cut_short_by_the_clip_is_shown_as_at_least_that_long():
    poses = single_leg_poses(0.5, 99.0, 0.4, 0.2, 6.0)
    result = score_track(make_track(poses, view="front"), SINGLE_LEG)
    assert result.balance.lost_at is None and result.balance.held_to_clip_end
    assert abs(result.summary.figures["hold_seconds"] - 5.5) <= 0.15  # reported, not withheld
    assert result.quality.level("hold") == "check" and result.quality.trusted is False
    assert any("at least" in r for r in result.quality.trust["hold"].reasons)
