from __future__ import annotations

import numpy as np
import pytest
from clips import shared_file
from PIL import Image


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
    from pose.model import SinglePoseModel

    return SinglePoseModel("lightning", "litert", precision=request.param)
