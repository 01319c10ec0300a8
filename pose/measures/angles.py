"""Joint angles and foot/knee heights from keypoints, in the goniometric convention.

Every angle is in degrees, **0 = anatomical neutral**, and is the *unsigned* angle between two
body segments as seen in the image, so it lies in [0, 180] and does not change when the person
faces the other way (a mirrored image gives the same value). Image y points down.

======================  ============================  ===================================  ======
name (``left_``/        zero / sign / range           segments (keypoints)                 view
``right_`` prefix)
======================  ============================  ===================================  ======
``knee_flexion``        0 = knee straight; + = bent;  thigh hip->knee vs shank knee->ankle side
                        0..180 (hyperextension reads
                        as a small positive value)
``hip_flexion``         0 = thigh in line with the    trunk axis (shoulder midpoint->hip    side
                        trunk; + = thigh forward (or  midpoint) vs thigh hip->knee         (front:
                        back: unsigned); 0..180;                                           abduction)
                        from the front the same
                        formula reads hip abduction
                        (leg out to the side)
``shoulder_abduction``  0 = arm at the side; 180 =    trunk axis (shoulder midpoint->hip    front
                        arm overhead; 0..180          midpoint) vs upper arm shoulder->elbow
``shoulder_flexion``    same formula as abduction,    as abduction                          side
                        valid in the sagittal plane
``elbow_flexion``       0 = elbow straight; 0..180    upper arm shoulder->elbow vs forearm  any*
                                                      elbow->wrist
``trunk_lean``          0 = trunk vertical; + = any   hip midpoint->shoulder midpoint vs    any
(no side)               lean from vertical; 0..180    image up
======================  ============================  ===================================  ======

\\* elbow flexion is valid when the forearm moves parallel to the image plane.

A 2D angle is only valid for movement roughly parallel to the image plane; each exercise in the
catalog names the camera view it needs and the quality checks say whether the clip matched.

Heights, in **percent of torso length** (torso length = the clip's median distance from the
shoulder midpoint to the hip midpoint), image y down so "higher" means smaller y:

- ``left_ankle_height`` / ``right_ankle_height``: how far this ankle is above the other one
  (+ = this foot is higher). A lifted foot in single-leg stance reads positive.
- ``left_knee_height`` / ``right_knee_height``: the same for the knees.
- ``left_ankle_rise`` / ``right_ankle_rise``: how far the ankle is above its own standing level
  (its 95th-percentile y over the clip, i.e. its lowest usual position); heel raises read
  positive. Needs a still camera.
- ``body_rise`` (one series, no side prefix): how far the **whole body** is above its standing
  level, for heel raises filmed from any view. A heel raise with straight knees lifts everything
  above the ankle joints by the same amount, so every body keypoint measures the same rise: per
  frame, the median over the visible keypoints of the head (nose, eyes, ears), shoulders, hips,
  knees and ankles (:data:`BODY_RISE_KEYPOINTS`; not the elbows and wrists, which move on their
  own: hands on a wall, arm raises) of how far each is above its own standing level. A keypoint's
  standing level is its median y over the *feet-flat* frames, those where the ankles (mean of the
  visible ones) are within :data:`FEET_FLAT_RISE` of their ``ankle_rise`` standing level. It is 0
  or more: a body lower than standing (knees bent, a stoop) reads 0, since only rising onto the
  toes lifts the whole body. NaN in frames with fewer than :data:`MIN_BODY_RISE_KEYPOINTS`
  keypoints seen, and throughout when the ankles are never seen. Needs a still camera.

  Why not the 95th percentile of each keypoint, as ``ankle_rise``: that takes the body's lowest
  usual position as standing, and a person who dips at the knees between arm raises (measured on
  a real lateral-raise clip) then reads "risen" whenever upright; anchored on flat feet, a dip
  reads 0 and only a heel raise reads positive. Standing still on real clips, ``body_rise``
  varies with an SD of 0.4-0.8 % torso (one ankle's rise: 0.8-1.5 %); most keypoint noise is
  common to the whole body (tracking jitter, sway), so the median cuts it less than 13
  independent keypoints would.

- ``hip_rise`` (one series, no side prefix; computed only for the protocols that count on it,
  :data:`ON_DEMAND_HEIGHTS`): how far the hip midpoint is above its own lowest usual position
  (its 95th-percentile y over the clip, as ``ankle_rise``). A step-up lifts the whole body by
  the step's height (15-30 cm, 30-60 % torso), whatever the legs do and from any view; the hips
  are tracked far better than the feet on the step. Needs a still camera.

Missing keypoints (NaN after gating) give NaN, never a guess.
"""

from __future__ import annotations

import warnings

import numpy as np

from pose.keypoints import KEYPOINT_NAMES, KP
from pose.measures.cleaning import clean_keypoints
from pose.track import KeypointTrack

