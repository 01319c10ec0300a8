"""Convert a TF.js MoveNet graph model to a ``.tflite`` flatbuffer, once, cached on disk.

The cache file is named by a hash of the source files, so new weights never reuse an old
conversion. Conversion goes through a SavedModel (the path TFLiteConverter supports best) and
takes a few seconds; it runs from ``make setup`` or on first use, never at import time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pose.weights import SHA256, model_dir, model_info, verified_files


def tflite_path(name: str, folder: Path | None = None) -> Path:
    folder = folder or model_dir()
    stem = model_info(name).stem
    key = hashlib.sha256((SHA256[f"{stem}.json"] + SHA256[f"{stem}.bin"]).encode()).hexdigest()[:16]
    return folder / f"{stem}-{key}.tflite"


def ensure_tflite(name: str, folder: Path | None = None) -> Path:
    """The cached flatbuffer for a model, converting it first if it is not there yet."""
    target = tflite_path(name, folder)
    if target.is_file():
        return target
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
        flatbuffer = converter.convert()
    partial = target.with_suffix(".part")
    partial.write_bytes(flatbuffer)
    partial.replace(target)  # atomic: concurrent workers never read half a file
    return target


def main() -> None:
    for name in ("lightning", "thunder", "multipose"):
        print(f"models: {ensure_tflite(name)}")


if __name__ == "__main__":
    main()
