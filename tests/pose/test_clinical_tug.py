"""Timed Up and Go on synthetic side/oblique clips with known phases.

The stick figure rises, walks across the picture (smaller at the turn: an oblique camera),
turns through facing the camera, walks back and sits. The total is known to two frames (the
smoothed hip height approaches its plateaus gradually); the walk and turn boundaries are the
documented approximation (the turn zone, the last 10 % of the way out and the first of the way
back), so the tests check what they must contain, not exact times.
"""

from __future__ import annotations

import pytest

from pose.measures.scoring import score_track
from tests.support.clinical_specs import clinical_spec
from tests.support.synthetic import TugTimes, tug_track

TWO_FRAMES = 2 / 30 + 0.01


@pytest.mark.parametrize(
    "times",
    [TugTimes(), TugTimes(rise=0.9, walk_out=5.0, turn=2.0, walk_back=5.5, sit=2.0, far_scale=0.6)],
)
def test_time_is_rise_to_seated_with_five_phases_in_order(times):
    track, bounds = tug_track(times)
    outcome = score_track(track, clinical_spec("timed_up_and_go", age=72)).outcome
    assert outcome.completed
    assert outcome.seconds == pytest.approx(bounds["sit"][1] - bounds["rise"][0], abs=TWO_FRAMES)
    phases = {p.name: p for p in outcome.phases}
    assert list(phases) == ["rise", "walk_out", "turn", "walk_back", "sit"]
    assert phases["rise"].seconds == pytest.approx(times.rise, abs=TWO_FRAMES)
    # the first moments of sitting bend the knees a degree or two and barely lower the hips:
    # the sit is seen from where they drop, up to a quarter of a second later
    assert times.sit - 0.25 <= phases["sit"].seconds <= times.sit + TWO_FRAMES
    for before, after in zip(outcome.phases, outcome.phases[1:], strict=False):
        assert before.end == after.start  # contiguous
    assert sum(p.seconds for p in outcome.phases) == pytest.approx(outcome.seconds, abs=0.05)
    turn = phases["turn"]  # the zone holds the whole rotation
    assert turn.start <= bounds["turn"][0] + 0.05 and turn.end >= bounds["turn"][1] - 0.05
    assert outcome.norm["band"]["typical"] == 9.2 and outcome.norm["cutoff"] == 12


def test_slow_tug_is_above_the_cut_off():
    track, bounds = tug_track(TugTimes(walk_out=5.0, turn=2.0, walk_back=5.0, sit=2.0))
    outcome = score_track(track, clinical_spec("timed_up_and_go")).outcome
    assert outcome.seconds > 12
    assert outcome.interpretation.startswith(f"{outcome.seconds:.1f} s: at or above the 12 s")
    assert "age is not known" in outcome.interpretation


def test_person_leaving_the_picture_is_withheld_with_the_reason():
    track, _ = tug_track(TugTimes(), leave=(4.0, 5.0))
    measures = score_track(track, clinical_spec("timed_up_and_go"))
    outcome = measures.outcome
    assert measures.quality.trust["test"].level == "unreliable"
    assert outcome.seconds is None and not outcome.completed
    assert "left the picture from 4.0 to 5.0 s" in outcome.interpretation
    assert measures.summary.figures["seconds"] is None


def test_clip_ending_before_sitting_has_no_time():
    times = TugTimes()
    track, bounds = tug_track(times)
    cut = track.timestamps <= bounds["walk_back"][1]
    from pose.track import KeypointTrack

    short = KeypointTrack(track.timestamps[cut], track.keypoints[cut], track.width, track.height)
    measures = score_track(short, clinical_spec("timed_up_and_go"))
    assert measures.outcome.seconds is None
    assert "before the person sat back down" in measures.outcome.interpretation
