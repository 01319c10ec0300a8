"""The 17 COCO keypoints MoveNet returns, in its output order, and the skeleton drawn over them."""

from __future__ import annotations

KEYPOINT_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
)
NUM_KEYPOINTS = len(KEYPOINT_NAMES)
KP: dict[str, int] = {name: i for i, name in enumerate(KEYPOINT_NAMES)}

TORSO_JOINTS: tuple[int, ...] = (
    KP["left_shoulder"],
    KP["right_shoulder"],
    KP["left_hip"],
    KP["right_hip"],
)

# Pairs of keypoint indices joined when drawing a skeleton.
SKELETON_EDGES: tuple[tuple[int, int], ...] = tuple(
    (KP[a], KP[b])
    for a, b in (
        ("nose", "left_eye"),
        ("nose", "right_eye"),
        ("left_eye", "left_ear"),
        ("right_eye", "right_ear"),
        ("left_shoulder", "right_shoulder"),
        ("left_shoulder", "left_elbow"),
        ("left_elbow", "left_wrist"),
        ("right_shoulder", "right_elbow"),
        ("right_elbow", "right_wrist"),
        ("left_shoulder", "left_hip"),
        ("right_shoulder", "right_hip"),
        ("left_hip", "right_hip"),
        ("left_hip", "left_knee"),
        ("left_knee", "left_ankle"),
        ("right_hip", "right_knee"),
        ("right_knee", "right_ankle"),
    )
)
