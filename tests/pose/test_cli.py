"""`python -m pose analyze`: the result JSON contract, and a playable overlay video."""

from __future__ import annotations

import json
import subprocess
import sys

import av
import pytest

from pose.keypoints import NUM_KEYPOINTS
from tests.support.clips import shared_file

CONTRACT = {"model", "engine_version", "video", "timestamps", "keypoints", "pose_scores"}


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pose",
            "analyze",
            str(shared_file("pose_1.mp4")),
            "--out",
            str(out / "result.json"),
            "--overlay",
            str(out / "overlay.mp4"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return json.loads((out / "result.json").read_text()), out / "overlay.mp4", run.stderr


def test_result_contract(analyzed):
    result, _, _ = analyzed
    assert CONTRACT <= result.keys()
    assert result["schema_version"] == 1 and "exercise" not in result  # no measures asked for
    assert result["model"] == "movenet-lightning"
    video = result["video"]
    assert (video["width"], video["height"], video["rotation"]) == (576, 576, 0)
    assert video["frames"] == 120 and abs(video["fps"] - 30) < 0.01
    assert abs(video["duration"] - 4.0) < 0.05
    assert (
        len(result["timestamps"]) == len(result["keypoints"]) == len(result["pose_scores"]) == 120
    )
    assert all(
        len(frame) == NUM_KEYPOINTS and all(len(row) == 3 for row in frame)
        for frame in result["keypoints"]
    )
    assert result["timestamps"][1] == pytest.approx(1 / 30, abs=1e-4)
    nose_x, nose_y, nose_score = result["keypoints"][0][0]
    assert 250 < nose_x < 330 and 170 < nose_y < 240 and nose_score > 0.3


def test_overlay_is_a_playable_mp4_with_every_frame(analyzed):
    _, overlay, stderr = analyzed
    with av.open(str(overlay)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = sum(1 for _ in container.decode(stream))
    assert frames == 120
    assert "120 frames, 576x576" in stderr


def test_analyze_with_exercise_adds_measures(tmp_path):
    out = tmp_path / "r.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pose",
            "analyze",
            str(shared_file("pose_1.mp4")),
            "--exercise",
            "shoulder_abduction",
            "--out",
            str(out),
            "--plot",
            str(tmp_path / "a.png"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(out.read_text())
    assert result["reps"]["count"] == 1
    assert {"angles", "quality", "reps"} <= result.keys()
    assert (tmp_path / "a.png").stat().st_size > 5000


def test_unknown_exercise_is_a_clear_error(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pose",
            "analyze",
            str(shared_file("pose_1.mp4")),
            "--exercise",
            "moonwalk",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "moonwalk" in run.stderr.splitlines()[-1]


def test_score_a_keypoint_track_gives_the_same_measures_as_analyze(analyzed, tmp_path):
    result, _, _ = analyzed
    track = {k: result[k] for k in ("video", "timestamps", "keypoints")}
    track["injected"] = "ignored"
    (tmp_path / "track.json").write_text(json.dumps(track))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pose",
            "score",
            "--keypoints",
            str(tmp_path / "track.json"),
            "--exercise",
            "shoulder_abduction",
            "--out",
            str(tmp_path / "scored.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    scored = json.loads((tmp_path / "scored.json").read_text())
    assert scored["reps"]["count"] == 1
    assert scored["model"] == "device" and "injected" not in scored
    assert scored["video"]["frames"] == 120 and len(scored["keypoints"]) == 120


def test_score_reports_a_malformed_track(tmp_path):
    (tmp_path / "bad.json").write_text(
        json.dumps({"video": {"width": 10, "height": 10}, "timestamps": [0, 0], "keypoints": []})
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pose",
            "score",
            "--keypoints",
            str(tmp_path / "bad.json"),
            "--exercise",
            "squat",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith("error: 2 timestamps for 0 frames")