SIDES = ("left", "right")
ANGLE_JOINTS = (
    "knee_flexion",
    "hip_flexion",
    "shoulder_abduction",
    "shoulder_flexion",
    "elbow_flexion",
)
HEIGHT_MEASURES = ("ankle_height", "knee_height", "ankle_rise", "body_rise", "hip_rise")
WHOLE_BODY_MEASURES = ("body_rise", "hip_rise")
"""Measures that are one series for the whole body, named without a ``left_``/``right_`` prefix."""
ON_DEMAND_HEIGHTS = ("hip_rise",)
"""Heights computed only for a protocol that counts on them (:func:`on_demand_height`), not in
every result's ``heights``: adding them there would change every stored result's shape."""
STANDING_LEVEL_PERCENTILE = 95
BODY_RISE_KEYPOINTS = tuple(  # the head, trunk and legs: the arms move on their own
    name for name in KEYPOINT_NAMES if not name.endswith(("_elbow", "_wrist"))
)
FEET_FLAT_RISE = 3.0
"""% torso (about 1.5 cm): ankles this close to their standing level count as flat on the floor.
About three times the standing noise of the two ankles' mean (SD 0.7-1.0 % on real clips); a
heel raise lifts them 8 % or more."""
MIN_BODY_RISE_KEYPOINTS = 4


def segment_angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unsigned angle in degrees [0, 180] between 2-D vectors ``u`` and ``v`` (shape (..., 2))."""
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    return np.degrees(np.abs(np.arctan2(cross, dot)))


def _joint(xy: np.ndarray, name: str) -> np.ndarray:
    return xy[:, KP[name], :]


def shoulder_midpoint(xy: np.ndarray) -> np.ndarray:
    """Mean of the visible shoulders per frame (one shoulder is enough, e.g. in side view)."""
    return _nanmean_pair(_joint(xy, "left_shoulder"), _joint(xy, "right_shoulder"))


def hip_midpoint(xy: np.ndarray) -> np.ndarray:
    """Mean of the visible hips per frame (one hip is enough)."""
    return _nanmean_pair(_joint(xy, "left_hip"), _joint(xy, "right_hip"))


def _nanmean_pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    stacked = np.stack([a, b])
    count = np.isfinite(stacked).sum(axis=0)
    total = np.nansum(stacked, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def torso_length(xy: np.ndarray) -> np.ndarray:
    """Per-frame distance from shoulder midpoint to hip midpoint, pixels (NaN if unknown)."""
    return np.linalg.norm(shoulder_midpoint(xy) - hip_midpoint(xy), axis=-1)


def body_scale(xy: np.ndarray) -> float:
    """The clip's torso length in pixels (median over frames); NaN if never visible."""
    lengths = torso_length(xy)
    lengths = lengths[np.isfinite(lengths) & (lengths > 0)]
    return float(np.median(lengths)) if lengths.size else float("nan")


def knee_flexion(xy: np.ndarray, side: str) -> np.ndarray:
    """0 = straight knee, + = flexed, [0, 180]; thigh (hip->knee) vs shank (knee->ankle)."""
    hip, knee, ankle = (_joint(xy, f"{side}_{j}") for j in ("hip", "knee", "ankle"))
    return segment_angle(knee - hip, ankle - knee)


def hip_flexion(xy: np.ndarray, side: str) -> np.ndarray:
    """0 = thigh in line with the trunk, [0, 180]; trunk axis (down) vs thigh (hip->knee)."""
    trunk_down = hip_midpoint(xy) - shoulder_midpoint(xy)
    thigh = _joint(xy, f"{side}_knee") - _joint(xy, f"{side}_hip")
    return segment_angle(trunk_down, thigh)


def shoulder_elevation(xy: np.ndarray, side: str) -> np.ndarray:
    """0 = arm along the trunk, 180 = overhead; trunk axis (down) vs upper arm (shoulder->elbow).

    Shoulder abduction (front view) and shoulder flexion (side view) are both this angle; which
    one it measures depends on the plane the camera sees.
    """
    trunk_down = hip_midpoint(xy) - shoulder_midpoint(xy)
    upper_arm = _joint(xy, f"{side}_elbow") - _joint(xy, f"{side}_shoulder")
    return segment_angle(trunk_down, upper_arm)


def elbow_flexion(xy: np.ndarray, side: str) -> np.ndarray:
    """0 = straight elbow, + = flexed, [0, 180]; upper arm vs forearm (elbow->wrist)."""
    shoulder, elbow, wrist = (_joint(xy, f"{side}_{j}") for j in ("shoulder", "elbow", "wrist"))
    return segment_angle(elbow - shoulder, wrist - elbow)


def trunk_lean(xy: np.ndarray) -> np.ndarray:
    """0 = trunk vertical, + = leaning any way, [0, 180]; hip->shoulder midpoint vs image up."""
    trunk_up = shoulder_midpoint(xy) - hip_midpoint(xy)
    return segment_angle(trunk_up, np.broadcast_to(np.array([0.0, -1.0]), trunk_up.shape))


