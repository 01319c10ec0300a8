"""Frames kept as decoded (4:2:0 YUV planes), cropped straight to the RGB the model sees.

The tracker only ever looks at a 192x192 (Thunder 256x256) crop of each frame, so converting
the whole frame to RGB is wasted work (and turning a phone's sideways frame upright more so),
all in the decoding thread, which on two cores competes with the model. A :class:`PlanarFrame` keeps the decoder's own planes and
samples the crop from them: the display rotation goes into the sampling matrix (free), luma
and chroma are each sampled bilinearly at the same points as
:func:`pose.video.sampling.crop_and_resize` (chroma from its half-resolution plane), and only the crop
goes through the YUV to RGB matrix that swscale would have used for the whole frame (the
frame's BT.709 tag, BT.601 otherwise; limited range, as swscale assumes for ``yuv420p``).
A crop differs from one of the swscale-converted frame by a few levels where colour changes
sharply (swscale repeats each chroma sample over 2x2 pixels; here it is interpolated): see
tests/pose/test_planar.py; the keypoints match those from RGB frames within the conformance
bar (tests/pose/test_conformance.py). What it saved is in docs/performance.md.

Anything else (10-bit, 4:2:2, 4:4:4, full-range ``yuvj420p``, BT.2020, frames scaled to the
working size) is converted to RGB in the decoder as before.
"""

from __future__ import annotations

import av
import cv2
import numpy as np

from pose.video.rotation import rotate_upright
from pose.video.sampling import CropRegion, SampleGrid

# AVColorSpace values and the matrix swscale applies for them (others go the RGB way).
_BT709 = 1
_BT601_LIKE = {0, 2, 5, 6}  # RGB/unset (swscale's default is BT.601), BT470BG, SMPTE170M


def _matrix(kr: float, kb: float) -> np.ndarray:
    """Limited-range Y'CbCr to R'G'B' (Y 16-235, Cb/Cr 16-240) for the luma weights ``kr``,
    ``kb``: rows for R, G, B over (Y, U, V, 1), as :func:`cv2.transform` takes them."""
    kg = 1.0 - kr - kb
    y, c = 255.0 / 219.0, 255.0 / 224.0
    m = np.array(
        [
            [y, 0.0, 2 * (1 - kr) * c],
            [y, -2 * (1 - kb) * kb / kg * c, -2 * (1 - kr) * kr / kg * c],
            [y, 2 * (1 - kb) * c, 0.0],
        ]
    )
    return np.hstack([m, (-m @ np.array([16.0, 128.0, 128.0]))[:, None]])


MATRICES = {"bt709": _matrix(0.2126, 0.0722), "bt601": _matrix(0.299, 0.114)}


def matrix_name(frame: av.VideoFrame) -> str | None:
    """Which matrix a frame takes the planar way, or None when it must be converted whole."""
    if frame.format.name != "yuv420p":
        return None
    if frame.colorspace == _BT709:
        return "bt709"
    return "bt601" if frame.colorspace in _BT601_LIKE else None


class PlanarFrame:
    """An upright view of a decoded yuv420p frame, turned by ``rotation`` degrees clockwise.

    Has ``shape`` (upright height, width, 3) like an RGB array, :meth:`crop_rgb` (what
    :func:`pose.video.sampling.crop_and_resize` calls), :meth:`brightness` and :meth:`to_rgb`.
    """

    def __init__(self, frame: av.VideoFrame, rotation: int, matrix: str) -> None:
        self._frame = frame  # keeps the planes' memory alive
        w, h = frame.width, frame.height
        cw, ch = (w + 1) // 2, (h + 1) // 2
        y, u, v = frame.planes[:3]
        self.y = np.frombuffer(y, np.uint8).reshape(-1, y.line_size)[:h, :w]
        self.u = np.frombuffer(u, np.uint8).reshape(-1, u.line_size)[:ch, :cw]
        self.v = np.frombuffer(v, np.uint8).reshape(-1, v.line_size)[:ch, :cw]
        self.rotation = rotation
        self.matrix = MATRICES[matrix]
        self.stored = (h, w)
        self.shape = (w, h, 3) if rotation in (90, 270) else (h, w, 3)

    def _stored_affine(self, grid: SampleGrid) -> np.ndarray:
        """Output (j, i) -> stored-frame pixel (x, y): the upright sampling turned back by the
        display rotation (a clockwise turn shows stored (x, y) at upright (h - 1 - y, x))."""
        h, w = self.stored
        sx, sy, x0, y0 = grid.scale_x, grid.scale_y, grid.x0, grid.y0
        if self.rotation == 90:
            return np.array([[0.0, sy, y0], [-sx, 0.0, h - 1 - x0]])
        if self.rotation == 180:
            return np.array([[-sx, 0.0, w - 1 - x0], [0.0, -sy, h - 1 - y0]])
        if self.rotation == 270:
            return np.array([[0.0, -sy, w - 1 - y0], [sx, 0.0, x0]])
        return grid.matrix

    def crop_rgb(self, region: CropRegion, size: int) -> np.ndarray:
        height, width = self.shape[:2]
        grid = SampleGrid(region, height, width, size)
        luma = self._stored_affine(grid)
        # A chroma sample sits at the centre of the 2x2 luma pixels it covers.
        chroma = luma / 2
        chroma[:, 2] -= 0.25
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        planes = [
            cv2.warpAffine(plane, m, (size, size), flags=flags, borderMode=cv2.BORDER_REPLICATE)
            for plane, m in ((self.y, luma), (self.u, chroma), (self.v, chroma))
        ]
        rgb = cv2.transform(cv2.merge(planes), self.matrix)  # rounded, saturated to 0-255
        return grid.pad(rgb)

    def brightness(self) -> float:
        """Mean RGB value over every 16th pixel each way (the "too dark" check)."""
        y = self.y[8::16, 8::16]
        u = self.u[4::8, 4::8][: y.shape[0], : y.shape[1]]
        v = self.v[4::8, 4::8][: y.shape[0], : y.shape[1]]
        rgb = cv2.transform(cv2.merge([y, u, v]), self.matrix)
        return float(rgb.mean())

    def to_rgb(self) -> np.ndarray:
        """The whole upright frame in RGB (converted on demand; the tracker never needs it)."""
        return rotate_upright(self._frame.to_ndarray(format="rgb24"), self.rotation)


__all__ = ["PlanarFrame", "matrix_name", "MATRICES"]
