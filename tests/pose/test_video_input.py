"""Bad and unusual input: a clear, specific error or a result that says what happened."""

from __future__ import annotations

import subprocess
import sys

import av
import numpy as np
import pytest

from pose.errors import VideoError
from pose.tracking.clip import track_clip
from pose.video.reader import VideoReader
from tests.support.clips import read_clip_frames, shared_file, write_clip


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(VideoError, match="empty"):
        VideoReader(path)


def test_text_file_named_mp4(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 100)
    with pytest.raises(VideoError, match="not a video"):
        VideoReader(path)


def test_truncated_mp4(tmp_path):
    data = shared_file("pose_1.mp4").read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(VideoError, match="truncated"):
        track_clip(path)


def test_still_image(tmp_path):
    path = tmp_path / "photo.mp4"
    path.write_bytes(shared_file("pose.jpg").read_bytes())
    with pytest.raises(VideoError, match="still image"):
        VideoReader(path)


def test_audio_only(tmp_path):
    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=16000)
        samples = (np.sin(np.arange(16000) / 10) * 3000).astype(np.int16)[None]
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with pytest.raises(VideoError, match="audio only"):
        VideoReader(path)


def test_clip_longer_than_the_limit(tmp_path):
    clip = shared_file("pose_1.mp4")
    with pytest.raises(VideoError, match="longest accepted is 2 s"):
        track_clip(clip, max_seconds=2)


def test_clip_with_nobody_says_so(tmp_path):
    rng = np.random.default_rng(0)
    wall = np.clip(rng.normal(120, 8, (360, 480, 3)), 0, 255).astype(np.uint8)
    clip = write_clip(tmp_path / "empty-room.mp4", [wall] * 15)
    result = track_clip(clip)
    assert result.person_found is False
    assert "no person" in result.warnings[0]
    assert all(s == 0 for s in result.pose_scores)


def test_variable_frame_rate_keeps_each_frames_timestamp(tmp_path):
    frames = read_clip_frames(shared_file("pose_1.mp4"), limit=12)
    pts = [0, 1, 2, 4, 5, 9, 10, 11, 15, 16, 20, 21]  # in 1/30 s: gaps as a phone's VFR has
    clip = write_clip(tmp_path / "vfr.mp4", frames, pts=pts, time_base=(1, 30))
    result = track_clip(clip)
    assert np.allclose(result.timestamps, np.array(pts) / 30, atol=1e-3)


def test_cli_reports_bad_input_without_a_traceback(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("hello")
    run = subprocess.run(
        [sys.executable, "-m", "pose", "analyze", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith("error: the file is not a video")
    assert "Traceback" not in run.stderr


def test_a_dark_clip_is_judged_by_what_it_does_to_the_keypoints(tmp_path):
    """Darkness alone withholds nothing: a dim clip is flagged ``too_dark`` and its measures
    are ``check`` only when the joints were tracked with low confidence or jitter."""
    from pose.measures.catalog import get_exercise
    from pose.measures.trust import DIM_JITTER, DIM_SCORE, tracking_confidence
    from pose.pipeline import analyze_clip

    frames = read_clip_frames(shared_file("pose_1.mp4"), limit=90)  # 3 s: long enough
    exercise = get_exercise("shoulder_abduction")
    joints = exercise.make_protocol().required_keypoints
    for gain, tracked_well in ((0.12, True), (0.05, False)):
        dark = write_clip(
            tmp_path / f"dark{gain}.mp4", [(f * gain).astype(np.uint8) for f in frames]
        )
        result = analyze_clip(dark, exercise=exercise)
        assert max(result.track.brightness) < 40
        assert result.measures.quality.too_dark is True
        score, jitter = tracking_confidence(result.track.keypoint_track(), joints)
        assert (score >= DIM_SCORE and jitter <= DIM_JITTER) is tracked_well, (gain, score, jitter)
        dim = any("dim" in p for p in result.measures.quality.problems)
        assert dim is not tracked_well
        if tracked_well:  # dim but clearly seen: measured and shown
            assert result.measures.quality.level("count") == "ok"
    bright = write_clip(tmp_path / "bright.mp4", frames)
    bright_result = analyze_clip(bright, exercise=exercise)
    assert bright_result.measures.quality.too_dark is False
    assert 100 < np.median(bright_result.track.brightness) < 220
