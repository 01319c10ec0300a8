"""The reference MoveNet track of pose_1.mp4 (arms raised overhead once) as shoulder_abduction."""

from __future__ import annotations

import json

import numpy as np

from pose.keypoints import KEYPOINT_NAMES
from pose.measures.angles import shoulder_elevation
from pose.measures.catalog import get_exercise
from pose.measures.scoring import score_track
from pose.track import KeypointTrack
from tests.support.shared_data import require_testdata


def reference_track() -> KeypointTrack:
    """The TF.js reference keypoints of pose_1.mp4 as a track (scores 1: the file has none)."""
    path = require_testdata("pose_1.json")
    frames = json.loads(path.read_text())
    keypoints = np.array(
        [[[f[name]["x"], f[name]["y"], 1.0] for name in KEYPOINT_NAMES] for f in frames]
    )
    return KeypointTrack(np.arange(len(frames)) / 30.0, keypoints, 576, 576)


def test_one_repetition_with_the_peak_the_raw_keypoints_give():
    track = reference_track()
    result = score_track(track, get_exercise("shoulder_abduction"))
    assert result.quality.trusted, result.quality.problems
    assert result.quality.view.observed == "front"
    reps = result.reps
    assert reps.count == 1
    assert reps.partial == []
    raw = np.mean([shoulder_elevation(track.xy, s) for s in ("left", "right")], axis=0)
    peak = reps.items[0].peak_angle
    assert abs(peak - raw.max()) < 5.0
    assert peak > 160.0  # the person raises both arms to roughly 165-175 degrees
    assert 1.0 < reps.items[0].peak_time < 3.0


def test_our_engine_on_the_real_clip_counts_one_rep_and_the_reference_peak():
    """The whole chain on pose_1.mp4: decode, track, angles, reps; peak within 10 degrees of the
    peak the published implementation's keypoints give."""
    from pose.pipeline import analyze_clip

    exercise = get_exercise("shoulder_abduction")
    ours = analyze_clip(require_testdata("pose_1.mp4"), exercise=exercise).measures
    expected = score_track(reference_track(), exercise)
    assert ours.reps.count == 1 and ours.reps.partial == []
    assert ours.quality.trusted, ours.quality.problems
    peak, reference_peak = (
        ours.reps.items[0].peak_angle,
        expected.reps.items[0].peak_angle,
    )
    assert abs(peak - reference_peak) <= 10.0
