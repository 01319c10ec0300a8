"""Quality checks shown with every result: the facts about a clip that
:mod:`pose.measures.trust` grades each measure from (it writes the reasons, in words).

- ``visible_fraction``: share of frames in which every keypoint the protocol needs has a score
  of at least :data:`pose.measures.cleaning.MIN_SCORE` (before gap filling); below
  :data:`MIN_VISIBLE_FRACTION` (0.8) the measures are to check.
- ``view``: observed camera view from how wide the body looks (:func:`view_ratio`: the mean of
  shoulder width and 1.6 x hip width over the torso length that the least foreshortened body
  segment gives, median over frames): >= 0.6 is ``front`` (or from behind), <= 0.45 is
  ``side``; in between, ``front`` when the person is seen from behind or the nose is on the
  trunk's axis, else ``oblique``. On the development set's 21 labelled clips (standing, lying,
  portrait and landscape, a rotated screen recording) and pose_1 it agrees with all but one: a
  person who walks in, sits and stands at an oblique angle and walks out reads ``side``.
  A view other than the exercise's lowers the trust of its 2D angles
  (:mod:`pose.measures.trust`), not of its count.
- ``whole_body_in_frame``: in at least 90 % of the frames with a person, the twelve body joints
  (shoulders to ankles) lie inside the image with a score of at least 0.2. Reported as a
  fact; the trust of a measure depends only on the joints its protocol uses.
- ``too_short``: the clip lasts less than the protocol's ``min_seconds``.
- ``too_dark``: median of the engine's per-frame brightness (0-255, defined by
  :data:`BRIGHTNESS_DEFINITION`) below :data:`DARK_BRIGHTNESS` (40); None when the engine did
  not measure brightness.

``trusted`` is False whenever ``problems`` (human-readable sentences) is not empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pose.keypoints import KP
from pose.measures.cleaning import MIN_SCORE
from pose.track import KeypointTrack

if TYPE_CHECKING:
    from pose.measures.protocols import ProtocolParams

MIN_VISIBLE_FRACTION = 0.8
FRONT_RATIO = 0.6
SIDE_RATIO = 0.45
HIP_WIDTH_FACTOR = 1.6  # hip keypoints sit closer together than the shoulders
BACK_TURNED = 0.2  # facing the camera in fewer frames than this: seen from behind
NOSE_CENTRED = 0.08  # nose this close to the trunk's axis (torso lengths): head to the camera
# Torso length = factor x segment, for the segments that stand in for it (body_length).
SEGMENT_FACTORS = ((1.55, ("shoulder", "elbow")), (1.15, ("hip", "knee")), (1.2, ("knee", "ankle")))
IN_FRAME_SCORE = 0.2
IN_FRAME_FRACTION = 0.9
DARK_BRIGHTNESS = 40.0
BRIGHTNESS_DEFINITION = "mean_rgb"
"""What "brightness" means for :data:`DARK_BRIGHTNESS`: the plain mean of a frame's R, G and B
values (0-255), every channel weighted alike (not a weighted luma such as BT.601's
0.299 R + 0.587 G + 0.114 B: a saturated blue frame is 85 here, 29 as luma). The engine
measures it on a grid of the frame's pixels (:mod:`pose.video`); the browser's set-up check
computes the same (``static/js/setup_check.js``, through ``static/js/shared_constants.js``)."""
BODY_JOINTS = tuple(
    f"{s}_{j}"
    for s in ("left", "right")
    for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
)


@dataclass
class Quality:
    visible_fraction: float
    view: dict[str, object]
    whole_body_in_frame: bool
    duration_seconds: float
    too_short: bool
    too_dark: bool | None
    view_ratio: float | None = None


def visible_fraction(track: KeypointTrack, joints: tuple[str, ...]) -> float:
    """Share of frames where all ``joints`` score at least MIN_SCORE."""
    if track.frames == 0:
        return 0.0
    scores = track.scores[:, [KP[j] for j in joints]]
    return float((scores >= MIN_SCORE).all(axis=1).mean())


def _segment(xy: np.ndarray, a: str, b: str) -> np.ndarray:
    return np.linalg.norm(xy[:, KP[a]] - xy[:, KP[b]], axis=1)


def body_length(xy: np.ndarray) -> np.ndarray:
    """Per frame, the torso length (pixels) as the least foreshortened body segment gives it:
    the largest of the torso, 1.55 x an upper arm, 1.15 x a thigh and 1.2 x a shank (adult
    proportions: a torso of 50 cm, upper arm 32, thigh 43, shank 42). Lying down or seen from
    the head end (a push-up filmed from the front) the torso is foreshortened but the limbs are
    not; NaN where nothing is seen."""
    torso = np.linalg.norm(
        (xy[:, KP["left_shoulder"]] + xy[:, KP["right_shoulder"]]) / 2
        - (xy[:, KP["left_hip"]] + xy[:, KP["right_hip"]]) / 2,
        axis=1,
    )
    parts = [torso]
    for factor, (a, b) in SEGMENT_FACTORS:
        for side in ("left", "right"):
            parts.append(factor * _segment(xy, f"{side}_{a}", f"{side}_{b}"))
    stacked = np.stack(parts)
    known = np.isfinite(stacked).any(axis=0)
    out = np.full(len(xy), np.nan)
    out[known] = np.nanmax(stacked[:, known], axis=0)
    return out


def view_ratio(track: KeypointTrack) -> float | None:
    """How wide the body looks: the median over frames of the mean of shoulder width and 1.6 x
    hip width (hips are narrower), divided by :func:`body_length`. Facing the camera (or with
    the back to it) about 0.6-0.8; in profile the shoulders and hips overlap and it is near 0."""
    xy = np.where((track.scores >= MIN_SCORE)[..., None], track.xy, np.nan)
    widths = np.stack(
        [
            _segment(xy, "left_shoulder", "right_shoulder"),
            HIP_WIDTH_FACTOR * _segment(xy, "left_hip", "right_hip"),
        ]
    )
    seen = np.isfinite(widths)
    width = np.where(seen.all(axis=0), widths.mean(axis=0), np.where(seen[0], widths[0], widths[1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = width / body_length(xy)
    ratio = ratio[np.isfinite(ratio)]
    return float(np.median(ratio)) if ratio.size else None


def _facing(track: KeypointTrack) -> tuple[float | None, float | None]:
    """How the person faces the camera: the share of frames in which they face it (their left
    shoulder on the picture's right; about 0 with the back to the camera), and
    the nose's median distance from the trunk axis in torso lengths (about 0 facing the camera
    or turned away, growing as the head turns to profile). None where not seen."""
    xy = np.where((track.scores >= MIN_SCORE)[..., None], track.xy, np.nan)
    top = (xy[:, KP["left_shoulder"]] + xy[:, KP["right_shoulder"]]) / 2
    axis = top - (xy[:, KP["left_hip"]] + xy[:, KP["right_hip"]]) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        axis = axis / np.linalg.norm(axis, axis=1, keepdims=True)
        across = xy[:, KP["left_shoulder"]] - xy[:, KP["right_shoulder"]]
        turn = across[:, 0] * axis[:, 1] - across[:, 1] * axis[:, 0]
        nose = xy[:, KP["nose"]] - top
        offset = np.abs(nose[:, 0] * axis[:, 1] - nose[:, 1] * axis[:, 0]) / body_length(xy)
    turn, offset = turn[np.isfinite(turn)], offset[np.isfinite(offset)]
    facing = float(np.mean(turn < 0)) if turn.size else None
    return facing, (float(np.median(offset)) if offset.size else None)


def classify_view(ratio: float | None, track: KeypointTrack | None = None) -> str | None:
    """``front`` (or from behind), ``side`` or ``oblique`` from :func:`view_ratio`; between
    the two thresholds, a person seen from behind or with the nose on the trunk's axis (the
    head facing the camera) is ``front``, otherwise ``oblique``."""
    if ratio is None:
        return None
    if ratio >= FRONT_RATIO:
        return "front"
    if ratio <= SIDE_RATIO:
        return "side"
    if track is not None:
        facing, nose = _facing(track)
        if facing is not None and facing < BACK_TURNED:
            return "front"
        if nose is not None and nose < NOSE_CENTRED:
            return "front"
    return "oblique"


def whole_body_in_frame(track: KeypointTrack) -> bool:
    """Body joints inside the image (score >= 0.2) in >= 90 % of frames with a person."""
    idx = [KP[j] for j in BODY_JOINTS]
    person = track.scores.max(axis=1) > 0
    if not person.any():
        return False
    xy, scores = track.xy[person][:, idx], track.scores[person][:, idx]
    inside = (
        (xy[..., 0] >= 0)
        & (xy[..., 0] < track.width)
        & (xy[..., 1] >= 0)
        & (xy[..., 1] < track.height)
    )
    ok = (inside & (scores >= IN_FRAME_SCORE)).all(axis=1)
    return bool(ok.mean() >= IN_FRAME_FRACTION)


def check_quality(
    track: KeypointTrack,
    protocol: ProtocolParams,
    expected_view: str,
    *,
    brightness: np.ndarray | None = None,
) -> Quality:
    """Measure every check (the module's list); :mod:`pose.measures.trust` judges them."""
    ratio = view_ratio(track)
    observed = classify_view(ratio, track)
    duration = float(track.timestamps[-1] - track.timestamps[0]) if track.frames > 1 else 0.0
    too_dark: bool | None = None
    if brightness is not None and len(brightness):
        too_dark = bool(np.median(np.asarray(brightness, dtype=float)) < DARK_BRIGHTNESS)
    return Quality(
        visible_fraction=visible_fraction(track, protocol.required_keypoints),
        view={
            "expected": expected_view,
            "observed": observed,
            "matches": observed == expected_view,
        },
        whole_body_in_frame=whole_body_in_frame(track),
        duration_seconds=duration,
        too_short=duration < protocol.min_seconds,
        too_dark=too_dark,
        view_ratio=ratio,
    )
