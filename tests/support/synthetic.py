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


# --- clinical tests: whole-body tracks with the feet on the floor (tests/pose/test_clinical_*) ---


def sit_stand_pose(up: float) -> Pose:
    """Seated (``up`` = 0: hips and knees at 90 degrees, trunk leaning 10 degrees forward) to
    standing (``up`` = 1); in between, both angles straighten together."""
    bend = 90.0 * (1.0 - up)
    return Pose(knee_flexion=(bend, bend), hip_flexion=(bend, bend), trunk_lean=10.0 * (1 - up))


def grounded_frame(
    pose: Pose, *, floor: float = 850.0, x: float = 300.0, scale: float = 100.0, **placement
) -> np.ndarray:
    """One frame whose lower ankle stands on the image row ``floor`` (feet on the floor, the body
    moving above them), hip midpoint at column ``x``."""
    frame = keypoints(pose, x=x, y=0.0, scale=scale, **placement)
    lower = max(frame[KP["left_ankle"], 1], frame[KP["right_ankle"], 1])
    frame[:, 1] += floor - lower
    return frame


@dataclass(frozen=True)
class StandCycle:
    """One chair stand: rise, stay up, sit down, stay seated (seconds)."""

    rise: float
    up: float
    down: float
    seated: float


def chair_stand_up(cycles: list[StandCycle], *, fps: float = 30.0, lead: float = 1.0):
    """The 0-1 ``up`` series of a chair-stand clip and the known times: ``(up, rise_starts,
    full_stands)``, in seconds, where each rise starts at the last seated frame and each stand
    is full at the first standing frame."""
    n = lambda seconds: max(1, int(round(seconds * fps)))  # noqa: E731
    parts = [np.zeros(n(lead))]
    starts, fulls = [], []
    for c in cycles:
        length = sum(len(p) for p in parts)
        starts.append((length - 1) / fps)
        parts.append(cosine_ramp(0.0, 1.0, n(c.rise)))
        fulls.append((length - 1 + n(c.rise)) / fps)
        parts += [np.ones(n(c.up)), cosine_ramp(1.0, 0.0, n(c.down)), np.zeros(n(c.seated))]
    return np.concatenate(parts), starts, fulls


def track_from_frames(frames: list[np.ndarray], *, fps: float = 30.0) -> KeypointTrack:
    return KeypointTrack(np.arange(len(frames)) / fps, np.stack(frames), 1000, 1000)


def chair_stand_track(cycles: list[StandCycle], *, fps: float = 30.0, lead: float = 1.0, **kw):
    """A side-view chair-stand clip and its known times (see :func:`chair_stand_up`)."""
    up, starts, fulls = chair_stand_up(cycles, fps=fps, lead=lead)
    frames = [grounded_frame(sit_stand_pose(u), **kw) for u in up]
    return track_from_frames(frames, fps=fps), starts, fulls


def walk_pose(phase: float, up: float = 1.0) -> Pose:
    """Standing (``up`` = 1) with the legs swinging: ``phase`` in cycles, about 20 degrees."""
    swing = 20.0 * np.sin(2 * np.pi * phase) * up
    knee = 10.0 * max(0.0, np.sin(2 * np.pi * phase)) * up
    base = sit_stand_pose(up)
    return replace(
        base,
        hip_flexion=(base.hip_flexion[0] + max(swing, 0), base.hip_flexion[1] + max(-swing, 0)),
        knee_flexion=(base.knee_flexion[0] + knee, base.knee_flexion[1]),
    )


@dataclass(frozen=True)
class TugTimes:
    """A Timed Up and Go clip's phases (seconds), and how it is filmed: ``distance`` walked
    across the picture (torso lengths), ``far_scale`` the torso's size at the turn relative to
    at the chair (an oblique camera: < 1)."""

    rise: float = 1.2
    walk_out: float = 3.0
    turn: float = 1.5
    walk_back: float = 3.0
    sit: float = 1.5
    lead: float = 1.0
    tail: float = 1.0
    distance: float = 5.0
    far_scale: float = 0.8


