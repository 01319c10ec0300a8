"""Convert a TF.js MoveNet graph model to ``.tflite`` flatbuffers, once, cached on disk.

SinglePose (Lightning, Thunder): the flatbuffer holds the network alone, from the normalised
image (the graph's ``sub_1``) to its four heads (centre, keypoint heatmaps, regression,
offsets). The graph's own first and last steps, the input scaling and the decoding
(:mod:`pose.model.decoding`), run in NumPy: in LiteRT they are a dozen small ops run one by one on one
thread while the second inference thread waits (a sizeable share of a Lightning frame: see
docs/performance.md). Two precisions:

- ``float``: float32 throughout (with the NumPy decoding, the same keypoints as the whole
  published graph in TensorFlow, within 1e-3; tests/pose/test_backends.py).
- ``int8`` (opt-in): the whole network in int8 with per-channel weights, int8 in and out,
  calibrated on :mod:`pose.model.calibration`'s crops; the decoding stays float (quantising it as
  well put keypoints hundreds of pixels off). XNNPACK runs the int8 convolutions with VNNI
  instructions, about twice as fast as float (docs/performance.md).
  Positions stay close to float's (tests/pose/test_conformance.py), but
  keypoint scores move by 0.1 on average, enough to flip joints across the measures' 0.3 gate;
  so float stays the default and int8 is for when speed matters more.

MultiPose (consulted only when tracking starts) is converted whole, in float, int32 image in.

The cache file is named by a hash of the source files and the recipe (for int8 the calibration
too), so new weights or a new recipe never reuse an old conversion. Conversion goes through a
SavedModel (the path TFLiteConverter supports best) and takes seconds; it runs from
``make setup`` or on first use, never at import time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from pose.errors import ModelError
from pose.model.decoding import GRAPH_SCOPE, HEADS, NETWORK_INPUT, load_decoding
from pose.model.weights import SHA256, model_dir, model_info, verified_files

PRECISIONS = ("int8", "float")
_RECIPE = "network-1"  # in the single-pose cache names: what the flatbuffer holds


def tflite_path(name: str, folder: Path | None = None, precision: str = "float") -> Path:
    folder = folder or model_dir()
    stem = model_info(name).stem
    source = SHA256[f"{stem}.json"] + SHA256[f"{stem}.bin"]
    if precision not in PRECISIONS:
        raise ModelError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    if name == "multipose":
        if precision != "float":
            raise ModelError("MultiPose is converted in float only")
        return folder / f"{stem}-{hashlib.sha256(source.encode()).hexdigest()[:16]}.tflite"
    recipe = f"{source}-{_RECIPE}-{precision}"
    if precision == "int8":
        from pose.model.calibration import CALIBRATION_VERSION

        recipe += f"-{CALIBRATION_VERSION}"
    digest = hashlib.sha256(recipe.encode()).hexdigest()[:16]
    return folder / f"{stem}-{precision}-{digest}.tflite"


def ensure_tflite(name: str, folder: Path | None = None, precision: str = "float") -> Path:
    """The cached flatbuffer for a model, converting it first if it is not there yet."""
    target = tflite_path(name, folder, precision)
    if target.is_file():
        return target
    json_path, _ = verified_files(name, folder)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    from pose.model.tfjs_graph import load_concrete_function

    size = model_info(name).input_size
    module = tf.Module()
    if name == "multipose":
        whole = load_concrete_function(json_path)
        module.serve = tf.function(
            lambda x: {"output": whole(x)},
            input_signature=[tf.TensorSpec([1, size, size, 3], tf.int32, name="input")],
        )
    else:
        network = load_concrete_function(
            json_path,
            feed=GRAPH_SCOPE + NETWORK_INPUT,
            fetches=[GRAPH_SCOPE + node for node in HEADS.values()],
        )
        module.serve = tf.function(
            lambda x: dict(zip(HEADS, network(x), strict=True)),
            input_signature=[tf.TensorSpec([1, size, size, 3], tf.float32, name="input")],
        )
    with tempfile.TemporaryDirectory() as tmp:
        tf.saved_model.save(module, tmp, signatures={"serving_default": module.serve})
        converter = tf.lite.TFLiteConverter.from_saved_model(tmp)
        if precision == "int8":
            _quantize(tf, converter, json_path, size)
        flatbuffer = converter.convert()
    partial = target.with_suffix(".part")
    partial.write_bytes(flatbuffer)
    partial.replace(target)  # atomic: concurrent workers never read half a file
    return target


def _quantize(tf, converter, json_path: Path, size: int) -> None:
    """Full-integer network: int8 weights (per channel) and activations, int8 input and heads,
    activation ranges measured on the calibration crops, normalised as the graph does."""
    from pose.model.calibration import calibration_crops

    table = load_decoding(json_path).normalise_table()
    channels = np.arange(3)
    inputs = [table[crop, channels][None] for crop in calibration_crops(size)]

    def dataset():
        for batch in inputs:
            yield [batch]

    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8


def remove_stale(folder: Path, keep: set[Path]) -> list[Path]:
    """Delete the ``movenet-*.tflite`` conversions in ``folder`` that are not in ``keep`` (an
    earlier recipe's, which would otherwise pile up); the TF.js files are never touched."""
    stale = [p for p in sorted(folder.glob("movenet-*.tflite")) if p not in keep]
    for path in stale:
        path.unlink()
    return stale


def main() -> None:
    """Convert what is missing (``make setup``), then remove conversions no recipe uses any more."""
    current = {ensure_tflite(name) for name in ("lightning", "thunder", "multipose")}
    current |= {ensure_tflite(name, precision="int8") for name in ("lightning", "thunder")}
    for path in sorted(current):
        print(f"models: {path}")
    for path in remove_stale(model_dir(), current):
        print(f"models: removed {path.name} (an earlier conversion)")


if __name__ == "__main__":
    main()
