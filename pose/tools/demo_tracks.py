"""Demonstration tracks: a synthesised keypoint track per catalog exercise, for the animated
skeleton on the patient's exercise page (no third-party video needed).

A 3-D stick figure is posed from joint angles (the goniometric convention of
:mod:`pose.measures.angles`), projected for the exercise's camera view (side: profile, facing
image right; front: facing the camera) and anchored so that the feet (or the hands, or the
shoulders) stay put. Reps exercises move the joint their protocol measures through the demo
range (:data:`REPS`), holds stand still in their stance, timed tests go through their phases.
``python -m pose.tools.demo_tracks squat`` prints one track as JSON.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pose.keypoints import KP, NUM_KEYPOINTS
from pose.measures.catalog import ExerciseSpec, load_catalog
from pose.track import KeypointTrack

FPS = 15.0
WIDTH, HEIGHT = 400, 400
SCALE = 90.0  # torso length, pixels
THIGH, SHANK, UPPER_ARM, FOREARM = 0.85, 0.85, 0.6, 0.5
SHOULDER_HALF, HIP_HALF = 0.4, 0.2
F, L, U = np.eye(3)


@dataclass(frozen=True)
class Pose:
    """Joint angles in degrees, per side as (left, right); ``pitch`` turns the whole body
    forward (+) or back (-) about the hips (lying down: -90); ``lift`` raises it (torso
    lengths); ``step`` moves each ankle forward (torso lengths)."""

    knee: tuple[float, float] = (0.0, 0.0)
    hip: tuple[float, float] = (0.0, 0.0)
    hip_abduction: tuple[float, float] = (0.0, 0.0)
    shoulder: tuple[float, float] = (0.0, 0.0)
    shoulder_plane: str = "flexion"
    elbow: tuple[float, float] = (0.0, 0.0)
    lean: float = 0.0
    pitch: float = 0.0
    lift: float = 0.0
    walk: float = 0.0  # forward travel, torso lengths
    facing: int = 1
    step: tuple[float, float] = (0.0, 0.0)
    width: float = 0.0  # extra half-width of the feet, torso lengths


def _rot(deg: float) -> np.ndarray:
    """Rotation about the left axis turning up towards forward by ``deg``."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, -s], [0, 1, 0], [s, 0, c]])  # rows: F, L, U of the turned frame


def body_points(p: Pose) -> dict[str, np.ndarray]:
    """The keypoints in 3-D (forward, left, up), hip midpoint at the origin."""
    lean = np.radians(p.lean)
    trunk = np.cos(lean) * U + np.sin(lean) * F
    fwd = np.cos(lean) * F - np.sin(lean) * U
    down = -U  # the legs hang from the hips in the body's own frame

    def sagittal(deg: float, axis_down: np.ndarray, axis_fwd: np.ndarray) -> np.ndarray:
        a = np.radians(deg)
        return np.cos(a) * axis_down + np.sin(a) * axis_fwd

    def frontal(deg: float, axis_down: np.ndarray, outward: np.ndarray) -> np.ndarray:
        a = np.radians(deg)
        return np.cos(a) * axis_down + np.sin(a) * outward

    pts: dict[str, np.ndarray] = {}
    shoulder_mid = trunk
    for i, (side, out) in enumerate((("left", L), ("right", -L))):
        hip = HIP_HALF * out
        thigh = frontal(p.hip_abduction[i], sagittal(p.hip[i], down, F), out)
        knee = hip + THIGH * thigh + p.width * out + p.step[i] * F
        shank = sagittal(p.hip[i] - p.knee[i], down, F)
        shank = frontal(p.hip_abduction[i], shank, out)
        ankle = knee + SHANK * shank
        shoulder = shoulder_mid + SHOULDER_HALF * out
        if p.shoulder_plane == "abduction":
            upper = frontal(p.shoulder[i], -trunk, out)
            fore = frontal(p.shoulder[i] + p.elbow[i], -trunk, out)
        else:
            upper = sagittal(p.shoulder[i], -trunk, fwd)
            fore = sagittal(p.shoulder[i] + p.elbow[i], -trunk, fwd)
        elbow = shoulder + UPPER_ARM * upper
        pts |= {
            f"{side}_hip": hip,
            f"{side}_knee": knee,
            f"{side}_ankle": ankle,
            f"{side}_shoulder": shoulder,
            f"{side}_elbow": elbow,
            f"{side}_wrist": elbow + FOREARM * fore,
            f"{side}_eye": shoulder_mid + 0.5 * trunk + 0.1 * fwd + 0.06 * out,
            f"{side}_ear": shoulder_mid + 0.45 * trunk - 0.02 * fwd + 0.13 * out,
        }
    pts["nose"] = shoulder_mid + 0.45 * trunk + 0.15 * fwd
    turn = _rot(p.pitch)
    return {k: turn.T @ v for k, v in pts.items()}


