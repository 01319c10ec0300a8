"""MoveNet single-pose tracking as published, plus choosing the patient among several people.

Per frame (TF.js ``pose-detection`` MoveNet, 2.1.3): crop the image (the centred square at
first, then the region :func:`pose.tracking.crop.determine_crop_region` derives from the previous
smoothed pose, low-pass filtered), run the model on the crop, map keypoints back to the image,
reject the frame and reset everything when the pose score (mean of keypoint scores above 0.2)
is below 0.25 (our one change: after a start on the centred square found nobody, the next start
uses the whole frame padded to a square), smooth with the robust One Euro filter, and derive the next crop.

Choosing the patient (our addition): when tracking (re)starts, MultiPose looks at the whole
frame; if it sees more than one person, tracking starts on a crop around the person nearest the
frame centre and largest (or, after a loss, nearest where the patient was last seen) instead of
the centred square. From then on the crop follows that person's hips, which keeps it on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from pose.keypoints import KP
from pose.model.movenet import MultiPoseModel, SinglePoseModel
from pose.tracking.crop import (
    MIN_CROP_KEYPOINT_SCORE,
    CropRegionFilter,
    determine_crop_region,
    init_crop_region,
)
from pose.tracking.one_euro import OneEuroFilter
from pose.video.planar import PlanarFrame
from pose.video.sampling import CropRegion, crop_and_resize

MIN_POSE_SCORE = 0.25
# While nobody is found every frame is a restart; look for people with MultiPose at most this
# often (seconds of video) so that an empty stretch does not cost a second model per frame.
CHOOSER_INTERVAL = 0.5


@dataclass(frozen=True)
class TrackedPose:
    keypoints: np.ndarray  # (17, 3): y, x normalised to the image, score
    score: float  # pose score; 0 when no pose (keypoints then all zero)
    crop: CropRegion  # the crop the model saw


def pose_score(scores: np.ndarray) -> float:
    """Mean score of the keypoints above 0.2, as published (0 when none is)."""
    valid = scores > MIN_CROP_KEYPOINT_SCORE
    return float(scores[valid].mean()) if valid.any() else 0.0


class SinglePoseTracker:
    def __init__(
        self,
        model: SinglePoseModel,
        *,
        smoothing: bool = True,
        chooser: MultiPoseModel | None = None,
    ) -> None:
        self.model = model
        self.smoothing = smoothing
        self.chooser = chooser
        self.keypoint_filter = OneEuroFilter()
        self.crop_filter = CropRegionFilter()
        self.crop: CropRegion | None = None
        self.last_center: np.ndarray | None = None  # (y, x) normalised, of the patient's hips
        self.people_seen = 1
        self.failed_starts = 0  # consecutive (re)starts that found nobody
        self.tracking = False  # a pose was found since the last reset
        self.last_choice_time = -np.inf

    def reset(self) -> None:
        self.crop = None
        self.tracking = False
        self.keypoint_filter.reset()
        self.crop_filter.reset()

    def __call__(
        self, image: np.ndarray | Image.Image | PlanarFrame, timestamp_s: float
    ) -> TrackedPose:
        """Track one frame (RGB array, Pillow image or :class:`PlanarFrame`) seen at
        ``timestamp_s`` seconds."""
        if isinstance(image, Image.Image):
            image = np.asarray(image)  # copied once here, not in each crop
        height, width = image.shape[:2]
        if self.crop is None:
            self.crop = self._start_crop(image, timestamp_s)
        crop = self.crop
        model_input = crop_and_resize(image, crop, self.model.input_size)
        raw = self.model(model_input)
        score = pose_score(raw[:, 2])
        if score < MIN_POSE_SCORE:
            self.failed_starts = 0 if self.tracking else self.failed_starts + 1
            self.reset()
            return TrackedPose(np.zeros((17, 3)), 0.0, crop)
        self.failed_starts = 0
        self.tracking = True
        keypoints = raw.copy()
        keypoints[:, 0] = crop.y_min + raw[:, 0] * crop.height
        keypoints[:, 1] = crop.x_min + raw[:, 1] * crop.width
        if self.smoothing:
            flat = keypoints[:, :2].reshape(-1)
            keypoints[:, :2] = self.keypoint_filter(flat, timestamp_s * 1e6).reshape(17, 2)
        self.crop = self.crop_filter(determine_crop_region(keypoints, height, width))
        hips = keypoints[[KP["left_hip"], KP["right_hip"]], :2].mean(axis=0)
        self.last_center = hips
        return TrackedPose(keypoints, score, crop)

    def _start_crop(self, image: np.ndarray, timestamp_s: float) -> CropRegion:
        height, width = image.shape[:2]
        # As published, a start uses the centred square. When that found nobody, the next start
        # tries the whole frame padded to a square: a person off-centre or with arms spread
        # wider than the square is then found within a frame instead of never.
        default = init_crop_region(self.failed_starts % 2 == 0, height, width)
        if self.chooser is None or timestamp_s - self.last_choice_time < CHOOSER_INTERVAL:
            return default
        self.last_choice_time = timestamp_s
        square = init_crop_region(False, height, width)
        people = self.chooser(crop_and_resize(image, square, self.chooser.input_size))
        self.people_seen = max(self.people_seen, len(people))
        if len(people) < 2:
            return default
        # Map each person's keypoints from the padded square to the image.
        best, best_cost = None, np.inf
        for keypoints, box, _ in people:
            kp = keypoints.copy()
            kp[:, 0] = square.y_min + kp[:, 0] * square.height
            kp[:, 1] = square.x_min + kp[:, 1] * square.width
            area = (box[2] - box[0]) * (box[3] - box[1]) * square.height * square.width
            center = np.array(
                [
                    (box[0] + box[2]) / 2 * square.height + square.y_min,
                    (box[1] + box[3]) / 2 * square.width + square.x_min,
                ]
            )
            target = self.last_center if self.last_center is not None else np.array([0.5, 0.5])
            distance = float(np.hypot(*(center - target)))
            cost = distance - 0.5 * np.sqrt(max(area, 0.0))
            if cost < best_cost:
                best, best_cost = kp, cost
        return determine_crop_region(best, height, width)
