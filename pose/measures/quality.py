"""Quality checks shown with every result, and whether the numbers can be trusted.

- ``visible_fraction``: share of frames in which every keypoint the protocol needs has a score
  of at least :data:`pose.measures.cleaning.MIN_SCORE` (before gap filling). Below
  :data:`MIN_VISIBLE_FRACTION` (0.8) the result is not trusted.
- ``view``: observed camera view from the ratio *shoulder width / torso length* (median over
  frames with both shoulders and a hip seen): >= 0.5 is ``front``, <= 0.35 is ``side``, in
  between ``oblique``. Facing the camera that ratio is about 0.7-0.9; in profile the shoulders
  overlap and it is near 0. A view that does not match the exercise's is not trusted, since 2D
  angles are only valid for movement parallel to the image plane.
- ``whole_body_in_frame``: in at least 90 % of the frames with a person, the twelve body joints
  (shoulders to ankles) lie inside the image with a score of at least 0.2. Required by the
  balance protocols and those marked ``needs_whole_body``.
- ``too_short``: the clip lasts less than the protocol's ``min_seconds``.
- ``too_dark``: median of the engine's per-frame brightness (0-255, defined by
  :data:`BRIGHTNESS_DEFINITION`) below :data:`DARK_BRIGHTNESS` (40); None when the engine did
  not measure brightness.

``trusted`` is False whenever ``problems`` (human-readable sentences) is not empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from pose.keypoints import KP
from pose.measures.cleaning import MIN_SCORE
from pose.track import KeypointTrack

if TYPE_CHECKING:
    from pose.measures.protocols import ProtocolParams

MIN_VISIBLE_FRACTION = 0.8
FRONT_RATIO = 0.5
SIDE_RATIO = 0.35
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
    trusted: bool
    problems: list[str]
    visible_fraction: float
    view: dict[str, object]
    whole_body_in_frame: bool
    duration_seconds: float
    too_short: bool
    too_dark: bool | None
    view_ratio: float | None = None
    extra: dict[str, object] = field(default_factory=dict)


def visible_fraction(track: KeypointTrack, joints: tuple[str, ...]) -> float:
    """Share of frames where all ``joints`` score at least MIN_SCORE."""
    if track.frames == 0:
        return 0.0
    scores = track.scores[:, [KP[j] for j in joints]]
    return float((scores >= MIN_SCORE).all(axis=1).mean())


def view_ratio(track: KeypointTrack) -> float | None:
    """Median shoulder width / torso length over frames where both are seen."""
    xy, ok = track.xy, track.scores >= MIN_SCORE
    ls, rs, lh, rh = (KP[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
    seen = ok[:, ls] & ok[:, rs] & (ok[:, lh] | ok[:, rh])
    if not seen.any():
        return None
    shoulders = xy[seen][:, [ls, rs]]
    hips = np.where(ok[seen][:, [lh, rh], None], xy[seen][:, [lh, rh]], np.nan)
    hip_mid = np.nanmean(hips, axis=1)
    width = np.linalg.norm(shoulders[:, 0] - shoulders[:, 1], axis=1)
    torso = np.linalg.norm(shoulders.mean(axis=1) - hip_mid, axis=1)
    good = torso > 0
    return float(np.median(width[good] / torso[good])) if good.any() else None


def classify_view(ratio: float | None) -> str | None:
    if ratio is None:
        return None
    if ratio >= FRONT_RATIO:
        return "front"
    if ratio <= SIDE_RATIO:
        return "side"
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
    """Run every check and list, in plain words, each reason not to trust the result."""
    problems: list[str] = []
    fraction = visible_fraction(track, protocol.required_keypoints)
    if fraction < MIN_VISIBLE_FRACTION:
        problems.append(
            f"The joints this exercise needs were visible in only {fraction:.0%} of the frames "
            f"(at least {MIN_VISIBLE_FRACTION:.0%} needed)."
        )
    ratio = view_ratio(track)
    observed = classify_view(ratio)
    matches = observed == expected_view
    if observed is None:
        problems.append("The shoulders and hips were never visible, so the camera view is unknown.")
    elif not matches:
        problems.append(
            f"This exercise must be filmed from the {expected_view}, but the clip looks "
            f"{'like an oblique view' if observed == 'oblique' else 'filmed from the ' + observed}."
        )
    in_frame = whole_body_in_frame(track)
    if protocol.needs_whole_body and not in_frame:
        problems.append("The whole body (shoulders to ankles) was not inside the picture.")
    duration = float(track.timestamps[-1] - track.timestamps[0]) if track.frames > 1 else 0.0
    too_short = duration < protocol.min_seconds
    if too_short:
        problems.append(
            f"The clip lasts {duration:.1f} s; at least {protocol.min_seconds:.0f} s are needed."
        )
    too_dark: bool | None = None
    if brightness is not None and len(brightness):
        too_dark = bool(np.median(np.asarray(brightness, dtype=float)) < DARK_BRIGHTNESS)
        if too_dark:
            problems.append(
                "The clip is too dark for reliable keypoints; add light and record again."
            )
    return Quality(
        trusted=not problems,
        problems=problems,
        visible_fraction=fraction,
        view={"expected": expected_view, "observed": observed, "matches": matches},
        whole_body_in_frame=in_frame,
        duration_seconds=duration,
        too_short=too_short,
        too_dark=too_dark,
        view_ratio=ratio,
    )
