"""Write tests/vectors/reps_vectors.json: short keypoint tracks with their expected counts.

Both the server's counter (tests/pose/test_reps_vectors.py) and the browser's live counter
(tests/js/reps.test.mjs) read this file, so the two provably agree. Regenerate with
``.venv/bin/python -m tests.vectors.make_reps_vectors`` (from the repository root); it is deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.synthetic import Movement, Pose, angle_profile, make_track, squat_poses

HERE = Path(__file__).resolve().parent

FPS = 20.0


def _rep(fraction=1.0, rise=0.8, hold=0.3, fall=0.8, rest=0.5):
    return Movement(fraction, rise, hold, fall, rest)


def vectors() -> list[dict]:
    out = []

    def add(name, exercise, poses, count, partial, override=None, view="side", facing=1, drop=()):
        track = make_track(
            poses,
            fps=FPS,
            noise=0.01,
            seed=len(out),
            view=view,
            facing=facing,
            x=320,
            y=260,
            scale=110,
            width=640,
            height=640,
        )
        kp = track.keypoints.copy()
        for start, stop in drop:  # frames where the model lost the person
            kp[start:stop, :, 2] = 0.0
        out.append(
            {
                "name": name,
                "exercise": exercise,
                "params_override": override or {},
                "width": track.width,
                "height": track.height,
                "timestamps": [round(float(t), 4) for t in track.timestamps],
                "keypoints": [
                    [[round(float(v), 1) for v in k[:2]] + [round(float(k[2]), 2)] for k in f]
                    for f in kp
                ],
                "expected": {"count": count, "partial": partial},
            }
        )

    add(
        "squat, 3 reps, facing right",
        "squat",
        squat_poses(angle_profile([_rep()] * 3, rest=3, peak=100, fps=FPS)),
        3,
        0,
    )
    add(
        "squat, 2 reps then a shallow one, facing left",
        "squat",
        squat_poses(angle_profile([_rep(), _rep(rise=1.2), _rep(0.48)], rest=3, peak=95, fps=FPS)),
        2,
        1,
        facing=-1,
    )
    add(
        "squat, prescribed thresholds, 2 deep 2 shallow",
        "squat",
        squat_poses(angle_profile([_rep(), _rep(0.5)] * 2, rest=3, peak=100, fps=FPS)),
        2,
        2,
        override={"enter": 80, "exit": 20},
    )
    add(
        "squat with a short dropout",
        "squat",
        squat_poses(angle_profile([_rep()] * 2, rest=3, peak=100, fps=FPS)),
        2,
        0,
        drop=[(30, 33)],
    )
    abduction = angle_profile([_rep(rise=1.0, fall=1.0)] * 4, rest=8, peak=170, fps=FPS)
    add(
        "shoulder abduction, both arms, 4 reps",
        "shoulder_abduction",
        [Pose(shoulder=(a, a)) for a in abduction],
        4,
        0,
        view="front",
    )
    stand = angle_profile([_rep(rest=0.8)] * 3, rest=90, peak=3, fps=FPS)
    add(
        "sit to stand, 3 stands",
        "sit_to_stand",
        [Pose(knee_flexion=(k, k), hip_flexion=(k, k), trunk_lean=0.3 * k) for k in stand],
        3,
        0,
    )
    ext = angle_profile([_rep(hold=0.6)] * 2, rest=85, peak=5, fps=FPS)
    add(
        "seated knee extension, right leg",
        "seated_knee_extension",
        [Pose(knee_flexion=(85.0, k), hip_flexion=(90.0, 90.0)) for k in ext],
        2,
        0,
    )
    add(
        "squat, clip ends at the bottom of the third",
        "squat",
        squat_poses(angle_profile([_rep()] * 3, rest=3, peak=100, fps=FPS, end_mid_way=True)),
        2,
        1,
    )
    return out


def main() -> None:
    data = {
        "about": "Keypoint tracks ([x, y, score] x 17 COCO keypoints per frame) with expected "
        "repetition counts, shared by the Python and JavaScript counters. Protocol "
        "parameters: exercises/catalog.json entry 'exercise' updated by 'params_override'.",
        "min_score": 0.3,
        "vectors": vectors(),
    }
    path = HERE / "reps_vectors.json"
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB, {len(data['vectors'])} vectors)")


if __name__ == "__main__":
    main()
