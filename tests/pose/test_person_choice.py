"""Choosing the patient by movement: a still, larger person in front is not the patient.

Unit checks of :mod:`pose.tracking.chooser` on made-up detections, then the real step-up clip of
``shared/testdata/real`` (a coach stands still in the foreground, the patient steps up behind).
"""

from __future__ import annotations

import numpy as np
import pytest

from pose.keypoints import KP
from pose.tracking import chooser
from tests.support.shared_data import require_testdata


def person(center_x: float, height: float, dy: float = 0.0, seed: int = 0):
    """Detections of a standing person: keypoints spread over a box, shifted down by ``dy``."""
    rng = np.random.default_rng(seed)
    ys = np.linspace(0.2, 0.2 + height, 17) + dy
    xs = center_x + rng.uniform(-0.05, 0.05, 17)
    kp = np.stack([ys, xs, np.full(17, 0.8)], axis=1)
    box = np.array([ys.min(), xs.min(), ys.max(), xs.max()])
    return kp, box


def samples(moves: list[float], still: list[float] | None = None, n: int = 8):
    """``n`` samples of a still large person at x=0.3 and a smaller one at x=0.7 whose
    keypoints move by ``moves[k % len(moves)]`` (box heights) between samples."""
    out = []
    for k in range(n):
        dy = 0.5 * moves[k % len(moves)] * (k % 2)  # up and down: the box stays overlapping
        big = person(0.3, 0.7, dy=(still or [0.0])[k % len(still or [0.0])] * (k % 2), seed=1)
        small = person(0.7, 0.5, dy=dy, seed=2)
        out.append([big, small])
    return out


def test_the_person_who_moves_is_chosen_over_a_larger_still_one():
    candidates = chooser.link_people(samples([0.3]))
    assert [len(c.keypoints) for c in candidates] == [8, 8]
    assert chooser.choose_moving(candidates) == 1


def test_nobody_is_chosen_when_movement_does_not_tell_them_apart():
    assert chooser.choose_moving(chooser.link_people(samples([0.0]))) is None  # both still
    both = samples([0.3], still=[0.6])  # both exercising
    assert chooser.choose_moving(chooser.link_people(both)) is None


def test_links_follow_boxes_not_list_order():
    swapped = [s[::-1] if k % 2 else s for k, s in enumerate(samples([0.3]))]
    candidates = chooser.link_people(swapped)
    assert chooser.choose_moving(candidates) == 1  # the small one, first seen second


def test_iou():
    a = np.array([0.0, 0.0, 1.0, 1.0])
    assert chooser.box_iou(a, a) == 1.0
    assert chooser.box_iou(a, np.array([0.0, 0.5, 1.0, 1.5])) == pytest.approx(1 / 3)
    assert chooser.box_iou(a, np.array([2.0, 2.0, 3.0, 3.0])) == 0.0


STEP_UP = "real/step_up_side_two_people_1.mp4"


@pytest.fixture(scope="module")
def step_up_track():
    from pose.tracking.clip import track_clip

    return track_clip(require_testdata(STEP_UP))


@pytest.mark.slow
def test_step_up_follows_the_moving_person_throughout(step_up_track):
    """The patient steps onto a box three times: their hips rise and fall by about a torso
    length; the coach in front stands still (his hips move a few percent). Followed throughout:
    the hips never jump sideways to the coach."""
    assert "moving most" in " ".join(step_up_track.warnings)
    kp = np.asarray(step_up_track.keypoints)
    seen = np.asarray(step_up_track.pose_scores) > 0
    assert seen.mean() > 0.9
    hips = kp[seen][:, [KP["left_hip"], KP["right_hip"]], :2].mean(axis=1)
    shoulders = kp[seen][:, [KP["left_shoulder"], KP["right_shoulder"]], :2].mean(axis=1)
    torso = float(np.median(np.linalg.norm(hips - shoulders, axis=1)))
    hip_y = hips[:, 1]
    assert np.percentile(hip_y, 95) - np.percentile(hip_y, 5) > 0.6 * torso
    # The coach stands at the left of the frame (x < 0.35 of the width), the patient right of him.
    assert (hips[:, 0] > 0.35 * step_up_track.video.width).all()
