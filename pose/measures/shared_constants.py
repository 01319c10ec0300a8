"""The numbers the engine and the browser share, exported for ``static/js/shared_constants.js``.

The browser's live page re-implements a few measures (the angles, the repetition counter, the
set-up check, the skeleton drawing). Their numbers are defined once, here in the engine, and the
browser imports them from a generated ES module instead of copying them:

    .venv/bin/python -m pose.measures.shared_constants > static/js/shared_constants.js

``tests/pose/test_shared_constants.py`` fails when the committed file differs from what this
module produces now (regenerate it with the command above), and
``tests/js/shared_constants.test.mjs`` checks that the browser modules use its values.

What is shared (each built from the engine's own constant, never retyped):

- ``min_score``: the keypoint score gate (:data:`pose.measures.cleaning.MIN_SCORE`); below it a
  keypoint is unknown for the angles and the camera view.
- ``keypoints``: the 17 COCO names in MoveNet's order (:mod:`pose.keypoints`).
- ``skeleton``: the bones drawn and the score above which a joint is drawn: the measures' gate,
  so a drawing shows exactly the joints the measures use (``pose.tools.overlay`` does the same).
- ``view``: the camera-view rule (:func:`pose.measures.quality.view_ratio`,
  :func:`~pose.measures.quality.classify_view`): thresholds and body proportions
  (:mod:`pose.measures.quality`).
- ``in_frame``: the joints that must be inside the picture for "whole body" and their score.
- ``brightness``: its definition (:data:`pose.measures.quality.BRIGHTNESS_DEFINITION`), the
  "too dark" threshold, and one worked example both sides' tests check their code against.
- ``reps``: the adaptive thresholds' percentiles and fractions, the default minimum range and
  the partial repetitions' reasons, and the measure that names a lunge's front leg
  (``lead_measure``, :data:`pose.measures.reps.LEAD_MEASURE`) (:mod:`pose.measures.reps`).
- ``live_joints``: the measures the live page can count: the joint angles
  (:data:`pose.measures.angles.ANGLE_JOINTS`) and :data:`LIVE_HEIGHTS` (other heights need the
  whole clip's standing level).
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from pose.keypoints import KEYPOINT_NAMES, SKELETON_EDGES
from pose.measures import quality, reps
from pose.measures.angles import ANGLE_JOINTS, ON_DEMAND_HEIGHTS
from pose.measures.cleaning import MIN_SCORE
from pose.measures.protocols.reps_on_angle import RepsOnAngle

LIVE_HEIGHTS = ON_DEMAND_HEIGHTS
"""Heights the live page can count: ``hip_rise`` needs no standing level for counting (the live
counter's thresholds adapt to the range it has seen); the others need the whole clip's."""

REGENERATE = ".venv/bin/python -m pose.measures.shared_constants > static/js/shared_constants.js"

# A saturated blue frame: 85 as the mean of R, G and B, but 29 as BT.601 luma (so a luma-based
# check would call it too dark). Both sides' tests compute their brightness of this frame.
_BRIGHTNESS_EXAMPLE_RGB = (0, 0, 255)


def _default(dataclass_type: type, name: str) -> Any:
    return next(f.default for f in fields(dataclass_type) if f.name == name)


def shared_constants() -> dict[str, Any]:
    """The shared numbers as plain JSON data (the module docstring lists them)."""
    return {
        "min_score": MIN_SCORE,
        "keypoints": list(KEYPOINT_NAMES),
        "skeleton": {
            "edges": [list(edge) for edge in SKELETON_EDGES],
            "min_score": MIN_SCORE,
        },
        "view": {
            "front_ratio": quality.FRONT_RATIO,
            "side_ratio": quality.SIDE_RATIO,
            "min_score": MIN_SCORE,
            "hip_width_factor": quality.HIP_WIDTH_FACTOR,
            "segment_factors": [[f, list(seg)] for f, seg in quality.SEGMENT_FACTORS],
            "back_turned": quality.BACK_TURNED,
            "nose_centred": quality.NOSE_CENTRED,
        },
        "in_frame": {
            "joints": list(quality.BODY_JOINTS),
            "min_score": quality.IN_FRAME_SCORE,
        },
        "brightness": {
            "definition": quality.BRIGHTNESS_DEFINITION,
            "too_dark_below": quality.DARK_BRIGHTNESS,
            "example": {
                "rgb": list(_BRIGHTNESS_EXAMPLE_RGB),
                "brightness": sum(_BRIGHTNESS_EXAMPLE_RGB) / len(_BRIGHTNESS_EXAMPLE_RGB),
            },
        },
        "reps": {
            "default_min_range": _default(RepsOnAngle, "min_range"),
            "low_percentile": reps.ADAPTIVE_LOW_PERCENTILE,
            "high_percentile": reps.ADAPTIVE_HIGH_PERCENTILE,
            "enter_fraction": reps.ADAPTIVE_ENTER_FRACTION,
            "exit_fraction": reps.ADAPTIVE_EXIT_FRACTION,
            "reason_shallow": reps.REASON_SHALLOW,
            "reason_clip_ended": reps.REASON_CLIP_ENDED,
            "lead_measure": reps.LEAD_MEASURE,
        },
        "live_joints": [*ANGLE_JOINTS, *LIVE_HEIGHTS],
    }


def _literal(value: Any, indent: str = "") -> str:
    """JSON text with one key per line and each list on one line (short enough to read)."""
    if isinstance(value, dict):
        inner = indent + "  "
        items = (f"{inner}{json.dumps(k)}: {_literal(v, inner)}" for k, v in value.items())
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    return json.dumps(value, ensure_ascii=False)


def render_module() -> str:
    """``static/js/shared_constants.js``: the shared numbers as an ES module's default export."""
    body = _literal(shared_constants())
    return (
        "// Generated from the engine's constants by pose/measures/shared_constants.py: do not edit.\n"
        f"// Regenerate: {REGENERATE}\n"
        "// tests/pose/test_shared_constants.py checks that this file is current.\n"
        f"const SHARED = {body};\n"
        "\n"
        "export default SHARED;\n"
    )


if __name__ == "__main__":
    print(render_module(), end="")
