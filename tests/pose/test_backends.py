"""LiteRT (converted flatbuffer) and TensorFlow (imported TF.js graph) give the same keypoints;
the int8 flatbuffer stays close to them."""

from __future__ import annotations

import numpy as np
import pytest

from pose.model.movenet import SinglePoseModel
from pose.tracking.crop import init_crop_region
from pose.video.sampling import crop_and_resize


@pytest.mark.parametrize("name", ["lightning", "thunder"])
def test_litert_matches_tensorflow_on_real_photos(name, astronaut, pose_photo):
    litert = SinglePoseModel(name, "litert", precision="float")
    tf = SinglePoseModel(name, "tf")
    for photo in (astronaut, pose_photo):
        h, w = photo.shape[:2]
        crop = crop_and_resize(photo, init_crop_region(False, h, w), litert.input_size)
        a, b = litert(crop), tf(crop)
        assert a[:, 2].max() > 0.4  # a person is really seen, so the comparison means something
        assert np.abs(a - b).max() < 1e-3


@pytest.mark.parametrize("name", ["lightning", "thunder"])
def test_int8_keypoints_stay_close_to_float_on_real_photos(name, astronaut, pose_photo):
    """The int8 network (float decoding) against the float one, on the padded whole photo and a
    tighter crop. Neither photo is among the calibration photos (pose.model.calibration)."""
    float_model = SinglePoseModel(name, "litert", precision="float")
    int8_model = SinglePoseModel(name, "litert", precision="int8")
    assert int8_model.precision == "int8"
    for photo in (pose_photo, astronaut):
        h, w = photo.shape[:2]
        for region in (init_crop_region(False, h, w), init_crop_region(True, h, w)):
            crop = crop_and_resize(photo, region, float_model.input_size)
            a, b = float_model(crop), int8_model(crop)
            seen = (a[:, 2] > 0.3) & (b[:, 2] > 0.3)
            assert seen.sum() >= 5
            distance = np.hypot(*(a[seen, :2] - b[seen, :2]).T) * float_model.input_size
            # In model-input pixels (a heatmap cell is 4). Measured: median 0.9-1.4, largest 7.2;
            # a quantised decoding puts keypoints 100+ pixels off.
            assert np.median(distance) < 2.0
            assert distance.max() < 10.0
            # Scores move more (measured: mean 0.05-0.21, largest 0.56): why int8 is opt-in.
            score_change = np.abs(a[:, 2] - b[:, 2])
            assert score_change.mean() < 0.25
            assert score_change.max() < 0.7


def test_tf_backend_runs_float_only_and_unknown_precisions_are_refused():
    from pose.errors import ModelError

    with pytest.raises(ModelError, match="float"):
        SinglePoseModel("lightning", "tf", precision="int8")
    with pytest.raises(ModelError, match="unknown precision 'fp16'"):
        SinglePoseModel("lightning", "litert", precision="fp16")


def test_weights_are_checked_before_loading(tmp_path, monkeypatch):
    from pose.errors import ModelError
    from pose.model.weights import verified_files

    (tmp_path / "movenet-lightning.json").write_text("{}")
    (tmp_path / "movenet-lightning.bin").write_bytes(b"\0" * 10)
    with pytest.raises(ModelError, match="sha256"):
        verified_files("lightning", tmp_path)
    with pytest.raises(ModelError, match="missing"):
        verified_files("thunder", tmp_path)
