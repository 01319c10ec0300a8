"""The four-stage balance test and the range-of-motion assessments on synthetic clips."""

from __future__ import annotations

import numpy as np
import pytest

from pose.measures.scoring import score_track
from tests.support.clinical_specs import clinical_spec
from tests.support.synthetic import Pose, four_stage_track, make_track

FRAME = 1 / 30 + 1e-6


def test_four_stages_held_then_the_foot_comes_down():
    # 10.5 s in each of the first three, then 4 s on one foot and back to both feet
    track, bounds = four_stage_track((10.5, 10.5, 10.5, 4.0, 2.0))
    measures = score_track(track, clinical_spec("four_stage_balance"))
    outcome = measures.outcome
    stages = {p.name: p for p in outcome.phases}
    assert list(stages) == ["feet_together", "semi_tandem", "tandem", "single_leg"]
    for name, (start, end) in zip(stages, bounds, strict=False):
        assert stages[name].seconds == pytest.approx(end - start, abs=3 * FRAME)
    assert [p.completed for p in outcome.phases] == [True, True, True, False]
    assert outcome.count == 3 and outcome.completed
    assert outcome.interpretation.startswith("Stage 3 of 4 reached (tandem stance held 10 s)")
    assert measures.quality.trust["test"].level == "ok"


def test_tandem_not_held_is_a_fall_risk():
    track, _ = four_stage_track((10.5, 10.5, 6.0, 0.0, 2.0))
    outcome = score_track(track, clinical_spec("four_stage_balance")).outcome
    assert outcome.count == 2
    assert [p.completed for p in outcome.phases][:3] == [True, True, False]
    assert "tandem stance was not held 10 s, an increased risk of falling" in (
        outcome.interpretation
    )


def test_clip_ending_during_a_stance_is_check():
    track, _ = four_stage_track((10.5, 10.5, 10.5, 6.0))
    measures = score_track(track, clinical_spec("four_stage_balance"))
    assert measures.quality.trust["test"].level == "check"
    assert not measures.outcome.completed


def _raise(peak: float, spike: float | None = None, fps: float = 30.0) -> list[Pose]:
    up = np.concatenate(
        [np.zeros(15), np.linspace(0, peak, 30), np.full(20, peak), np.linspace(peak, 0, 30)]
    )
    if spike is not None:
        up[80] = spike  # one frame: a keypoint jump
    return [Pose(shoulder=(a, a), shoulder_plane="flexion") for a in up]


def test_rom_is_the_best_range_held_half_a_second_not_a_spike():
    track = make_track(_raise(150.0, spike=178.0), view="side")
    outcome = score_track(track, clinical_spec("shoulder_flexion_rom")).outcome
    assert outcome.degrees == pytest.approx(150.0, abs=1.0)
    assert outcome.norm["typical"] == 180 and "Norkin" in outcome.norm["source"]
    assert outcome.interpretation.startswith("150° (")
    assert "83 % of the typical 180°" in outcome.interpretation


def test_rom_held_too_briefly_reads_lower():
    up = np.concatenate([np.zeros(15), np.linspace(0, 150, 30), np.full(5, 150.0), np.zeros(30)])
    track = make_track([Pose(shoulder=(a, a), shoulder_plane="flexion") for a in up])
    outcome = score_track(track, clinical_spec("shoulder_flexion_rom")).outcome
    assert outcome.degrees < 140  # 5 frames at 150 is not half a second


def test_rom_from_the_wrong_view_is_check():
    track = make_track(_raise(150.0), view="front")
    measures = score_track(track, clinical_spec("shoulder_flexion_rom"))
    assert measures.quality.trust["test"].level == "check"
