"""Convert a TF.js MoveNet graph model to ``.tflite`` flatbuffers, once, cached on disk.

Two precisions per model:

- ``float``: the graph as published, float32 throughout (the TF backend's twin: both give the
  same keypoints within 1e-3).
- ``int8`` (opt-in): the network's convolutions (MobileNetV2 backbone, FPN and heads) in int8
  with per-channel weights, calibrated on :mod:`pose.calibration`'s crops, while the decoding
  after them (heatmap weighting, arg-max, offsets) stays float: quantising that as well wrecks
  the keypoints. XNNPACK runs the int8 convolutions with VNNI instructions, about twice as fast
  as float here (Lightning 3.5 ms against 7.0 ms on one thread). Positions stay close (pose_1
  against TF.js: median 3.90 px against float's 3.60), but keypoint scores move by 0.1 on
  average (up to 0.65), enough to flip joints across the 0.3 gate of the measures; so float
  stays the default and int8 is for when speed matters more.

The cache file is named by a hash of the source files (and, for int8, the calibration recipe),
so new weights never reuse an old conversion. Conversion goes through a SavedModel (the path
TFLiteConverter supports best) and takes seconds; it runs from ``make setup`` or on first use,
never at import time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pose.errors import ModelError
from pose.weights import SHA256, model_dir, model_info, verified_files

PRECISIONS = ("int8", "float")
# The network: every convolution, and any op whose output name lies in the feature extractor
# (its residual ADDs and FPN resizes); everything else is MoveNet's decoding.
_NETWORK_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D"}
_NETWORK_SCOPE = "feature_extractor"
_RECIPE = "float-decoding"  # in the int8 cache name: which ops stay float


def tflite_path(name: str, folder: Path | None = None, precision: str = "float") -> Path:
    folder = folder or model_dir()
    stem = model_info(name).stem
    source = SHA256[f"{stem}.json"] + SHA256[f"{stem}.bin"]
    if precision == "float":
        return folder / f"{stem}-{hashlib.sha256(source.encode()).hexdigest()[:16]}.tflite"
    if precision == "int8":
        from pose.calibration import CALIBRATION_VERSION

        recipe = f"{source}-int8-{CALIBRATION_VERSION}-{_RECIPE}"
        return folder / f"{stem}-int8-{hashlib.sha256(recipe.encode()).hexdigest()[:16]}.tflite"
    raise ModelError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")


def ensure_tflite(name: str, folder: Path | None = None, precision: str = "float") -> Path:
    """The cached flatbuffer for a model, converting it first if it is not there yet."""
    target = tflite_path(name, folder, precision)
    if target.is_file():
        return target
    float_path = ensure_tflite(name, folder) if precision == "int8" else None
    json_path, _ = verified_files(name, folder)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    from pose.tfjs_graph import load_concrete_function

    fn = load_concrete_function(json_path)
    size = model_info(name).input_size
    module = tf.Module()
    module.serve = tf.function(
        lambda x: {"output": fn(x)},
        input_signature=[tf.TensorSpec([1, size, size, 3], tf.int32, name="input")],
    )
    with tempfile.TemporaryDirectory() as tmp:
        tf.saved_model.save(module, tmp, signatures={"serving_default": module.serve})
        converter = tf.lite.TFLiteConverter.from_saved_model(tmp)
        if float_path is None:
            flatbuffer = converter.convert()
        else:
            flatbuffer = _quantize(tf, converter, float_path, size)
    partial = target.with_suffix(".part")
    partial.write_bytes(flatbuffer)
    partial.replace(target)  # atomic: concurrent workers never read half a file
    return target


def _quantize(tf, converter, float_path: Path, size: int) -> bytes:
    """int8 network, float decoding (the ops named from the float flatbuffer of the graph)."""
    from pose.calibration import calibration_crops

    crops = calibration_crops(size)

    def dataset():
        for crop in crops:
            yield [crop[None]]

    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = dataset
    nodes, op_types = _float_part(float_path)
    # By name and by type: a type the network never uses is denied outright, or the quantizer
    # would still carry int8 through reshapes and gathers of the decoding.
    options = tf.lite.experimental.QuantizationDebugOptions(
        denylisted_nodes=nodes, denylisted_ops=op_types
    )
    debugger = tf.lite.experimental.QuantizationDebugger(
        converter=converter, debug_dataset=dataset, debug_options=options
    )
    return debugger.get_nondebug_quantized_model()


def _float_part(float_path: Path) -> tuple[list[str], list[str]]:
    """What stays float: the output tensors of the decoding ops (every op that is neither a
    convolution nor inside the feature extractor), and the op types only the decoding uses."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interpreter = Interpreter(
        model_path=str(float_path),
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    tensors = {t["index"]: t["name"] for t in interpreter.get_tensor_details()}
    ops = [op for op in interpreter._get_ops_details() if len(op["outputs"])]  # TF's tools use it
    decoding = [
        op
        for op in ops
        if op["op_name"] not in _NETWORK_OPS and _NETWORK_SCOPE not in tensors[op["outputs"][0]]
    ]
    names = [tensors[int(t)] for op in decoding for t in op["outputs"]]
    decoding_indices = {op["index"] for op in decoding}
    network_types = {op["op_name"] for op in ops if op["index"] not in decoding_indices}
    return names, sorted({op["op_name"] for op in decoding} - network_types)


def main() -> None:
    for name in ("lightning", "thunder", "multipose"):
        print(f"models: {ensure_tflite(name)}")
    for name in ("lightning", "thunder"):
        print(f"models: {ensure_tflite(name, precision='int8')}")


if __name__ == "__main__":
    main()
