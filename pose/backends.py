"""Inference backends for a converted MoveNet: LiteRT (default, fastest here) and TensorFlow.

Both take one int32 image batch ``[1, S, S, 3]`` and return the model's raw float output.
Measured on the 2-core machine (ARCHITECTURE.md): LiteRT with XNNPACK and 2 threads runs
Lightning in about 1.8 ms and Thunder in about 8 ms; the TF concrete function is 3x slower
for Lightning but is kept to cross-check the conversion.
"""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np

from pose.errors import ModelError

DEFAULT_THREADS = int(os.environ.get("THERAPOSE_THREADS", "2"))
BACKENDS = ("litert", "tf")


class Backend(Protocol):
    def __call__(self, batch: np.ndarray) -> np.ndarray: ...


class LiteRTBackend:
    """``ai-edge-litert`` interpreter over the cached ``.tflite`` flatbuffer."""

    def __init__(self, model_name: str, num_threads: int = DEFAULT_THREADS) -> None:
        from ai_edge_litert.interpreter import Interpreter

        from pose.convert import ensure_tflite

        self.interpreter = Interpreter(
            model_path=str(ensure_tflite(model_name)), num_threads=max(1, num_threads)
        )
        self.interpreter.allocate_tensors()
        self._input = self.interpreter.get_input_details()[0]["index"]
        self._output = self.interpreter.get_output_details()[0]["index"]

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self.interpreter.set_tensor(self._input, batch)
        self.interpreter.invoke()  # releases the GIL: decoding overlaps with it
        return self.interpreter.get_tensor(self._output).copy()


class TensorFlowBackend:
    """The TF.js graph imported into TensorFlow as a concrete function (no conversion)."""

    def __init__(self, model_name: str, num_threads: int = DEFAULT_THREADS) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        from pose.tfjs_graph import load_concrete_function
        from pose.weights import verified_files

        try:
            tf.config.threading.set_intra_op_parallelism_threads(max(1, num_threads))
        except RuntimeError:  # already initialised in this process: keep its setting
            pass
        json_path, _ = verified_files(model_name)
        self._tf = tf
        self._fn = load_concrete_function(json_path)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self._fn(self._tf.constant(batch)).numpy()


def create_backend(
    model_name: str, backend: str = "litert", num_threads: int = DEFAULT_THREADS
) -> Backend:
    if backend == "litert":
        return LiteRTBackend(model_name, num_threads)
    if backend == "tf":
        return TensorFlowBackend(model_name, num_threads)
    raise ModelError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
