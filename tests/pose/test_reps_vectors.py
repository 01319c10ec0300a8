"""The server's counter on the shared vectors (the browser's counter reads the same file)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pose.measures.catalog import get_exercise
from pose.measures.cleaning import MIN_SCORE
from pose.measures.scoring import score_track
from pose.track import KeypointTrack

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "reps_vectors.json").read_text()
)


def test_vectors_use_the_engine_score_gate():
    assert VECTORS["min_score"] == MIN_SCORE
    assert len(VECTORS["vectors"]) >= 6


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_server_counter_matches_expected_count(vector):
    track = KeypointTrack(
        np.asarray(vector["timestamps"], dtype=float),
        np.asarray(vector["keypoints"], dtype=float),
        vector["width"],
        vector["height"],
    )
    exercise = get_exercise(vector["exercise"]).with_params(**vector["params_override"])
    reps = score_track(track, exercise).reps
    assert reps.count == vector["expected"]["count"]
    assert len(reps.partial) == vector["expected"]["partial"]
