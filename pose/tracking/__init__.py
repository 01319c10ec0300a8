"""MoveNet's published tracking: intelligent cropping, the One Euro keypoint filter, the tracker, the clip loop."""
