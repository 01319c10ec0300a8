"""Turning a frame upright: the clockwise rotation a player applies from the display matrix."""

from __future__ import annotations

import cv2
import numpy as np

# A clockwise display rotation, as OpenCV's (SIMD) rotate codes.
_ROTATE = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}


def rotate_upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """An RGB frame turned ``rotation`` degrees clockwise, as a player shows it."""
    return cv2.rotate(rgb, _ROTATE[rotation]) if rotation else rgb