def project(p: Pose, view: str) -> np.ndarray:
    """``(17, 2)`` image points (y down, torso = 1) of pose ``p`` seen from ``view``."""
    horizontal = F if view == "side" else L
    out = np.zeros((NUM_KEYPOINTS, 2))
    for name, point in body_points(p).items():
        x = p.facing * point @ horizontal + (p.walk if view == "side" else 0.0)
        out[KP[name]] = (x, -(point @ U) - p.lift)
    return out


def ramp(a: float, b: float, seconds: float) -> np.ndarray:
    """Half a cosine from ``a`` to ``b`` (both ends included) over ``seconds``."""
    n = max(2, int(round(seconds * FPS)))
    return a + (b - a) * (1 - np.cos(np.linspace(0, np.pi, n))) / 2


def hold(value: float, seconds: float) -> np.ndarray:
    return np.full(max(1, int(round(seconds * FPS))), value)


def cycle(low: float, high: float, *, up: float = 1.2, top: float = 0.4, rest: float = 0.6):
    """One repetition as a 0..1 phase series scaled to [low, high]: rest, out, hold, back."""
    return np.concatenate(
        [hold(low, rest / 2), ramp(low, high, up), hold(high, top), ramp(high, low, up)]
        + [hold(low, rest / 2)]
    )


@dataclass(frozen=True)
class Demo:
    """How one exercise is shown: ``poses(x)`` for each value of the moved quantity."""

    measure: str  # what the engine measures: a joint, "body_rise", "hip_rise", "still", ...
    low: float
    high: float
    poses: Callable[[float], Pose]
    anchor: str = "feet"  # the keypoints kept in place: feet, hands, shoulders
    reps: int = 2
    alternate: bool = False  # alternate the moving side each repetition (mirrored pose)


def _mirror(p: Pose) -> Pose:
    swap = lambda t: (t[1], t[0])  # noqa: E731
    return replace(
        p,
        knee=swap(p.knee),
        hip=swap(p.hip),
        hip_abduction=swap(p.hip_abduction),
        shoulder=swap(p.shoulder),
        elbow=swap(p.elbow),
        step=swap(p.step),
    )


SEATED = dict(hip=(90.0, 90.0))  # noqa: C408
ARMS = dict(shoulder=(15.0, 15.0), elbow=(20.0, 20.0))  # noqa: C408


def _sit(k: float) -> Pose:
    """Between seated (k = 90) and standing (0): knees k, hips a little more, trunk forward."""
    return Pose(knee=(k, k), hip=(k, k), lean=0.35 * k, shoulder=(20.0, 20.0), elbow=(20.0, 20.0))


REPS: dict[str, Demo] = {
    "squat": Demo(
        "knee_flexion",
        0,
        100,
        lambda k: Pose(knee=(k, k), hip=(0.8 * k, 0.8 * k), lean=0.3 * k, shoulder=(k * 0.7,) * 2),
    ),
    "mini_squat": Demo(
        "knee_flexion", 0, 45, lambda k: Pose(knee=(k, k), hip=(0.6 * k, 0.6 * k), **ARMS)
    ),
    "sit_to_stand": Demo("knee_flexion", 0, 90, _sit),
    "seated_knee_extension": Demo(
        "knee_flexion",
        0,
        90,
        lambda k: Pose(knee=(90.0, k), **SEATED, **ARMS),  # the right leg straightens
        anchor="hips",
    ),
    "shoulder_abduction": Demo(
        "shoulder_abduction",
        0,
        160,
        lambda a: Pose(shoulder=(a, a), shoulder_plane="abduction"),
    ),
    "shoulder_flexion": Demo(
        "shoulder_flexion", 0, 160, lambda a: Pose(shoulder=(0.0, a), elbow=(0.0, 0.0))
    ),
    "elbow_flexion": Demo("elbow_flexion", 0, 130, lambda e: Pose(elbow=(0.0, e))),
    "push_up": Demo(
        "elbow_flexion",
        0,
        90,
        lambda e: Pose(pitch=78.0, shoulder=(78.0 - e, 78.0 - e), elbow=(e, e)),
        anchor="hands",
    ),
    "heel_raise": Demo("body_rise", 0, 10, lambda r: Pose(lift=r / 100, **ARMS)),
    "lunge": Demo(
        "knee_flexion",
        0,
        90,
        lambda k: Pose(
            knee=(k, k), hip=(20.0 + 0.8 * k, -20.0 - 0.1 * k), **ARMS
        ),  # left leg in front; the right one mirrors it every other rep
        alternate=True,
    ),
    "step_up": Demo(
        "hip_rise",
        0,
        40,
        lambda r: Pose(knee=(70.0 * (1 - r / 40), 0.0), hip=(60.0 * (1 - r / 40), 0.0), **ARMS),
        anchor="left_foot",  # the foot on the step: the hips rise as that leg straightens
    ),
    "glute_bridge": Demo(
        "hip_flexion",
        5,
        60,
        lambda h: Pose(pitch=-90.0 - (60 - h) * 0.5, hip=(h, h), knee=(100.0, 100.0)),
        anchor="shoulders",
    ),
    "straight_leg_raise": Demo(
        "hip_flexion", 0, 60, lambda h: Pose(pitch=-90.0, hip=(0.0, h)), anchor="shoulders"
    ),
    "hip_abduction": Demo(
        "hip_flexion", 0, 35, lambda a: Pose(hip_abduction=(0.0, a), **ARMS), anchor="left_foot"
    ),
}

