"""score_track's contract: keys, JSON types, rep vs balance parts, summary and plot."""

from __future__ import annotations

import json

from pose.measures.catalog import get_exercise
from pose.measures.scoring import score_track
from pose.pipeline import score_track_json
from pose.tools.plot import plot_result
from tests.support.synthetic import Movement, Pose, angle_profile, make_track

TOP_KEYS = {
    "exercise",
    "protocol",
    "angles",
    "primary_angle",
    "reps",
    "balance",
    "quality",
    "summary",
}
REP_KEYS = {
    "index",
    "side",
    "start",
    "end",
    "peak_time",
    "peak_angle",
    "start_angle",
    "range_of_motion",
    "duration",
    "concentric_seconds",
    "eccentric_seconds",
}


def _abduction_track():
    a = angle_profile([Movement(1.0, 1.0, 0.3, 1.0, 0.5)] * 3, rest=10, peak=170)
    return make_track([Pose(shoulder=(x, x)) for x in a], view="front")


def test_rep_protocol_result(tmp_path):
    track = _abduction_track()
    result = score_track(track, get_exercise("shoulder_abduction"))
    data = result.to_json()
    assert TOP_KEYS <= set(data)
    json.dumps(data, allow_nan=False)
    assert result.exercise == "shoulder_abduction" and result.protocol == "reps_on_angle"
    assert result.balance is None and data["balance"] is None
    assert result.reps.count == 3
    assert REP_KEYS <= set(data["reps"]["items"][0])
    assert set(data["reps"]["thresholds"]) == {"enter", "exit"}
    assert abs(result.summary.figures["peak_angle"] - 170) < 2
    assert len(result.angles["left_knee_flexion"]) == track.frames
    first = result.angles["left_shoulder_abduction"][0]
    assert first == round(first, 1)
    plot_result(
        score_track_json(track.to_json(), get_exercise("shoulder_abduction")), tmp_path / "reps.png"
    )
    assert (tmp_path / "reps.png").stat().st_size > 5000


def test_balance_protocol_result(tmp_path):
    from tests.support.synthetic import stance_knee_for_lift

    poses = [Pose()] * 15 + [Pose(knee_flexion=(stance_knee_for_lift(0.4), 0.0))] * 200
    result = score_track(
        make_track(poses, view="front"), get_exercise("tandem_stance").with_params()
    )
    json.dumps(result.to_json(), allow_nan=False)
    single_leg = get_exercise("single_leg_stance").with_params(target_seconds=5)
    track = make_track(poses + [Pose()] * 20, view="front")
    single = score_track(track, single_leg)
    assert single.reps is None and single.primary_angle is None
    balance = single.balance
    assert {
        "stance",
        "hold_seconds",
        "started_at",
        "lost_at",
        "lost_reason",
        "sway",
        "score",
        "score_formula",
    } <= set(balance.to_json())
    assert set(balance.to_json()["sway"]) == {"path_length_per_s", "rms", "ellipse_area_95"}
    assert balance.lifted_side == "left" and abs(balance.hold_seconds - 200 / 30) < 0.15
    assert 90 < balance.score <= 100
    plot_result(score_track_json(track.to_json(), single_leg), tmp_path / "balance.png")
    assert (tmp_path / "balance.png").stat().st_size > 5000