_ANGLE_FUNCTIONS = {
    "knee_flexion": knee_flexion,
    "hip_flexion": hip_flexion,
    "shoulder_abduction": shoulder_elevation,
    "shoulder_flexion": shoulder_elevation,
    "elbow_flexion": elbow_flexion,
}


def angles_from_xy(xy: np.ndarray) -> dict[str, np.ndarray]:
    """All angles (degrees, NaN where unknown) from cleaned ``(T, 17, 2)`` coordinates."""
    out = {
        f"{side}_{joint}": _ANGLE_FUNCTIONS[joint](xy, side)
        for joint in ANGLE_JOINTS
        for side in SIDES
    }
    out["trunk_lean"] = trunk_lean(xy)
    return out


def heights_from_xy(xy: np.ndarray) -> dict[str, np.ndarray]:
    """Ankle/knee heights and rises, and the body's rise, in percent of torso length (see module
    docstring), NaN where unknown."""
    scale = body_scale(xy)
    out: dict[str, np.ndarray] = {}
    for joint in ("ankle", "knee"):
        left_y, right_y = _joint(xy, f"left_{joint}")[:, 1], _joint(xy, f"right_{joint}")[:, 1]
        out[f"left_{joint}_height"] = 100.0 * (right_y - left_y) / scale
        out[f"right_{joint}_height"] = 100.0 * (left_y - right_y) / scale
    for side in SIDES:
        out[f"{side}_ankle_rise"] = ankle_rise(xy, side, scale)
    out["body_rise"] = body_rise(xy, scale)
    return out


def ankle_rise(xy: np.ndarray, side: str, scale: float) -> np.ndarray:
    """This ankle above its own standing level, % of ``scale`` (the torso length, pixels)."""
    y = _joint(xy, f"{side}_ankle")[:, 1]
    return 100.0 * (_standing_level(y) - y) / scale


def body_rise(xy: np.ndarray, scale: float | None = None) -> np.ndarray:
    """The whole body above its standing level, % of ``scale`` (default: the clip's torso length
    in pixels), 0 or more; see the module docstring."""
    scale = body_scale(xy) if scale is None else scale
    y = xy[:, [KP[name] for name in BODY_RISE_KEYPOINTS], 1]
    ankles = _nanmean_pair(ankle_rise(xy, "left", scale), ankle_rise(xy, "right", scale))
    feet_flat = np.isfinite(ankles) & (ankles <= FEET_FLAT_RISE)
    standing = _nanmedian(y[feet_flat], axis=0)  # NaN for a keypoint never seen with flat feet
    rise = 100.0 * (standing - y) / scale
    seen = np.isfinite(rise).sum(axis=1)
    body = np.where(seen >= MIN_BODY_RISE_KEYPOINTS, _nanmedian(rise, axis=1), np.nan)
    return np.maximum(body, 0.0)  # NaN stays NaN


def hip_rise(xy: np.ndarray, scale: float | None = None) -> np.ndarray:
    """The hip midpoint above its lowest usual position, % of ``scale`` (default: the clip's
    torso length in pixels); see the module docstring."""
    scale = body_scale(xy) if scale is None else scale
    y = hip_midpoint(xy)[:, 1]
    return 100.0 * (_standing_level(y) - y) / scale


_ON_DEMAND = {"hip_rise": hip_rise}


def on_demand_height(xy: np.ndarray, name: str) -> np.ndarray:
    """One of :data:`ON_DEMAND_HEIGHTS` from cleaned ``(T, 17, 2)`` coordinates."""
    return _ON_DEMAND[name](xy)


def _standing_level(y: np.ndarray) -> float:
    """A keypoint's standing level: its lowest usual position (a high percentile of y, image y
    down), NaN if never seen."""
    return float(np.nanpercentile(y, STANDING_LEVEL_PERCENTILE)) if np.isfinite(y).any() else np.nan


def _nanmedian(a: np.ndarray, axis: int) -> np.ndarray:
    """``np.nanmedian`` that returns NaN for an all-NaN (or empty) slice without a warning."""
    if a.shape[axis] == 0:
        return np.full(np.delete(a.shape, axis), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(a, axis=axis)


def compute_angles(track: KeypointTrack, *, smooth: bool = True) -> dict[str, np.ndarray]:
    """Every angle of :func:`angles_from_xy` for a track: gated, gap-filled and smoothed first.

    Returns ``{name: (T,) degrees}`` with NaN where the needed keypoints were not seen.
    """
    xy = clean_keypoints(track.timestamps, track.keypoints, smooth=smooth)
    return angles_from_xy(xy)


def compute_heights(track: KeypointTrack, *, smooth: bool = True) -> dict[str, np.ndarray]:
    """Every height of :func:`heights_from_xy` for a track (percent of torso length)."""
    xy = clean_keypoints(track.timestamps, track.keypoints, smooth=smooth)
    return heights_from_xy(xy)
