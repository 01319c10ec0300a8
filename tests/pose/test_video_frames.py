"""Decoded frames: upright after each display-matrix rotation, brightness, working size."""

from __future__ import annotations

import numpy as np
import pytest

from pose.video.reader import VideoReader
from tests.support.clips import write_clip


def _quadrants(height: int = 96, width: int = 160) -> np.ndarray:
    """An image whose orientation is unmistakable: four flat colours, one per quadrant."""
    image = np.zeros((height, width, 3), np.uint8)
    h, w = height // 2, width // 2
    image[:h, :w] = (220, 30, 30)
    image[:h, w:] = (30, 220, 30)
    image[h:, :w] = (30, 30, 220)
    image[h:, w:] = (220, 220, 30)
    return image


@pytest.mark.parametrize(
    "turns,display_angle,rotation",
    [(1, -90, 90), (2, 180, 180), (-1, 90, 270)],  # np.rot90 turns counter-clockwise
)
def test_each_display_rotation_gives_the_upright_frame(tmp_path, turns, display_angle, rotation):
    upright = _quadrants()
    stored = np.ascontiguousarray(np.rot90(upright, k=turns))
    clip = write_clip(tmp_path / "turned.mp4", [stored] * 3, rotation=display_angle)
    with VideoReader(clip) as reader:
        frames = list(reader.frames())
        assert reader.rotation == rotation
        assert reader.upright_size() == (160, 96)
    assert frames[0].rgb.shape == upright.shape
    # Compare each quadrant's centre (compression blurs the edges between them).
    for y in (24, 72):
        for x in (40, 120):
            got = frames[0].rgb[y - 8 : y + 8, x - 8 : x + 8].reshape(-1, 3).mean(axis=0)
            assert np.abs(got - upright[y, x]).max() < 20, (y, x, got, upright[y, x])


def test_brightness_is_the_frame_mean_and_large_frames_are_scaled(tmp_path):
    dark = np.full((1080, 2560, 3), 40, np.uint8)
    clip = write_clip(tmp_path / "dark.mp4", [dark] * 2)
    with VideoReader(clip) as reader:
        frame = next(iter(reader.frames()))
    assert frame.rgb.shape == (810, 1920, 3)  # longer side down to the 1920 working size
    assert frame.brightness == pytest.approx(40, abs=3)
    assert frame.image.size == (1920, 810)
