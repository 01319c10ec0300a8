"""LiteRT (converted flatbuffer) and TensorFlow (imported TF.js graph) give the same keypoints."""

from __future__ import annotations

import numpy as np
import pytest

from pose.crop import crop_and_resize, init_crop_region
from pose.model import SinglePoseModel


@pytest.mark.parametrize("name", ["lightning", "thunder"])
def test_litert_matches_tensorflow_on_real_photos(name, astronaut, pose_photo):
    litert = SinglePoseModel(name, "litert")
    tf = SinglePoseModel(name, "tf")
    for photo in (astronaut, pose_photo):
        h, w = photo.shape[:2]
        crop = crop_and_resize(photo, init_crop_region(False, h, w), litert.input_size)
        a, b = litert(crop), tf(crop)
        assert a[:, 2].max() > 0.4  # a person is really seen, so the comparison means something
        assert np.abs(a - b).max() < 1e-3


def test_weights_are_checked_before_loading(tmp_path, monkeypatch):
    from pose.errors import ModelError
    from pose.weights import verified_files

    (tmp_path / "movenet-lightning.json").write_text("{}")
    (tmp_path / "movenet-lightning.bin").write_bytes(b"\0" * 10)
    with pytest.raises(ModelError, match="sha256"):
        verified_files("lightning", tmp_path)
    with pytest.raises(ModelError, match="missing"):
        verified_files("thunder", tmp_path)
