"""Balance holds on synthetic front-view tracks whose stance start, loss and sway are known."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pose.measures.balance import balance_score, sway_measures
from pose.measures.catalog import get_exercise
from pose.measures.scoring import score_track
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
    t_down = t_up + hold
    poses = single_leg_poses(t_up, t_down, lift, ramp if t_up else 0.01, t_down + 1.5)
    track = make_track(poses, view="front", noise=noise, facing=facing)
    balance = score_track(track, SINGLE_LEG.with_params(target_seconds=5)).balance
    assert abs(balance.hold_seconds - hold) <= 2 / FPS + 0.001  # results are rounded to ms
    assert abs(balance.lost_at - t_down) <= 2 / FPS + 0.001  # results are rounded to ms
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


def test_hands_reaching_out_ends_the_hold():
    poses = single_leg_poses(0.5, 9.0, 0.4, 0.2, 10.0)
    poses = [
        p if i < 120 else Pose(knee_flexion=p.knee_flexion, shoulder=(90.0, 90.0))
        for i, p in enumerate(poses)
    ]
    balance = score_track(make_track(poses, view="front"), SINGLE_LEG).balance
    assert balance.lost_reason == "hands reached out"
    assert abs(balance.lost_at - 4.0) <= 1 / FPS + 1e-9


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


def test_clip_ending_before_the_target_is_not_trusted():
    poses = single_leg_poses(0.5, 99.0, 0.4, 0.2, 6.0)
    result = score_track(make_track(poses, view="front"), SINGLE_LEG)
    assert result.balance.lost_at is None
    assert result.balance.score is None and result.quality.trusted is False
    assert any("still held" in p for p in result.quality.problems)
