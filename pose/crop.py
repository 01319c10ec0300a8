"""MoveNet's "intelligent cropping", as published in TF.js ``pose-detection`` (2.1.3).

Crop regions are normalised to the image: ``(y_min, x_min, y_max, x_max)``, and may extend past
[0, 1] (the model then sees black padding, as ``tf.image.cropAndResize`` with extrapolation 0
gives). :func:`crop_and_resize` samples where TF's bilinear ``crop_and_resize`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from pose.keypoints import KP, TORSO_JOINTS

# The crops are small (192/256 px): OpenCV's own thread pool would only compete with the
# model's threads and the decoder for the two cores.
cv2.setNumThreads(1)

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


def crop_and_resize(image: np.ndarray | Image.Image, region: CropRegion, size: int) -> np.ndarray:
    """Bilinear crop of an RGB image (uint8 array or Pillow image, or a frame kept as YUV
    planes: :class:`pose.planar.PlanarFrame`) to ``size x size``, padded with 0, as uint8.

    Samples where TF's bilinear ``crop_and_resize`` does: output pixel ``i`` reads the source at
    ``y_min * (h - 1) + i * (y_max - y_min) * (h - 1) / (size - 1)`` (pixel-centre coordinates),
    and likewise for x. OpenCV's affine warp does the sampling (0.15 ms for a 192 crop, where
    Pillow's took 1.1 ms); it rounds where TF truncates and places samples on a 1/32-pixel grid,
    so a value differs from TF's by at most 1 + D/32, D being the largest difference between the
    four source pixels it blends (tests/pose/test_crop.py checks it; on camera frames nearly
    every value is within 1).
    """
    planar_crop = getattr(image, "crop_rgb", None)
    if planar_crop is not None:
        return planar_crop(region, size)
    image = np.asarray(image)
    height, width = image.shape[:2]
    grid = SampleGrid(region, height, width, size)
    out = cv2.warpAffine(
        image,
        grid.matrix,
        (size, size),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return grid.pad(out)


class SampleGrid:
    """Where a ``size x size`` crop of ``region`` samples a ``height x width`` image."""

    def __init__(self, region: CropRegion, height: int, width: int, size: int) -> None:
        self.scale_y = region.height * (height - 1) / (size - 1)
        self.scale_x = region.width * (width - 1) / (size - 1)
        self.y0 = region.y_min * (height - 1)
        self.x0 = region.x_min * (width - 1)
        # For WARP_INVERSE_MAP: output pixel (j, i) reads input (scale_x * j + x0,
        # scale_y * i + y0), both in pixel-centre coordinates, as TF's kernel does.
        self.matrix = np.array([[self.scale_x, 0.0, self.x0], [0.0, self.scale_y, self.y0]])
        steps = np.arange(size)
        rows = self.y0 + steps * self.scale_y
        cols = self.x0 + steps * self.scale_x
        self.outside_rows = (rows < 0) | (rows > height - 1)
        self.outside_cols = (cols < 0) | (cols > width - 1)

    def pad(self, crop: np.ndarray) -> np.ndarray:
        """TF pads every sample that falls outside the outermost pixel centres with 0 (OpenCV
        replicates the edge there, so that samples just inside never blend in a padding value)."""
        crop[self.outside_rows] = 0
        crop[:, self.outside_cols] = 0
        return crop
