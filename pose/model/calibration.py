"""Calibration crops for the int8 conversion: what the tracker feeds MoveNet, from photos that
ship inside registry packages (nothing downloaded, no patient data, no test clip).

Full-range int8 needs each layer's activation range, measured by running the float model on
representative inputs. Two real photos of people are at hand in our dependencies besides the
astronaut, which the tests keep for checking the models: the cameraman
(``skimage.data.camera()``, grey, given three equal channels) and Grace Hopper (matplotlib's
sample data). Each is cropped as the tracker would crop it (the whole image, then
squares from 1.6x down to 0.45x the short side at random centres), mirrored, and scaled in
brightness (0.5x to 1.2x, for dim rooms), with a fixed seed: the same crops on every machine,
so the same flatbuffer. :data:`CALIBRATION_VERSION` names this recipe in the cache file name.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from pose.errors import ModelError
from pose.video.sampling import CropRegion, crop_and_resize

CALIBRATION_VERSION = "c2"  # c1 calibrated on the astronaut, which tests use
_SIDES = (1.6, 1.3, 1.0, 0.8, 0.6, 0.45)
_GAINS = (0.5, 0.8, 1.0, 1.2)


def calibration_photos() -> list[np.ndarray]:
    import matplotlib.cbook

    try:
        from skimage.data import camera
    except ImportError:  # a development dependency: `make setup` converts with it installed
        raise ModelError(
            "converting to int8 needs scikit-image (pip install scikit-image) or a flatbuffer "
            "converted by `make setup`"
        ) from None

    hopper = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    return [
        np.repeat(camera()[..., None], 3, axis=2),
        np.asarray(Image.open(hopper).convert("RGB")),
    ]


def calibration_crops(size: int, seed: int = 0) -> list[np.ndarray]:
    """uint8 ``size x size x 3`` crops (52 of them), always the same for a ``seed``."""
    rng = np.random.default_rng(seed)
    crops = []
    for photo in calibration_photos():
        for mirrored in (False, True):
            image = np.ascontiguousarray(photo[:, ::-1]) if mirrored else photo
            height, width = image.shape[:2]
            regions = [CropRegion(0.0, 0.0, 1.0, 1.0)]
            for side in _SIDES:
                for _ in range(2):
                    cy, cx = rng.uniform(0.3, 0.7, 2)
                    sy, sx = side * min(1.0, width / height), side * min(1.0, height / width)
                    regions.append(CropRegion(cy - sy / 2, cx - sx / 2, cy + sy / 2, cx + sx / 2))
            for region in regions:
                gain = rng.choice(_GAINS)
                crop = crop_and_resize(image, region, size)
                crops.append(np.clip(crop * gain, 0, 255).astype(np.uint8))
    return crops
