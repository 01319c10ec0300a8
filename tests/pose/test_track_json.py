"""Keypoint tracks from outside (devices in privacy mode): every malformed shape says what is wrong."""

from __future__ import annotations

import math

import pytest

from pose.track import KeypointTrack, TrackError


def _track(frames: int = 3) -> dict:
    return {
        "video": {"width": 640, "height": 480},
        "timestamps": [i / 30 for i in range(frames)],
        "keypoints": [[[100.0 + k, 200.0, 0.9] for k in range(17)] for _ in range(frames)],
    }


def test_valid_track_round_trips():
    track = KeypointTrack.from_json(_track())
    assert track.frames == 3 and track.keypoints.shape == (3, 17, 3)
    again = KeypointTrack.from_json(track.to_json())
    assert (again.keypoints == track.keypoints).all()


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda t: t.pop("video"), "video"),
        (lambda t: t["video"].update(width=-5), "width"),
        (lambda t: t.update(timestamps="soon"), "lists"),
        (lambda t: t["timestamps"].pop(), "timestamps for"),
        (lambda t: t["keypoints"][1].pop(), "17 rows"),
        (lambda t: t["keypoints"][0][0].append(1.0), "17 rows"),
        (lambda t: t["keypoints"][0][3].__setitem__(0, math.nan), "NaN"),
        (lambda t: t["keypoints"][0][3].__setitem__(1, math.inf), "NaN or infinite"),
        (lambda t: t["keypoints"][0][3].__setitem__(0, "left"), "numbers"),
        (lambda t: t["timestamps"].__setitem__(2, 0.0), "increase strictly"),
        (lambda t: t["keypoints"][0][3].__setitem__(2, 1.5), r"\[0, 1\]"),
        (lambda t: t["keypoints"][0][3].__setitem__(0, 1e9), "outside the frame"),
        (lambda t: t.update(timestamps=[], keypoints=[]), "no frames"),
    ],
)
def test_malformed_tracks_are_refused_with_a_reason(mutate, message):
    data = _track()
    mutate(data)
    with pytest.raises(TrackError, match=message):
        KeypointTrack.from_json(data)


def test_absurd_sizes_are_refused_before_conversion():
    data = _track(1)
    data["timestamps"] = list(range(300_000))
    data["keypoints"] = data["keypoints"] * 300_000
    with pytest.raises(TrackError, match="too many frames"):
        KeypointTrack.from_json(data)