def tug_track(times: TugTimes, *, fps: float = 30.0, leave: tuple[float, float] | None = None):
    """A side/oblique Timed Up and Go clip: seated, rise, walk out, turn (facing turns through
    the camera), walk back, sit. Returns ``(track, phase_bounds)`` with each phase's (start,
    end) in seconds. ``leave``: a stretch of the clip (s) where the person is out of the
    picture (keypoints unseen)."""
    n = lambda seconds: max(1, int(round(seconds * fps)))  # noqa: E731
    frames: list[np.ndarray] = []
    bounds: dict[str, tuple[float, float]] = {}
    x0, scale0 = 250.0, 100.0

    def add(name, count, make):
        start = (len(frames) - 1) / fps
        for i in range(count):
            frames.append(make((i + 1) / count))
        if name:
            bounds[name] = (start, (len(frames) - 1) / fps)

    def at(progress: float) -> tuple[float, float]:
        scale = scale0 * (1 + (times.far_scale - 1) * progress)
        return x0 + times.distance * scale0 * progress, scale

    def ease(s: float) -> float:
        return (1 - np.cos(np.pi * s)) / 2

    seated = sit_stand_pose(0.0)
    add(None, n(times.lead), lambda s: grounded_frame(seated, x=x0, scale=scale0))
    add("rise", n(times.rise), lambda s: grounded_frame(sit_stand_pose(ease(s)), x=x0))
    walk_out = n(times.walk_out)

    def out(s):
        x, scale = at(ease(s))
        return grounded_frame(walk_pose(s * times.walk_out / 1.1), x=x, scale=scale)

    add("walk_out", walk_out, out)

    def turn(s):
        x, scale = at(1.0)
        angle = 180.0 * ease(s)
        facing = 1 if angle <= 90 else -1
        view = angle if angle <= 90 else 180.0 - angle
        return grounded_frame(sit_stand_pose(1.0), x=x, scale=scale, view=view, facing=facing)

    add("turn", n(times.turn), turn)

    def back(s):
        x, scale = at(1 - ease(s))
        return grounded_frame(walk_pose(s * times.walk_back / 1.1), x=x, scale=scale, facing=-1)

    add("walk_back", n(times.walk_back), back)
    add(
        "sit",
        n(times.sit),
        lambda s: grounded_frame(sit_stand_pose(1 - ease(s)), x=x0, facing=-1),
    )
    add(None, n(times.tail), lambda s: grounded_frame(seated, x=x0, facing=-1))
    track = track_from_frames(frames, fps=fps)
    if leave is not None:
        gone = (track.timestamps >= leave[0]) & (track.timestamps <= leave[1])
        track.keypoints[gone, :, 2] = 0.0
    return track, bounds


def four_stage_track(
    holds: tuple[float, ...], *, fps: float = 30.0, moves: float = 1.0, offsets=(0.0, 0.25, 0.5)
):
    """A side-view four-stage balance clip: each stage held ``holds[i]`` s (feet together,
    semi-tandem, tandem, one foot; a fifth hold: both feet down again), ``moves`` s to change
    position between them (the feet unseen then: no stage); the left ankle is ``offsets[i]`` torso lengths ahead of the right.
    Returns ``(track, stage_bounds)``."""
    frames: list[np.ndarray] = []
    bounds: list[tuple[float, float]] = []
    scale = 100.0
    for i, hold in enumerate(holds):
        if i:
            for _ in range(int(round(moves * fps))):  # changing position: the feet unseen
                frame = grounded_frame(sit_stand_pose(1.0), scale=scale)
                frame[[KP["left_ankle"], KP["right_ankle"]], 2] = 0.0
                frames.append(frame)
        start = len(frames) / fps
        stage = i if i < 4 else 0  # after the last stage: both feet down, side by side
        for _ in range(int(round(hold * fps))):
            pose = sit_stand_pose(1.0)
            if stage == 3:
                pose = replace(pose, knee_flexion=(60.0, 0.0))
            frame = grounded_frame(pose, scale=scale)
            frame[KP["left_ankle"], 0] += scale * offsets[min(stage, 2)]
            frames.append(frame)
        bounds.append((start, len(frames) / fps))
    return track_from_frames(frames, fps=fps), bounds
