"""MoveNet's "intelligent cropping", as published in TF.js ``pose-detection`` (2.1.3).

Crop regions are normalised to the image: ``(y_min, x_min, y_max, x_max)``, and may extend past
[0, 1] (the model then sees black padding, as ``tf.image.cropAndResize`` with extrapolation 0
gives). :func:`crop_and_resize` samples where TF's bilinear ``crop_and_resize`` does.
"""

from __future__ import annotations

import numpy as np

from pose.keypoints import KP, TORSO_JOINTS
from pose.video.sampling import CropRegion

MIN_CROP_KEYPOINT_SCORE = 0.2
TORSO_EXPANSION = 1.9
BODY_EXPANSION = 1.2
CROP_FILTER_ALPHA = 0.9


def init_crop_region(first_in_frame: bool, height: int, width: int) -> CropRegion:
    """The crop used when there is no previous pose.

    ``first_in_frame``: the largest square centred in the image (no padding) to use the model's
    resolution best. Otherwise: the whole image padded to a square.
    """
    if first_in_frame:
        if width > height:
            box_h, box_w = 1.0, height / width
            y_min, x_min = 0.0, (width / 2 - height / 2) / width
        else:
            box_h, box_w = width / height, 1.0
            y_min, x_min = (height / 2 - width / 2) / height, 0.0
    else:
        if width > height:
            box_h, box_w = width / height, 1.0
            y_min, x_min = (height / 2 - width / 2) / height, 0.0
        else:
            box_h, box_w = 1.0, height / width
            y_min, x_min = 0.0, (width / 2 - height / 2) / width
    return CropRegion(y_min, x_min, y_min + box_h, x_min + box_w)


def torso_visible(scores: np.ndarray) -> bool:
    hips = max(scores[KP["left_hip"]], scores[KP["right_hip"]]) > MIN_CROP_KEYPOINT_SCORE
    shoulders = (
        max(scores[KP["left_shoulder"]], scores[KP["right_shoulder"]]) > MIN_CROP_KEYPOINT_SCORE
    )
    return bool(hips and shoulders)


def determine_crop_region(keypoints: np.ndarray, height: int, width: int) -> CropRegion:
    """Next crop from a pose: ``keypoints`` is (17, 3) of normalised (y, x, score).

    Centred on the hip midpoint; half-size = max(1.9 x torso range, 1.2 x body range over joints
    scoring >= 0.2), capped at the distance to the farthest image edge; falls back to the padded
    whole image when the torso is not visible or the crop would exceed half the larger side.
    """
    scores = keypoints[:, 2]
    if not torso_visible(scores):
        return init_crop_region(False, height, width)
    ys = keypoints[:, 0] * height
    xs = keypoints[:, 1] * width
    center_y = (ys[KP["left_hip"]] + ys[KP["right_hip"]]) / 2
    center_x = (xs[KP["left_hip"]] + xs[KP["right_hip"]]) / 2
    torso = list(TORSO_JOINTS)
    torso_y = float(np.max(np.abs(center_y - ys[torso])))
    torso_x = float(np.max(np.abs(center_x - xs[torso])))
    body = scores >= MIN_CROP_KEYPOINT_SCORE
    body_y = float(np.max(np.abs(center_y - ys[body]), initial=0.0))
    body_x = float(np.max(np.abs(center_x - xs[body]), initial=0.0))
    half = max(
        torso_x * TORSO_EXPANSION,
        torso_y * TORSO_EXPANSION,
        body_y * BODY_EXPANSION,
        body_x * BODY_EXPANSION,
    )
    half = min(half, max(center_x, width - center_x, center_y, height - center_y))
    if half > max(width, height) / 2:
        return init_crop_region(False, height, width)
    top, left = center_y - half, center_x - half
    return CropRegion(
        top / height, left / width, (top + 2 * half) / height, (left + 2 * half) / width
    )


class CropRegionFilter:
    """Low-pass filter on each edge of the crop (alpha 0.9): steadier crops, as published."""

    def __init__(self, alpha: float = CROP_FILTER_ALPHA) -> None:
        self.alpha = alpha
        self.state: np.ndarray | None = None

    def reset(self) -> None:
        self.state = None

    def __call__(self, region: CropRegion) -> CropRegion:
        value = np.array(region.as_tuple())
        self.state = value if self.state is None else self.state + self.alpha * (value - self.state)
        return CropRegion(*(float(v) for v in self.state))
