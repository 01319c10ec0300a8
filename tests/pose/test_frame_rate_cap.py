"""Slow-motion clips (60/120/240 fps) are analysed at about 30 fps by default, with their true
timestamps; ``--all-frames`` keeps every frame. The 120 fps clip is made as the bench makes it
(pose_1.mp4, each frame four times)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from pose.tools.bench import make_slow_motion_clip
from pose.tools.cli import build_parser
from pose.tracking import clip as clip_module
from pose.tracking.clip import track_clip
from pose.video.reader import VideoReader
from tests.support.clips import shared_file


@pytest.fixture(scope="module")
def slow_motion(tmp_path_factory):
    return make_slow_motion_clip(
        shared_file("pose_1.mp4"), tmp_path_factory.mktemp("fps") / "pose_1_120fps.mp4"
    )


@pytest.fixture(scope="module")
def analyses(slow_motion):
    capped = track_clip(slow_motion)
    every = track_clip(slow_motion, max_fps=None)
    original = track_clip(shared_file("pose_1.mp4"))
    return capped, every, original


def _distances(a, b) -> np.ndarray:
    return np.linalg.norm(
        np.asarray(a.keypoints)[..., :2] - np.asarray(b.keypoints)[..., :2], axis=-1
    )


def test_a_120_fps_clip_is_analysed_at_30_fps_with_its_true_timestamps(analyses):
    capped, every, original = analyses
    assert capped.video.fps == pytest.approx(120, abs=0.5)
    assert (capped.frames, every.frames, original.frames) == (120, 480, 120)
    steps = np.diff(capped.timestamps)
    assert steps == pytest.approx(np.full(119, 1 / 30), abs=1e-3)
    # the frames kept are every fourth one, at the times they were recorded
    assert capped.timestamps == pytest.approx(every.timestamps[::4], abs=1e-6)


def test_the_30_fps_analysis_matches_every_frame_and_the_30_fps_original_within_a_few_pixels(
    analyses,
):
    capped, every, original = analyses
    thinned = SimpleNamespace(keypoints=np.asarray(every.keypoints)[::4])
    for other in (thinned, original):
        distances = _distances(capped, other)
        assert np.median(distances) < 2.0, np.median(distances)
        assert np.percentile(distances, 95) < 6.0, np.percentile(distances, 95)


def test_the_filters_get_the_true_timestamps(slow_motion, monkeypatch):
    seen: list[float] = []
    original_call = clip_module.SinglePoseTracker.__call__

    def recording(self, image, timestamp_s):
        seen.append(timestamp_s)
        return original_call(self, image, timestamp_s)

    monkeypatch.setattr(clip_module.SinglePoseTracker, "__call__", recording)
    result = track_clip(slow_motion)
    assert seen == pytest.approx(list(result.timestamps), abs=1e-6)
    assert np.diff(seen) == pytest.approx(np.full(119, 1 / 30), abs=1e-3)


@pytest.mark.parametrize(
    ("nominal", "step"),
    [(30.0, None), (30.17, None), (29.97, None), (0.0, None), (60.0, 1 / 30), (240.0, 1 / 30)],
)
def test_the_cap_applies_only_clearly_above_30_fps(nominal, step):
    reader = SimpleNamespace(nominal_fps=nominal)
    assert VideoReader.frame_step(reader, 30.0) == step
    assert VideoReader.frame_step(reader, None) is None


def test_expected_frames_follow_the_cap(slow_motion):
    with VideoReader(slow_motion) as reader:
        assert reader.nominal_frames == 480
        assert reader.expected_frames(30.0) == 120
        assert reader.expected_frames(None) == 480


def test_the_cli_has_all_frames():
    parser = build_parser()
    assert parser.parse_args(["analyze", "clip.mp4", "--all-frames"]).all_frames is True
    assert parser.parse_args(["analyze", "clip.mp4"]).all_frames is False