ROM_POSES: dict[str, Callable[[float], Pose]] = {
    "shoulder_flexion": lambda a: Pose(shoulder=(0.0, a)),
    "shoulder_abduction": lambda a: Pose(shoulder=(a, a), shoulder_plane="abduction"),
    "knee_flexion": lambda k: Pose(knee=(0.0, k), hip=(0.0, 10.0), **ARMS),
    "hip_flexion": lambda h: Pose(hip=(0.0, h), knee=(0.0, h), **ARMS),
    "elbow_flexion": lambda e: Pose(elbow=(0.0, e)),
}
ROM_RANGE = {
    "shoulder_flexion": 170,
    "shoulder_abduction": 170,
    "knee_flexion": 120,
    "hip_flexion": 110,
    "elbow_flexion": 140,
}

STANCES: dict[str, Pose] = {
    "feet_together": Pose(**ARMS),
    "semi_tandem": Pose(step=(0.12, -0.12), **ARMS),
    "tandem": Pose(step=(0.3, -0.3), **ARMS),
    "single_leg": Pose(knee=(0.0, 70.0), hip=(0.0, 20.0), **ARMS),
}


def _anchor(xy: np.ndarray, anchor: str) -> np.ndarray:
    """Where the anchor keypoints sit in ``xy`` (their midpoint)."""
    names = {
        "feet": ("left_ankle", "right_ankle"),
        "left_foot": ("left_ankle",),
        "hands": ("left_wrist", "right_wrist"),
        "hips": ("left_hip", "right_hip"),
        "shoulders": ("left_shoulder", "right_shoulder"),
    }[anchor]
    return xy[[KP[n] for n in names]].mean(axis=0)


def _frames(poses: list[Pose], view: str, anchor: str) -> np.ndarray:
    """Project every pose and place it so the anchor stays where it is in the first frame; a
    ``lift`` (heel raise) then raises the whole body off that place."""
    raw = [project(replace(p, lift=0.0), view) for p in poses]
    base = _anchor(raw[0], anchor)
    return np.stack(
        [
            xy + base - _anchor(xy, anchor) - np.array([0.0, p.lift])
            for p, xy in zip(poses, raw, strict=True)
        ]
    )


def _to_track(xy: np.ndarray) -> KeypointTrack:
    """Scale to pixels and centre in a :data:`WIDTH` x :data:`HEIGHT` frame."""
    px = xy * SCALE
    lo, hi = np.nanmin(px.reshape(-1, 2), axis=0), np.nanmax(px.reshape(-1, 2), axis=0)
    px = px + (np.array([WIDTH, HEIGHT]) - (lo + hi)) / 2
    frames = np.concatenate([px, np.full(px.shape[:2] + (1,), 0.9)], axis=-1)
    return KeypointTrack(np.arange(len(frames)) / FPS, frames, WIDTH, HEIGHT)


def _reps_track(spec: ExerciseSpec, demo: Demo) -> KeypointTrack:
    poses: list[Pose] = []
    # The movement starts where the protocol's direction says it rests: an exercise measured
    # as a decrease (sit to stand, knee extension, bridge) starts at the high end.
    ends = (
        (demo.high, demo.low)
        if spec.params.get("direction") == "decrease"
        else (demo.low, demo.high)
    )
    for rep in range(demo.reps):
        values = cycle(*ends)
        these = [demo.poses(float(v)) for v in values]
        if demo.alternate and rep % 2:
            these = [_mirror(p) for p in these]
        poses += these
    return _to_track(_frames(poses, spec.camera_view, demo.anchor))


