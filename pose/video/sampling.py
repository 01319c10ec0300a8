"""Sampling a square crop of a frame, as TF's bilinear ``crop_and_resize`` does.

Crop regions are normalised to the image: ``(y_min, x_min, y_max, x_max)``, and may extend past
[0, 1] (the model then sees black padding, as ``tf.image.cropAndResize`` with extrapolation 0
gives). Which region to crop is the tracker's business (:mod:`pose.tracking.crop`); this module
only samples it, from an RGB array or from a frame kept as YUV planes (:mod:`pose.video.planar`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

# The crops are small (192/256 px): OpenCV's own thread pool would only compete with the
# model's threads and the decoder for the two cores.
cv2.setNumThreads(1)


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


def crop_and_resize(image: np.ndarray | Image.Image, region: CropRegion, size: int) -> np.ndarray:
    """Bilinear crop of an RGB image (uint8 array or Pillow image, or a frame kept as YUV
    planes: :class:`pose.video.planar.PlanarFrame`) to ``size x size``, padded with 0, as uint8.

    Samples where TF's bilinear ``crop_and_resize`` does: output pixel ``i`` reads the source at
    ``y_min * (h - 1) + i * (y_max - y_min) * (h - 1) / (size - 1)`` (pixel-centre coordinates),
    and likewise for x. OpenCV's affine warp does the sampling (several times faster than
    Pillow's, docs/performance.md); it rounds where TF truncates (up to 1.5 apart) and places
    samples on a 1/32-pixel grid (up to 1/64 off on each axis), so a value differs from TF's by
    less than 1.5 + D/32, D being the largest difference between the four source pixels it
    blends (tests/pose/test_crop.py checks it; on camera frames nearly every value is within 1).
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
