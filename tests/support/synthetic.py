"""Synthetic keypoint tracks with known joint angles: a 3-D stick figure projected to the image.

The body is built in its own frame (forward, left, up) from joint angles in the goniometric
convention of :mod:`pose.measures.angles`, then projected orthographically for a ``side`` view (the
image shows forward/up; ``facing=+1`` faces image right, ``-1`` image left) or a ``front``
view (the image shows left/up; ``facing=+1`` faces the camera, ``-1`` turns its back), scaled so
that the torso (shoulder midpoint to hip midpoint) is ``scale`` pixels, and placed with its hip
midpoint at ``(x, y)``. Segment lengths are in torso lengths.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pose.keypoints import KP, NUM_KEYPOINTS
from pose.track import KeypointTrack

THIGH, SHANK, UPPER_ARM, FOREARM = 0.85, 0.85, 0.6, 0.5
SHOULDER_HALF, HIP_HALF = 0.4, 0.2
F, L, U = np.eye(3)


@dataclass(frozen=True)
class Pose:
    """Joint angles in degrees (goniometric), per side as (left, right)."""

    knee_flexion: tuple[float, float] = (0.0, 0.0)
    hip_flexion: tuple[float, float] = (0.0, 0.0)
    shoulder: tuple[float, float] = (0.0, 0.0)  # elevation: flexion or abduction by plane
    shoulder_plane: str = "abduction"
    elbow_flexion: tuple[float, float] = (0.0, 0.0)
    trunk_lean: float = 0.0  # forward, degrees
    shift: tuple[float, float] = (0.0, 0.0)  # whole-body shift in the image, torso lengths
    stance_width: float = 0.0  # extra outward offset of each ankle (knee half), torso lengths


def _body_points(p: Pose) -> dict[str, np.ndarray]:
    lean = np.radians(p.trunk_lean)
    trunk = np.cos(lean) * U + np.sin(lean) * F
    fwd = np.cos(lean) * F - np.sin(lean) * U
    down = -trunk

    def sagittal(deg: float) -> np.ndarray:
        a = np.radians(deg)
        return np.cos(a) * down + np.sin(a) * fwd

    def frontal(deg: float, outward: np.ndarray) -> np.ndarray:
        a = np.radians(deg)
        return np.cos(a) * down + np.sin(a) * outward

    hip_mid = np.zeros(3)
    shoulder_mid = hip_mid + trunk
    pts: dict[str, np.ndarray] = {}
    for i, (side, out) in enumerate((("left", L), ("right", -L))):
        hip = hip_mid + HIP_HALF * out
        knee = hip + THIGH * sagittal(p.hip_flexion[i]) + 0.5 * p.stance_width * out
        ankle = knee + SHANK * sagittal(p.hip_flexion[i] - p.knee_flexion[i])
        ankle = ankle + 0.5 * p.stance_width * out
        shoulder = shoulder_mid + SHOULDER_HALF * out
        if p.shoulder_plane == "abduction":
            upper = frontal(p.shoulder[i], out)
            fore = frontal(p.shoulder[i] + p.elbow_flexion[i], out)
        else:
            upper = sagittal(p.shoulder[i])
            fore = sagittal(p.shoulder[i] + p.elbow_flexion[i])
        elbow = shoulder + UPPER_ARM * upper
        wrist = elbow + FOREARM * fore
        pts.update(
            {
                f"{side}_hip": hip,
                f"{side}_knee": knee,
                f"{side}_ankle": ankle,
                f"{side}_shoulder": shoulder,
                f"{side}_elbow": elbow,
                f"{side}_wrist": wrist,
            }
        )
        pts[f"{side}_eye"] = shoulder_mid + 0.5 * trunk + 0.1 * fwd + 0.06 * out
        pts[f"{side}_ear"] = shoulder_mid + 0.45 * trunk - 0.02 * fwd + 0.13 * out
    pts["nose"] = shoulder_mid + 0.45 * trunk + 0.15 * fwd
    return pts


def keypoints(
    pose: Pose,
    *,
    x: float = 300.0,
    y: float = 300.0,
    scale: float = 100.0,
    facing: int = 1,
    view: str | float = "side",
    score: float = 0.9,
) -> np.ndarray:
    """One frame, ``(17, 3)``: x, y pixels (y down) and score. ``view``: ``"side"``,
    ``"front"``, or the camera's angle in degrees from the side (0) to the front (90)."""
    out = np.zeros((NUM_KEYPOINTS, 3))
    if isinstance(view, str):
        horizontal = F if view == "side" else L
    else:
        a = np.radians(view)
        horizontal = np.cos(a) * F + np.sin(a) * L
    for name, point in _body_points(pose).items():
        out[KP[name]] = (
            x + scale * (facing * point @ horizontal + pose.shift[0]),
            y + scale * (-(point @ U) + pose.shift[1]),
            score,
        )
    return out


