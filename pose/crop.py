"""MoveNet's "intelligent cropping", as published in TF.js ``pose-detection`` (2.1.3).

Crop regions are normalised to the image: ``(y_min, x_min, y_max, x_max)``, and may extend past
[0, 1] (the model then sees black padding, as ``tf.image.cropAndResize`` with extrapolation 0
gives). :func:`crop_and_resize` samples exactly like TF's bilinear ``crop_and_resize`` and casts
to int32 by truncation, as the published pipeline does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pose.keypoints import KP, TORSO_JOINTS

MIN_CROP_KEYPOINT_SCORE = 0.2
TORSO_EXPANSION = 1.9
BODY_EXPANSION = 1.2
CROP_FILTER_ALPHA = 0.9


@dataclass(frozen=True)
class CropRegion:
    y_min: float
    x_min: float
    y_max: float
    x_max: float

    @property
    def height(self) -> float:
        return self.y_max - self.y_min

    @property
    def width(self) -> float:
        return self.x_max - self.x_min

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.y_min, self.x_min, self.y_max, self.x_max)


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
    half = max(torso_x * TORSO_EXPANSION, torso_y * TORSO_EXPANSION,
               body_y * BODY_EXPANSION, body_x * BODY_EXPANSION)
    half = min(half, max(center_x, width - center_x, center_y, height - center_y))
    if half > max(width, height) / 2:
        return init_crop_region(False, height, width)
    top, left = center_y - half, center_x - half
    return CropRegion(top / height, left / width, (top + 2 * half) / height,
                      (left + 2 * half) / width)


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


def _axis_samples(lo: float, hi: float, size: int, out: int):
    """Source indices and weights along one axis, as TF's bilinear crop_and_resize computes them."""
    if out > 1:
        pos = lo * (size - 1) + np.arange(out) * ((hi - lo) * (size - 1) / (out - 1))
    else:
        pos = np.array([0.5 * (lo + hi) * (size - 1)])
    valid = (pos >= 0) & (pos <= size - 1)
    low = np.clip(np.floor(pos), 0, size - 1).astype(np.intp)
    high = np.clip(np.ceil(pos), 0, size - 1).astype(np.intp)
    frac = (pos - np.floor(pos)).astype(np.float32)
    return low, high, frac, valid


def crop_and_resize(image: np.ndarray, region: CropRegion, size: int) -> np.ndarray:
    """Bilinear crop of an RGB uint8 image to ``size x size``, padding with 0, as int32."""
    height, width = image.shape[:2]
    y0, y1, fy, vy = _axis_samples(region.y_min, region.y_max, height, size)
    x0, x1, fx, vx = _axis_samples(region.x_min, region.x_max, width, size)
    top_rows, bottom_rows = image[y0], image[y1]
    fx = fx[None, :, None]
    top_left = top_rows[:, x0].astype(np.float32)
    top = top_left + (top_rows[:, x1] - top_left) * fx
    bottom_left = bottom_rows[:, x0].astype(np.float32)
    bottom = bottom_left + (bottom_rows[:, x1] - bottom_left) * fx
    out = top + (bottom - top) * fy[:, None, None]
    out[~vy] = 0
    out[:, ~vx] = 0
    return out.astype(np.int32)  # truncation, like tf.cast(float -> int32)
