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
When a scan of the clip's first seconds chose the patient by movement
(:mod:`pose.tracking.chooser`), :meth:`SinglePoseTracker.start_on` starts on them instead, and a
restart after a loss takes the person nearest where they were last seen, whatever their size.
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
# Following a patient chosen by movement: hips that move faster than this (torso lengths per
# second, about 2.5 m/s for an adult; a step-up or lunge moves them under 1) jumped to someone
# else in the crop, so the frame counts as a loss and tracking restarts on the person nearest
# where the patient was last seen.
MAX_HIP_SPEED = 5.0


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
        self.nearest_only = False  # set when the patient was chosen by movement
        self.last_time: float | None = None  # when last_center was seen
        self.last_torso: float | None = None  # torso length then, pixels

    def start_on(self, keypoints: np.ndarray, height: int, width: int) -> None:
        """Start tracking on this person (keypoints (17, 3), y/x normalised to the image), e.g.
        the one :func:`pose.tracking.chooser.scan_people` chose; after a loss, restart on the
        person nearest where they were last seen."""
        self.crop = determine_crop_region(keypoints, height, width)
        self.last_center = keypoints[[KP["left_hip"], KP["right_hip"]], :2].mean(axis=0)
        self.nearest_only = True
        self.people_seen = max(self.people_seen, 2)

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
        keypoints = raw.copy()
        keypoints[:, 0] = crop.y_min + raw[:, 0] * crop.height
        keypoints[:, 1] = crop.x_min + raw[:, 1] * crop.width
        if self.nearest_only and self._jumped(keypoints, timestamp_s, height, width):
            self.reset()
            return TrackedPose(np.zeros((17, 3)), 0.0, crop)
        self.failed_starts = 0
        self.tracking = True
        if self.smoothing:
            flat = keypoints[:, :2].reshape(-1)
            keypoints[:, :2] = self.keypoint_filter(flat, timestamp_s * 1e6).reshape(17, 2)
        self.crop = self.crop_filter(determine_crop_region(keypoints, height, width))
        hips = keypoints[[KP["left_hip"], KP["right_hip"]], :2].mean(axis=0)
        self.last_center = hips
        self.last_time = timestamp_s
        shoulders = keypoints[[KP["left_shoulder"], KP["right_shoulder"]], :2].mean(axis=0)
        self.last_torso = float(np.hypot(*((hips - shoulders) * (height, width))))
        return TrackedPose(keypoints, score, crop)

    def _jumped(self, keypoints: np.ndarray, timestamp_s: float, height: int, width: int) -> bool:
        """Whether the hips moved faster than :data:`MAX_HIP_SPEED` since the patient was last
        seen (after a loss too: the longer they were lost, the further they may have gone)."""
        if self.last_center is None or self.last_time is None:
            return False
        if not self.last_torso or timestamp_s <= self.last_time:
            return False
        hips = keypoints[[KP["left_hip"], KP["right_hip"]], :2].mean(axis=0)
        moved = float(np.hypot(*((hips - self.last_center) * (height, width))))
        return moved / self.last_torso / (timestamp_s - self.last_time) > MAX_HIP_SPEED

    def _start_crop(self, image: np.ndarray, timestamp_s: float) -> CropRegion:
        height, width = image.shape[:2]
        # As published, a start uses the centred square. When that found nobody, the next start
        # tries the whole frame padded to a square: a person off-centre or with arms spread
        # wider than the square is then found within a frame instead of never.
        default = init_crop_region(self.failed_starts % 2 == 0, height, width)
        # Following a patient chosen by movement, every restart looks for them (one MultiPose
        # run each): the centred square may well hold the other person.
        recent = timestamp_s - self.last_choice_time < CHOOSER_INTERVAL
        if self.chooser is None or (recent and not self.nearest_only):
            return default
        self.last_choice_time = timestamp_s
        square = init_crop_region(False, height, width)
        people = self.chooser(crop_and_resize(image, square, self.chooser.input_size))
        self.people_seen = max(self.people_seen, len(people))
        if len(people) < (1 if self.nearest_only else 2):
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
            cost = distance - (0.0 if self.nearest_only else 0.5 * np.sqrt(max(area, 0.0)))
            if cost < best_cost:
                best, best_cost = kp, cost
        return determine_crop_region(best, height, width)
