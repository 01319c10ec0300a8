"""Real weights on real photos: joints land where a person would put them."""

from __future__ import annotations

import numpy as np

from pose.keypoints import KP
from pose.tracking.tracker import SinglePoseTracker


def _keypoints(model, photo: np.ndarray, frames: int = 3) -> np.ndarray:
    """Pixel (x, y, score) after letting the tracker settle its crop on a still photo."""
    tracker = SinglePoseTracker(model, smoothing=False)
    for i in range(frames):
        pose = tracker(photo, i / 30)
    h, w = photo.shape[:2]
    kp = pose.keypoints
    return np.stack([kp[:, 1] * w, kp[:, 0] * h, kp[:, 2]], axis=-1)


# int8 keypoint scores move by about 0.1 against float (tests/pose/test_backends.py): the same
# positions are asked of both, the confidence bar is that much lower for int8.
CONFIDENT = {"float": 0.3, "int8": 0.2}


def _near(kp: np.ndarray, name: str, x: float, y: float, tolerance: float, bar: float) -> None:
    px, py, score = kp[KP[name]]
    assert score > bar, f"{name} not confidently found (score {score:.2f})"
    assert np.hypot(px - x, py - y) <= tolerance, (
        f"{name} at ({px:.0f}, {py:.0f}), expected ({x}, {y})"
    )


def test_astronaut_face_and_shoulders(lightning, astronaut):
    # skimage.data.astronaut(): 512x512 portrait facing the camera. Positions read off the image:
    # the subject's right eye is on the viewer's left.
    kp = _keypoints(lightning, astronaut)
    bar = CONFIDENT[lightning.precision]
    _near(kp, "nose", 222, 125, 15, bar)
    _near(kp, "right_eye", 203, 100, 15, bar)
    _near(kp, "left_eye", 246, 100, 15, bar)
    _near(kp, "right_shoulder", 110, 262, 40, bar)
    _near(kp, "left_shoulder", 318, 268, 40, bar)
    assert kp[KP["left_eye"], 0] > kp[KP["right_eye"], 0]


def test_yoga_photo_whole_body(lightning, pose_photo):
    # shared/testdata/pose.jpg: 1000x667, warrior-II pose, arms out, facing the viewer's left.
    kp = _keypoints(lightning, pose_photo)
    bar = CONFIDENT[lightning.precision]
    _near(kp, "nose", 460, 282, 20, bar)
    _near(kp, "right_wrist", 300, 307, 35, bar)
    _near(kp, "left_wrist", 693, 317, 35, bar)
    _near(kp, "right_ankle", 345, 612, 35, bar)
    _near(kp, "left_ankle", 706, 618, 35, bar)
    _near(kp, "left_hip", 515, 460, 35, bar)
