from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.support.clips import shared_file


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    from skimage.data import astronaut as load

    return load()


@pytest.fixture(scope="session")
def pose_photo() -> np.ndarray:
    return np.asarray(Image.open(shared_file("pose.jpg")).convert("RGB"))


@pytest.fixture(scope="session", params=["int8", "float"])
def lightning(request):
    """Lightning through LiteRT, in both precisions (float is the default, int8 opt-in)."""
    from pose.model.movenet import SinglePoseModel

    return SinglePoseModel("lightning", "litert", precision=request.param)
