"""Cropping: the same samples as TF's crop_and_resize, and the published crop-region rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pose.keypoints import KP
from pose.tracking.crop import determine_crop_region, init_crop_region
from pose.video.sampling import CropRegion, crop_and_resize


def tf_crop_and_resize(image: np.ndarray, region: CropRegion, size: int):
    """TF's bilinear crop_and_resize (extrapolation 0), written out as its kernel does it.

    Also returns, per output pixel, the largest difference between the four source pixels the
    sample blends (0 where it is padding): OpenCV's sample positions are rounded to 1/32 pixel,
    so its value may be off by up to that difference / 32 on top of its rounding.
    """
    h, w = image.shape[:2]
    out = np.zeros((size, size, 3))
    spread = np.zeros((size, size, 3))
    for i in range(size):
        y = region.y_min * (h - 1) + i * region.height * (h - 1) / (size - 1)
        if y < 0 or y > h - 1:
            continue
        y0, y1 = int(np.floor(y)), int(np.ceil(y))
        for j in range(size):
            x = region.x_min * (w - 1) + j * region.width * (w - 1) / (size - 1)
            if x < 0 or x > w - 1:
                continue
            x0, x1 = int(np.floor(x)), int(np.ceil(x))
            top = image[y0, x0] + (image[y0, x1].astype(float) - image[y0, x0]) * (x - x0)
            bottom = image[y1, x0] + (image[y1, x1].astype(float) - image[y1, x0]) * (x - x0)
            out[i, j] = top + (bottom - top) * (y - y0)
            corners = image[[y0, y0, y1, y1], [x0, x1, x0, x1]].astype(float)
            spread[i, j] = corners.max(axis=0) - corners.min(axis=0)
    return out.astype(np.int32), spread


@settings(max_examples=15, deadline=None)
@given(
    y0=st.floats(-0.4, 0.5),
    x0=st.floats(-0.4, 0.5),
    side_y=st.floats(0.2, 1.4),
    side_x=st.floats(0.2, 1.4),
)
def test_crop_matches_tf_crop_and_resize(astronaut, y0, x0, side_y, side_x):
    image = astronaut[::4, ::3]  # 128 x 171: not square, small enough for the slow oracle
    region = CropRegion(y0, x0, y0 + side_y, x0 + side_x)
    ours = crop_and_resize(image, region, 24)
    expected, spread = tf_crop_and_resize(image, region, 24)
    error = np.abs(ours - expected)
    assert (error < 1.5 + spread / 32).all()  # the bound crop_and_resize documents
    flat = spread == 0  # padding and flat areas
    if flat.any():
        assert (ours[flat] == expected[flat]).mean() > 0.5
    assert error.mean() < 0.6


def test_crop_of_a_camera_photo_is_within_one_level_of_tf(astronaut):
    """On a photo at its own resolution (edges softened by the lens, as in every clip) nearly
    all values are within 1 of TF's."""
    image = astronaut
    region = CropRegion(0.1, -0.05, 0.9, 0.85)
    ours = crop_and_resize(image, region, 48)
    expected, _ = tf_crop_and_resize(image, region, 48)
    assert (np.abs(ours - expected) <= 1).mean() > 0.99


def test_first_crop_is_the_centred_square_and_fallback_pads():
    first = init_crop_region(True, 720, 1280)
    assert first.as_tuple() == pytest.approx((0, (640 - 360) / 1280, 1, (640 + 360) / 1280))
    padded = init_crop_region(False, 720, 1280)
    assert padded.as_tuple() == pytest.approx(((360 - 640) / 720, 0, (360 + 640) / 720, 1))


def test_crop_is_centred_on_the_hips_and_sized_by_torso_and_body():
    kp = np.zeros((17, 3))
    kp[:, 2] = 0.9
    h, w = 1000, 1000
    for name, (x, y) in {
        "left_hip": (520, 600),
        "right_hip": (480, 600),
        "left_shoulder": (530, 400),
        "right_shoulder": (470, 400),
    }.items():
        kp[KP[name], :2] = (y / h, x / w)
    kp[[i for i in range(17) if i not in (5, 6, 11, 12)], :2] = (0.6, 0.5)  # the rest at the hips
    region = determine_crop_region(kp, h, w)
    half = 1.9 * 200  # torso y-range from the hip centre is 200 px
    assert region.as_tuple() == pytest.approx(
        ((600 - half) / h, (500 - half) / w, (600 + half) / h, (500 + half) / w)
    )


def test_no_torso_falls_back_to_the_padded_image():
    kp = np.zeros((17, 3))
    kp[:, 2] = 0.1
    assert determine_crop_region(kp, 480, 640) == init_crop_region(False, 480, 640)