def _rom_track(spec: ExerciseSpec) -> KeypointTrack:
    joint = spec.params["joint"]
    top = ROM_RANGE[joint]
    values = np.concatenate(
        [hold(0, 0.5), ramp(0, top, 2.0), hold(top, 1.5), ramp(top, 0, 1.5), hold(0, 0.5)]
    )
    poses = [ROM_POSES[joint](float(v)) for v in values]
    return _to_track(_frames(poses, spec.camera_view, "feet"))


def _stance_track(spec: ExerciseSpec, stances: list[tuple[str, float]]) -> KeypointTrack:
    """Each stance held for its seconds, with a tiny sway of the arms so it reads as alive."""
    poses: list[Pose] = []
    for name, seconds in stances:
        base = STANCES[name]
        n = int(round(seconds * FPS))
        sway = 3.0 * np.sin(np.linspace(0, 2 * np.pi, n))
        poses += [replace(base, shoulder=(15 + s, 15 - s)) for s in sway]
    anchor = "left_foot"
    return _to_track(_frames(poses, spec.camera_view, anchor))


def _chair_track(spec: ExerciseSpec, stands: int) -> KeypointTrack:
    values = np.concatenate([hold(90, 0.6)] + [cycle(90, 0, up=0.9, top=0.2, rest=0.2)] * stands)
    return _to_track(_frames([_sit(float(v)) for v in values], spec.camera_view, "feet"))


def _tug_track(spec: ExerciseSpec) -> KeypointTrack:
    """Rise, walk out 3 torso lengths, turn, walk back, turn, sit."""
    poses = [_sit(float(v)) for v in np.concatenate([hold(90, 0.5), ramp(90, 0, 1.0)])]

    def walk(start: float, stop: float, facing: int) -> list[Pose]:
        dist = ramp(start, stop, 2.5)
        swing = 20 * np.sin(np.linspace(0, 6 * np.pi, len(dist)))
        return [
            Pose(
                hip=(s, -s), knee=(max(s, 0) * 0.8, max(-s, 0) * 0.8), walk=d, facing=facing, **ARMS
            )
            for d, s in zip(dist, swing, strict=True)
        ]

    poses += walk(0.0, 3.0, 1) + [Pose(walk=3.0, facing=-1)] * int(FPS * 0.4)
    poses += walk(3.0, 0.0, -1) + [Pose(facing=1)] * int(FPS * 0.4)
    poses += [_sit(float(v)) for v in np.concatenate([ramp(0, 90, 1.0), hold(90, 0.5)])]
    return _to_track(_walk_frames(poses))


def _walk_frames(poses: list[Pose]) -> np.ndarray:
    """Side view of a walk: feet on the floor (lowest ankle), body at its ``walk`` position."""
    out = []
    for p in poses:
        xy = project(replace(p, walk=0.0), "side")
        ankles = xy[[KP["left_ankle"], KP["right_ankle"]]]
        hips_x = xy[[KP["left_hip"], KP["right_hip"]], 0].mean()
        xy = xy + np.array([p.walk - hips_x, -ankles[:, 1].max()])
        out.append(xy)
    return np.stack(out)


def demo_track(spec: ExerciseSpec) -> KeypointTrack:
    """The demonstration track of one catalog exercise."""
    protocol = spec.protocol
    if protocol == "reps_on_angle":
        if spec.slug not in REPS:
            raise KeyError(f"no demonstration for {spec.slug}")
        return _reps_track(spec, REPS[spec.slug])
    if protocol == "rom_assessment":
        return _rom_track(spec)
    if protocol == "hold_balance":
        return _stance_track(spec, [(spec.params.get("stance", "feet_together"), 4.0)])
    if protocol == "four_stage_balance":
        stages = ["feet_together", "semi_tandem", "tandem", "single_leg"]
        return _stance_track(spec, [(s, 2.0) for s in stages])
    if protocol == "chair_stand":
        return _chair_track(spec, 5 if spec.params.get("test") == "five_times" else 3)
    if protocol == "timed_up_and_go":
        return _tug_track(spec)
    raise KeyError(f"no demonstration for protocol {protocol}")


def demo_json(spec: ExerciseSpec) -> dict[str, Any]:
    """What the exercise page draws: the view, frame rate, frame size and per frame the 17
    keypoints as [x, y] (pixels, 1 decimal)."""
    track = demo_track(spec)
    return {
        "slug": spec.slug,
        "view": spec.camera_view,
        "fps": FPS,
        "width": track.width,
        "height": track.height,
        "frames": np.round(track.xy, 1).tolist(),
    }


@functools.cache
def demo_json_for(slug: str) -> dict[str, Any]:
    """:func:`demo_json` of a catalog exercise (cached for the process; do not change it).
    Raises :class:`KeyError` for a slug the catalog does not hold."""
    return demo_json(load_catalog()[slug])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for slug in args or sorted(load_catalog()):
        print(json.dumps(demo_json_for(slug), separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
