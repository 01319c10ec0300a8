"""Our tracker against the published TF.js MoveNet on the same clip (shared/testdata)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pose.keypoints import KEYPOINT_NAMES
from pose.tracking.clip import track_clip
from tests.support.clips import shared_file


@pytest.fixture(scope="module", params=["int8", "float"])
def errors(request) -> np.ndarray:
    reference = json.loads(shared_file("pose_1.json").read_text())
    expected = np.array([[[f[n]["x"], f[n]["y"]] for n in KEYPOINT_NAMES] for f in reference])
    # The reference was made with timestamps 33.3333 ms apart: feed the same.
    result = track_clip(
        shared_file("pose_1.mp4"), model="lightning", timestamps="fps:30", precision=request.param
    )
    assert result.precision == request.param
    ours = np.asarray(result.keypoints)[..., :2]
    assert ours.shape == expected.shape == (120, 17, 2)
    return np.linalg.norm(ours - expected, axis=-1)


def test_median_error_within_4px(errors):
    # A faithful reimplementation measured 3.6 px; the floor is the reference's WebGL numerics.
    # Measured here: float 3.60 px, int8 3.88 px (95th percentile 13.5 and 12.4 px).
    assert np.median(errors) <= 4.0


def test_95th_percentile_within_15px(errors):
    assert np.percentile(errors, 95) <= 15.0


def test_smoothing_and_cropping_beat_a_plain_full_frame_run(errors):
    reference = json.loads(shared_file("pose_1.json").read_text())
    expected = np.array([[[f[n]["x"], f[n]["y"]] for n in KEYPOINT_NAMES] for f in reference])
    from pose.tracking.clip import get_tracker_models
    from pose.tracking.crop import init_crop_region
    from pose.video.reader import VideoReader
    from pose.video.sampling import crop_and_resize

    model, _ = get_tracker_models("lightning")
    plain = []
    with VideoReader(shared_file("pose_1.mp4")) as reader:
        for frame in reader.frames():
            h, w = frame.rgb.shape[:2]
            region = init_crop_region(False, h, w)
            kp = model(crop_and_resize(frame.rgb, region, model.input_size))
            plain.append(
                np.stack(
                    [
                        (region.x_min + kp[:, 1] * region.width) * w,
                        (region.y_min + kp[:, 0] * region.height) * h,
                    ],
                    -1,
                )
            )
    plain_err = np.linalg.norm(np.asarray(plain) - expected, axis=-1)
    assert np.percentile(errors, 95) < np.percentile(plain_err, 95)
