"""The result JSON changes only when we mean it to: real engine outputs (``tests/pose/data``),
compared key by key and number by number.

First recorded with the engine at commit 481a271 (the flat ``pose/`` layout), which the typed
result reproduced exactly; recorded again for engine 0.5.0 (graded trust, body_rise, the new
balance timing: see CHANGELOG.md); 0.6.0 changed only the version field. LiteRT float, 2 threads:

    python -m pose analyze pose_1.mp4 --exercise shoulder_abduction --out pose_1_shoulder_abduction.json
    python -m pose score --keypoints pose_1_shoulder_abduction.json --exercise single_leg_stance \\
        --out pose_1_single_leg_stance.json

Only ``processing_seconds`` (timing), and the keys added since (``schema_version``, ``outcome``),
may differ. If a deliberate change of the numbers makes these fail, record the files again with
the commands above and say why in the commit. (Keypoints are rounded to 0.01 px: a CPU whose
XNNPACK kernels round differently could move one in its last digit.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pose.measures.catalog import get_exercise
from pose.pipeline import analyze_clip, score_track_json
from pose.result import SCHEMA_VERSION, Result
from tests.support.shared_data import require_testdata

DATA = Path(__file__).parent / "data"
SHOULDER = DATA / "pose_1_shoulder_abduction.json"
SINGLE_LEG = DATA / "pose_1_single_leg_stance.json"
NOT_COMPARED = ("processing_seconds",)


def recorded(path: Path) -> dict:
    data = json.loads(path.read_text())
    for key in NOT_COMPARED:
        data.pop(key, None)
    return data


def comparable(result: Result) -> dict:
    """``result.to_json()`` through JSON text (as stored), without timing."""
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert data["schema_version"] == SCHEMA_VERSION
    for key in NOT_COMPARED:
        data.pop(key, None)
    return data


def assert_same(ours: dict, expected: dict) -> None:
    assert set(ours) == set(expected)
    for key in expected:  # one key at a time: a failure names the part that changed
        assert ours[key] == expected[key], key


def test_the_engine_on_the_real_clip_gives_the_recorded_result():
    result = analyze_clip(
        require_testdata("pose_1.mp4"),
        exercise=get_exercise("shoulder_abduction"),
        backend="litert",
        precision="float",
        num_threads=2,
    )
    assert isinstance(result.track.processing_seconds, float)
    assert_same(comparable(result), recorded(SHOULDER))


def test_rescoring_the_recorded_track_gives_the_recorded_measures():
    """What the platform does with a stored result: no model, same measures."""
    track = json.loads(SHOULDER.read_text())
    result = score_track_json(track, get_exercise("shoulder_abduction"))
    expected = recorded(SHOULDER)
    for key in ("backend", "precision", "person_found", "people_seen", "warnings"):
        del expected[key]  # what a re-scored track does not know: not measured, so absent
    assert result.track.people_seen is None and result.track.backend is None
    assert_same(comparable(result), expected)


def test_the_recorded_track_scored_for_single_leg_stance_gives_the_recorded_balance():
    result = score_track_json(json.loads(SHOULDER.read_text()), get_exercise("single_leg_stance"))
    assert_same(comparable(result), recorded(SINGLE_LEG))


@pytest.mark.parametrize("path", [SHOULDER, SINGLE_LEG], ids=lambda p: p.stem)
def test_recorded_results_read_back_unchanged(path):
    data = json.loads(path.read_text())
    result = Result.from_json(data)
    assert result.to_json() == data
    assert Result.from_json(result.to_json()) == result


def test_a_result_stored_before_schema_version_and_graded_trust_still_reads():
    data = json.loads(SHOULDER.read_text())
    for key in ("schema_version", "outcome"):
        del data[key]
    del data["quality"]["trust"]
    result = Result.from_json(data)  # read as schema 1, no measure graded
    assert result.measures.quality.trust == {} and result.measures.quality.level("count") is None
