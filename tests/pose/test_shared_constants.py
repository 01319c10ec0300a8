"""The numbers the engine and the browser share (pose/measures/shared_constants.py): the
generated ``static/js/shared_constants.js`` is current, its values are the engine's own, and
the server's brightness and skeleton drawing follow the definitions it names. The browser's
side: tests/js/shared_constants.test.mjs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import av
import numpy as np
import pytest

from pose.keypoints import KEYPOINT_NAMES, SKELETON_EDGES
from pose.measures import quality, reps
from pose.measures.angles import ANGLE_JOINTS
from pose.measures.cleaning import MIN_SCORE
from pose.measures.protocols import get_protocol, reps_on_angle
from pose.measures.shared_constants import REGENERATE, render_module, shared_constants
from pose.tools import overlay
from pose.video.reader import VideoReader

GENERATED = Path(__file__).resolve().parents[2] / "static" / "js" / "shared_constants.js"
SHARED = shared_constants()


def test_the_generated_module_is_current():
    assert GENERATED.read_text() == render_module(), (
        f"{GENERATED.name} is out of date with the engine's constants; regenerate: {REGENERATE}"
    )


def test_the_generated_module_is_the_function_s_json():
    text = GENERATED.read_text()
    body = re.search(r"const SHARED = (\{.*\});\n", text, re.S)
    assert body and json.loads(body.group(1)) == SHARED
    assert text.rstrip().endswith("export default SHARED;")


def test_the_values_are_the_engine_s_constants():
    assert SHARED["min_score"] == MIN_SCORE == 0.3
    assert SHARED["keypoints"] == list(KEYPOINT_NAMES)
    assert SHARED["skeleton"] == {
        "edges": [list(e) for e in SKELETON_EDGES],
        "min_score": MIN_SCORE,
    }
    assert SHARED["view"] == {
        "front_ratio": quality.FRONT_RATIO,
        "side_ratio": quality.SIDE_RATIO,
        "min_score": MIN_SCORE,
        "hip_width_factor": quality.HIP_WIDTH_FACTOR,
        "segment_factors": [[f, list(seg)] for f, seg in quality.SEGMENT_FACTORS],
        "back_turned": quality.BACK_TURNED,
        "nose_centred": quality.NOSE_CENTRED,
    }
    assert SHARED["in_frame"] == {
        "joints": list(quality.BODY_JOINTS),
        "min_score": quality.IN_FRAME_SCORE,
    }
    brightness = SHARED["brightness"]
    assert brightness["definition"] == quality.BRIGHTNESS_DEFINITION == "mean_rgb"
    assert brightness["too_dark_below"] == quality.DARK_BRIGHTNESS == 40
    assert SHARED["reps"] == {
        "default_min_range": reps_on_angle("knee_flexion").min_range,
        "low_percentile": reps.ADAPTIVE_LOW_PERCENTILE,
        "high_percentile": reps.ADAPTIVE_HIGH_PERCENTILE,
        "enter_fraction": reps.ADAPTIVE_ENTER_FRACTION,
        "exit_fraction": reps.ADAPTIVE_EXIT_FRACTION,
        "reason_shallow": reps.REASON_SHALLOW,
        "reason_clip_ended": reps.REASON_CLIP_ENDED,
        "lead_measure": reps.LEAD_MEASURE,
    }
    assert SHARED["reps"]["default_min_range"] == 20


def test_the_live_joints_are_countable_angles():
    choices = get_protocol("reps_on_angle").param_choices["joint"]
    assert SHARED["live_joints"] == [*ANGLE_JOINTS, "hip_rise"]
    assert set(SHARED["live_joints"]) <= set(choices)


# --- brightness: one definition, the server's mean of R, G and B -----------------------------


def _blue_clip(path: Path, codec: str, pix_fmt: str, options: dict[str, str]) -> Path:
    rgb = np.zeros((480, 512, 3), np.uint8)
    rgb[...] = SHARED["brightness"]["example"]["rgb"]
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=30)
        stream.width, stream.height, stream.pix_fmt = 512, 480, pix_fmt
        stream.options = options
        for _ in range(3):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format=pix_fmt)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def test_the_example_separates_mean_rgb_from_luma():
    example = SHARED["brightness"]["example"]
    r, g, b = example["rgb"]
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    assert example["brightness"] == pytest.approx((r + g + b) / 3) == 85
    # The example is only useful because the two definitions disagree about "too dark".
    assert luma < quality.DARK_BRIGHTNESS <= example["brightness"]


@pytest.mark.parametrize(
    "codec,pix_fmt,options,planar,tolerance",
    [
        ("libx264rgb", "rgb24", {"crf": "0"}, False, 0.01),  # lossless RGB: the RGB path
        ("libx264", "yuv420p", {"crf": "12"}, True, 1.0),  # the YUV planes' path
        ("libx264", "yuv420p", {"crf": "12"}, False, 1.0),  # YUV converted whole to RGB
    ],
    ids=["rgb", "yuv-planar", "yuv-rgb"],
)
def test_the_server_s_brightness_is_the_mean_of_r_g_b(
    tmp_path, codec, pix_fmt, options, planar, tolerance
):
    clip = _blue_clip(tmp_path / f"blue-{codec}.mkv", codec, pix_fmt, options)
    with VideoReader(clip) as reader:
        frame = next(iter(reader.frames(planar=planar)))
    assert frame.brightness == pytest.approx(
        SHARED["brightness"]["example"]["brightness"], abs=tolerance
    )


# --- the skeleton: drawn exactly where the measures use the joints ----------------------------


def test_the_server_overlay_draws_at_the_shared_threshold():
    assert overlay.MIN_DRAW_SCORE == SHARED["skeleton"]["min_score"] == MIN_SCORE
    black = np.zeros((100, 100, 3), np.uint8)
    keypoints = np.zeros((17, 3))
    keypoints[0] = [30, 30, MIN_SCORE]  # at the gate: the measures use it, so it is drawn
    keypoints[1] = [70, 70, MIN_SCORE - 0.01]  # below: unknown to the measures, not drawn
    drawn = overlay.draw_skeleton(black, keypoints)
    assert drawn[28:33, 28:33].any()
    assert not drawn[65:76, 65:76].any()
    assert not drawn[40:60, 40:60].any()  # no bone to a joint that is not drawn
