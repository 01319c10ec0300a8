"""The reference MoveNet track of pose_1.mp4 (arms raised overhead once) as shoulder_abduction."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from pose.angles import shoulder_elevation
from pose.catalog import get_exercise
from pose.keypoints import KEYPOINT_NAMES
from pose.scoring import score_track
from pose.track import KeypointTrack

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"


def _reference_track() -> KeypointTrack:
    path = TESTDATA / "pose_1.json"
    if not path.is_file():
        message = f"reference data {path} not found (../shared/testdata beside the checkout)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    frames = json.loads(path.read_text())
    keypoints = np.array(
        [[[f[name]["x"], f[name]["y"], 1.0] for name in KEYPOINT_NAMES] for f in frames]
    )
    return KeypointTrack(np.arange(len(frames)) / 30.0, keypoints, 576, 576)


def test_one_repetition_with_the_peak_the_raw_keypoints_give():
    track = _reference_track()
    result = score_track(track, get_exercise("shoulder_abduction"))
    assert result["quality"]["trusted"], result["quality"]["problems"]
    assert result["quality"]["view"]["observed"] == "front"
    reps = result["reps"]
    assert reps["count"] == 1
    assert reps["partial"] == []
    raw = np.mean([shoulder_elevation(track.xy, s) for s in ("left", "right")], axis=0)
    peak = reps["items"][0]["peak_angle"]
    assert abs(peak - raw.max()) < 5.0
    assert peak > 160.0  # the person raises both arms to roughly 165-175 degrees
    assert 1.0 < reps["items"][0]["peak_time"] < 3.0
