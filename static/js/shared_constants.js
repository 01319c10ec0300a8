// Generated from the engine's constants by pose/measures/shared_constants.py: do not edit.
// Regenerate: .venv/bin/python -m pose.measures.shared_constants > static/js/shared_constants.js
// tests/pose/test_shared_constants.py checks that this file is current.
const SHARED = {
  "min_score": 0.3,
  "keypoints": ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"],
  "skeleton": {
    "edges": [[0, 1], [0, 2], [1, 3], [2, 4], [5, 6], [5, 7], [7, 9], [6, 8], [8, 10], [5, 11], [6, 12], [11, 12], [11, 13], [13, 15], [12, 14], [14, 16]],
    "min_score": 0.3
  },
  "view": {
    "front_ratio": 0.6,
    "side_ratio": 0.45,
    "min_score": 0.3,
    "hip_width_factor": 1.6,
    "segment_factors": [[1.55, ["shoulder", "elbow"]], [1.15, ["hip", "knee"]], [1.2, ["knee", "ankle"]]],
    "back_turned": 0.2,
    "nose_centred": 0.08
  },
  "in_frame": {
    "joints": ["left_shoulder", "left_elbow", "left_wrist", "left_hip", "left_knee", "left_ankle", "right_shoulder", "right_elbow", "right_wrist", "right_hip", "right_knee", "right_ankle"],
    "min_score": 0.2
  },
  "brightness": {
    "definition": "mean_rgb",
    "too_dark_below": 40.0,
    "example": {
      "rgb": [0, 0, 255],
      "brightness": 85.0
    }
  },
  "reps": {
    "default_min_range": 20.0,
    "low_percentile": 5,
    "high_percentile": 95,
    "enter_fraction": 0.6,
    "exit_fraction": 0.3,
    "reason_shallow": "did not reach the threshold",
    "reason_clip_ended": "clip ended mid-repetition",
    "lead_measure": "hip_flexion"
  },
  "live_joints": ["knee_flexion", "hip_flexion", "shoulder_abduction", "shoulder_flexion", "elbow_flexion", "hip_rise"]
};

export default SHARED;
