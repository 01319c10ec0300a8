"""The clinical tests on a real clip: a young man rises from a cafe chair (pushing on his knees,
about 1.4-3.3 s by eye, see clips.json) and walks off without sitting down again, filmed at an
angle by a hand-held phone that pans to follow him. A Timed Up and Go or a five-times sit to
stand cannot be timed from it; the engine must say so, not guess."""

from __future__ import annotations

import pytest

from pose.measures.scoring import score_track
from pose.pipeline import analyze_clip
from tests.support.clinical_specs import clinical_spec
from tests.support.shared_data import require_testdata

CLIP = "real/sit_to_stand_oblique_walkout_1.mp4"


@pytest.fixture(scope="module")
def track():
    result = analyze_clip(require_testdata(CLIP), model="lightning")
    return result.track.keypoint_track()


def test_tug_without_the_walk_back_is_withheld_with_the_reason(track):
    measures = score_track(track, clinical_spec("timed_up_and_go"))
    outcome = measures.outcome
    assert outcome.seconds is None and not outcome.completed
    assert measures.quality.trust["test"].level == "unreliable"
    rise = outcome.phases[0]
    assert rise.name == "rise" and 1.2 <= rise.start <= 2.2 and 2.2 <= rise.end <= 3.4


def test_one_stand_is_not_a_five_times_sit_to_stand(track):
    outcome = score_track(track, clinical_spec("five_times_sit_to_stand")).outcome
    assert outcome.seconds is None and not outcome.completed
    assert outcome.interpretation == "Only 1 of 5 stands were seen, so the test was not timed."
