"""Every catalog exercise has a demonstration track, and the engine's own measures on it show
the movement it demonstrates: the joint spans the demo range, a hold stands still, a chair test
sits and stands."""

from __future__ import annotations

import numpy as np
import pytest

from pose.measures import angles
from pose.measures.catalog import load_catalog
from pose.tools.demo_tracks import REPS, ROM_RANGE, demo_json, demo_json_for, demo_track

CATALOG = load_catalog()


def _joint_span(xy: np.ndarray, joint: str) -> tuple[float, float]:
    """The widest range either side's angle covers."""
    spans = [
        (float(np.nanmin(a)), float(np.nanmax(a)))
        for a in (angles._ANGLE_FUNCTIONS[joint](xy, side) for side in angles.SIDES)
    ]
    return max(spans, key=lambda s: s[1] - s[0])


@pytest.mark.parametrize("slug", sorted(CATALOG))
def test_every_exercise_has_a_demo_in_its_camera_view(slug):
    spec = CATALOG[slug]
    data = demo_json(spec)
    assert data["view"] == spec.camera_view
    frames = np.array(data["frames"])
    assert frames.shape[1:] == (17, 2) and frames.shape[0] >= 30
    assert (frames >= 0).all()
    assert (frames[..., 0] <= data["width"]).all() and (frames[..., 1] <= data["height"]).all()
    assert demo_json_for(slug)["slug"] == slug


@pytest.mark.parametrize(
    "slug", [s for s, e in CATALOG.items() if e.protocol in ("reps_on_angle", "rom_assessment")]
)
def test_the_measured_quantity_spans_the_demo_range(slug):
    spec = CATALOG[slug]
    xy = demo_track(spec).xy
    joint = spec.params["joint"]
    if joint in angles._ANGLE_FUNCTIONS:
        low, high = _joint_span(xy, joint)
        if spec.protocol == "rom_assessment":
            assert (low, high) == pytest.approx((0, ROM_RANGE[joint]), abs=2)
        else:
            demo = REPS[slug]
            assert (low, high) == pytest.approx((demo.low, demo.high), abs=3)
            assert high - low >= spec.params["min_range"]
            start = max(
                (angles._ANGLE_FUNCTIONS[joint](xy, side)[0] for side in angles.SIDES),
                key=lambda a: abs(a - (demo.high + demo.low) / 2),
            )
            rest = demo.high if spec.params["direction"] == "decrease" else demo.low
            assert start == pytest.approx(rest, abs=3)  # it starts where the movement rests
    else:  # a height: the body (heel raise) or the hips (step-up) rise
        rise = angles.body_rise(xy) if joint == "body_rise" else angles.hip_rise(xy)
        assert np.nanmax(rise) - np.nanmin(rise) >= spec.params["min_range"]


def test_side_and_front_views_differ():
    """Side view: a profile (shoulders nearly on top of each other); front: shoulders apart."""
    ls, rs = 5, 6
    side = demo_track(CATALOG["squat"]).xy[0]
    front = demo_track(CATALOG["shoulder_abduction"]).xy[0]
    assert abs(side[ls, 0] - side[rs, 0]) < 5
    assert abs(front[ls, 0] - front[rs, 0]) > 40


@pytest.mark.parametrize("slug", [s for s, e in CATALOG.items() if e.protocol == "hold_balance"])
def test_holds_stand_still(slug):
    xy = demo_track(CATALOG[slug]).xy
    legs_and_trunk = [5, 6, 11, 12, 13, 14, 15, 16]
    assert np.ptp(xy[:, legs_and_trunk], axis=0).max() < 1.0


@pytest.mark.parametrize("slug", ["five_times_sit_to_stand", "thirty_second_chair_stand"])
def test_chair_tests_sit_and_stand(slug):
    xy = demo_track(CATALOG[slug]).xy
    knee = angles.knee_flexion(xy, "left")
    stands = np.sum((knee[1:] < 5) & (knee[:-1] >= 5))
    expected = 5 if CATALOG[slug].params["test"] == "five_times" else 3
    assert stands == expected and knee.max() == pytest.approx(90, abs=1)


def test_timed_up_and_go_walks_out_turns_and_comes_back():
    xy = demo_track(CATALOG["timed_up_and_go"]).xy
    hips_x = xy[:, [11, 12], 0].mean(axis=1)
    assert hips_x.max() - hips_x[0] > 200  # three torso lengths out
    assert hips_x[-1] == pytest.approx(hips_x[0], abs=2)
    nose_ahead = xy[:, 0, 0] - hips_x  # the nose points the way the person faces
    assert (nose_ahead > 0).any() and (nose_ahead < 0).any()
