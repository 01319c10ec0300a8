"""Therapose pose engine: MoveNet on recorded clips, and the measures built on its keypoints.

A small library with no Django in it. The public entry points:

- :func:`pose.pipeline.analyze_clip` turns a video file into a result dict (the JSON contract).
- :func:`pose.scoring.score_track` turns a keypoint track into angles, repetitions, balance and
  quality figures for one exercise protocol.
- ``python -m pose`` is the command line (``analyze``, ``score``, ``bench``).
"""

# 0.2.0: crops sampled by OpenCV from frames at recorded size (keypoints move slightly against
# 0.1.0: pose_1 vs TF.js median 3.61 -> 3.57 px), "precision" in the result.
# 0.3.0: 8-bit 4:2:0 frames cropped straight from their YUV planes (pose.planar; pose_1 vs
# TF.js median 3.60 px, p95 13.46), keypoints rounded as arrays.
# 0.4.0: LiteRT runs the network alone, the graph's input scaling and decoding in NumPy (float
# keypoints unchanged); the int8 model is full-integer (pose_1 vs TF.js 3.88 / 12.42 px).
ENGINE_VERSION = "0.4.0"