def make_track(
    poses: list[Pose],
    *,
    fps: float = 30.0,
    noise: float = 0.0,
    seed: int = 0,
    width: int = 1000,
    height: int = 1000,
    **placement,
) -> KeypointTrack:
    """A track of ``poses`` at ``fps``; ``noise`` = Gaussian jitter in torso lengths (sigma)."""
    frames = np.stack([keypoints(p, **placement) for p in poses])
    if noise:
        rng = np.random.default_rng(seed)
        frames[..., :2] += rng.normal(
            0.0, noise * placement.get("scale", 100.0), frames[..., :2].shape
        )
    return KeypointTrack(np.arange(len(poses)) / fps, frames, width, height)


def cosine_ramp(start: float, stop: float, n: int) -> np.ndarray:
    """``n`` samples easing from ``start`` to ``stop`` (half a cosine), endpoints excluded/included."""
    s = np.arange(1, n + 1) / n
    return start + (stop - start) * (1 - np.cos(np.pi * s)) / 2


@dataclass(frozen=True)
class Movement:
    """One excursion: rise to ``fraction`` of the full amplitude, hold, return, then rest."""

    fraction: float
    rise: float
    hold: float
    fall: float
    rest: float


def angle_profile(
    movements: list[Movement],
    rest: float,
    peak: float,
    *,
    fps: float = 30.0,
    lead: float = 0.5,
    end_mid_way: bool = False,
    tail: float = 0.5,
) -> np.ndarray:
    """A 1-D angle series: ``lead`` s at rest, each movement, ``tail`` s at rest.

    With ``end_mid_way`` the series stops at the top of the last movement.
    """
    n = lambda seconds: max(1, int(round(seconds * fps)))  # noqa: E731
    parts = [np.full(n(lead), rest)]
    for i, m in enumerate(movements):
        top = rest + m.fraction * (peak - rest)
        parts += [cosine_ramp(rest, top, n(m.rise)), np.full(n(m.hold), top)]
        if end_mid_way and i == len(movements) - 1:
            break
        parts += [cosine_ramp(top, rest, n(m.fall)), np.full(n(m.rest), rest)]
    else:
        parts.append(np.full(n(tail), rest))
    return np.concatenate(parts)


def squat_poses(knee: np.ndarray) -> list[Pose]:
    """Side-view squat: knee flexion ``knee``, hips flex about as much, trunk leans a little."""
    return [
        Pose(
            knee_flexion=(k, k),
            hip_flexion=(0.8 * k, 0.8 * k),
            trunk_lean=0.3 * k,
            shoulder_plane="flexion",
            shoulder=(20.0, 20.0),
            elbow_flexion=(30.0, 30.0),
        )
        for k in knee
    ]


def stance_knee_for_lift(lift: float) -> float:
    """Knee flexion (thigh vertical) that raises the ankle by ``lift`` torso lengths."""
    return float(np.degrees(np.arccos(np.clip(1.0 - lift / SHANK, -1.0, 1.0))))


__all__ = [
    "Pose",
    "Movement",
    "keypoints",
    "make_track",
    "angle_profile",
    "squat_poses",
    "stance_knee_for_lift",
    "cosine_ramp",
    "replace",
]
