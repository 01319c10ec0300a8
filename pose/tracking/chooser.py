"""Choosing the patient by movement when several people are in the picture.

The tracker's own choice (:mod:`pose.tracking.tracker`) prefers the person nearest the frame
centre and largest: right when a bystander stands at the edge, wrong when a coach or relative
stands still in front of the camera, larger in frame than the patient exercising behind them.
What tells the two apart then is movement, so before tracking a clip in which MultiPose sees
more than one person, :func:`scan_people` looks at :data:`SCAN_SAMPLES` frames spread over the
first :data:`SCAN_SECONDS` seconds and :func:`choose_moving` picks the person who moves clearly
more than everyone else, if anyone does:

- **identity across samples**: each person of one sample is linked to the person of the next
  sample whose box overlaps it most (intersection over union at least :data:`MIN_LINK_IOU`);
  a person who cannot be linked ends their history there;
- **movement**: for each linked pair of samples, the mean displacement of the keypoints seen in
  both (score above :data:`MIN_KEYPOINT_SCORE`), divided by the person's box height (their size
  in the image, so that a person twice as near the camera does not move "twice as much"); a
  person's movement is the median of these over their history (at least :data:`MIN_LINKS`
  pairs), which a single mislabelled keypoint or swapped limb cannot dominate;
- **only when it tells them apart**: the most moving person is chosen when they move at least
  :data:`MOVEMENT_RATIO` times as much as the next one and more than :data:`MIN_MOVEMENT` body
  heights per sample (about 4 % of the body height in a fraction of a second: more than
  keypoint jitter and breathing, less than any exercise). Otherwise (everybody still, or two
  people exercising side by side) nothing is chosen and the tracker keeps its usual choice.

The chosen person's keypoints in the first sample (the clip's first frame) start the tracking;
from then on the tracker follows them by position (:class:`~pose.tracking.tracker.SinglePoseTracker`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pose.model.movenet import MultiPoseModel
from pose.video.planar import PlanarFrame
from pose.video.sampling import crop_and_resize

SCAN_SECONDS = 3.0
SCAN_SAMPLES = 10
MIN_LINK_IOU = 0.3
MIN_KEYPOINT_SCORE = 0.3
MIN_LINKS = 3
MOVEMENT_RATIO = 2.0
MIN_MOVEMENT = 0.04

Person = tuple[np.ndarray, np.ndarray, float]  # keypoints (17, 3) y/x/score, box, score


@dataclass
class Candidate:
    """One person followed across the scan's samples: keypoints (17, 3) and box (y0, x0, y1,
    x1), both normalised to the image."""

    keypoints: list[np.ndarray] = field(default_factory=list)
    boxes: list[np.ndarray] = field(default_factory=list)

    def movement(self) -> float:
        """Median per-sample keypoint displacement in box heights (NaN: too short a history)."""
        steps = []
        for k in range(1, len(self.keypoints)):
            a, b = self.keypoints[k - 1], self.keypoints[k]
            seen = (a[:, 2] > MIN_KEYPOINT_SCORE) & (b[:, 2] > MIN_KEYPOINT_SCORE)
            height = 0.5 * (
                (self.boxes[k - 1][2] - self.boxes[k - 1][0])
                + (self.boxes[k][2] - self.boxes[k][0])
            )
            if seen.sum() < 3 or height <= 0:
                continue
            steps.append(float(np.linalg.norm(a[seen, :2] - b[seen, :2], axis=1).mean()) / height)
        return float(np.median(steps)) if len(steps) >= MIN_LINKS else float("nan")


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two (y0, x0, y1, x1) boxes."""
    dy = min(a[2], b[2]) - max(a[0], b[0])
    dx = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(dy, 0.0) * max(dx, 0.0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def link_people(samples: list[list[tuple[np.ndarray, np.ndarray]]]) -> list[Candidate]:
    """Follow the first sample's people through the others by box overlap (greedy, best first)."""
    if not samples:
        return []
    candidates = [Candidate([kp], [box]) for kp, box in samples[0]]
    alive = list(range(len(candidates)))
    for people in samples[1:]:
        pairs = sorted(
            (
                (box_iou(candidates[c].boxes[-1], box), c, j)
                for c in alive
                for j, (_, box) in enumerate(people)
            ),
            reverse=True,
        )
        used_c, used_j = set(), set()
        for iou, c, j in pairs:
            if iou < MIN_LINK_IOU or c in used_c or j in used_j:
                continue
            candidates[c].keypoints.append(people[j][0])
            candidates[c].boxes.append(people[j][1])
            used_c.add(c)
            used_j.add(j)
        alive = [c for c in alive if c in used_c]
    return candidates


def choose_moving(candidates: list[Candidate]) -> int | None:
    """Index of the person who moves clearly most (module docstring), or None."""
    moves = [c.movement() for c in candidates]
    ranked = sorted((m, i) for i, m in enumerate(moves) if np.isfinite(m))
    if len(ranked) < 2 or len(candidates) < 2:
        return None
    (top, best), (second, _) = ranked[-1], ranked[-2]
    if top < MIN_MOVEMENT or top < MOVEMENT_RATIO * second:
        return None
    return best


def people_in(picture: np.ndarray | PlanarFrame, chooser: MultiPoseModel, height: int, width: int):
    """MultiPose's people in one frame, keypoints and boxes normalised to the image."""
    from pose.tracking.crop import init_crop_region

    square = init_crop_region(False, height, width)
    found = []
    for keypoints, box, _ in chooser(crop_and_resize(picture, square, chooser.input_size)):
        kp = keypoints.copy()
        kp[:, 0] = square.y_min + kp[:, 0] * square.height
        kp[:, 1] = square.x_min + kp[:, 1] * square.width
        b = np.array(
            [
                square.y_min + box[0] * square.height,
                square.x_min + box[1] * square.width,
                square.y_min + box[2] * square.height,
                square.x_min + box[3] * square.width,
            ]
        )
        found.append((kp, b))
    return found


def scan_people(
    frames, chooser: MultiPoseModel, fps: float
) -> tuple[np.ndarray, tuple[int, int]] | None:
    """The person to start tracking on in the first frame of ``frames`` (an iterator of
    :class:`pose.video.reader.Frame`): their keypoints (17, 3), normalised, and the frame's
    (height, width) in pixels; None to keep the usual choice. Stops after the first frame when
    MultiPose sees fewer than two people there."""
    step = max(1, round(SCAN_SECONDS * max(fps, 1.0) / SCAN_SAMPLES))
    samples = []
    height = width = 0
    for frame in frames:
        if frame.time > SCAN_SECONDS:
            break
        if frame.index % step:
            continue
        picture = frame.picture
        height, width = picture.shape[:2]
        samples.append(people_in(picture, chooser, height, width))
        if len(samples[0]) < 2 or len(samples) >= SCAN_SAMPLES:
            break
    if not samples or len(samples[0]) < 2:
        return None
    chosen = choose_moving(link_people(samples))
    return None if chosen is None else (samples[0][chosen][0], (height, width))
