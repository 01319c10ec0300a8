"""Inference backends for MoveNet: LiteRT (default, fastest here) and TensorFlow.

SinglePose backends give ``keypoints(crop)``: (17, 3) of (y, x, score) for one ``S x S x 3``
crop. LiteRT runs the converted network of :mod:`pose.model.convert` (``float``, the default, or
``int8``) with the decoding in NumPy (:mod:`pose.model.network`); its speed per machine is in
docs/performance.md. TensorFlow runs the whole
published graph as imported (float only), kept to cross-check the conversion and the decoding
(same keypoints within 1e-3). MultiPose backends are called with an int32 batch
``[1, S, S, 3]`` and return the graph's raw output (LiteRT runs the whole graph converted).
"""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np

from pose.errors import ModelError

DEFAULT_THREADS = int(os.environ.get("THERAPOSE_THREADS", "2"))
# Precision of the LiteRT model: "float" (default) or "int8" (about twice as fast, noisier
# keypoint scores: see pose.model.convert). TensorFlow runs float only.
DEFAULT_PRECISION = os.environ.get("THERAPOSE_PRECISION", "float")
BACKENDS = ("litert", "tf")


class Backend(Protocol):
    """MultiPose: raw output of an int32 batch."""

    precision: str

    def __call__(self, batch: np.ndarray) -> np.ndarray: ...


class SinglePoseBackend(Protocol):
    precision: str

    def keypoints(self, crop: np.ndarray) -> np.ndarray: ...


class LiteRTBackend:
    """``ai-edge-litert`` interpreter over a whole graph's cached ``.tflite`` (MultiPose, which
    is converted in float only)."""

    precision = "float"

    def __init__(self, model_name: str, num_threads: int = DEFAULT_THREADS) -> None:
        from ai_edge_litert.interpreter import Interpreter

        from pose.model.convert import ensure_tflite

        self.interpreter = Interpreter(
            model_path=str(ensure_tflite(model_name)),
            num_threads=max(1, num_threads),
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

    precision = "float"

    def __init__(self, model_name: str, num_threads: int = DEFAULT_THREADS) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        from pose.model.tfjs_graph import load_concrete_function
        from pose.model.weights import verified_files

        try:
            tf.config.threading.set_intra_op_parallelism_threads(max(1, num_threads))
        except RuntimeError:  # already initialised in this process: keep its setting
            pass
        json_path, _ = verified_files(model_name)
        self._tf = tf
        self._fn = load_concrete_function(json_path)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self._fn(self._tf.constant(batch)).numpy()

    def keypoints(self, crop: np.ndarray) -> np.ndarray:
        return self(np.ascontiguousarray(crop[None], dtype=np.int32)).reshape(17, 3)


def resolve_precision(backend: str, precision: str | None) -> str:
    """The precision a backend runs: LiteRT's default is THERAPOSE_PRECISION (float);
    TensorFlow runs float only."""
    if backend == "tf":
        if precision not in (None, "float"):
            raise ModelError("the TF backend runs the float model only (use precision float)")
        return "float"
    precision = precision or DEFAULT_PRECISION
    if precision not in ("int8", "float"):
        raise ModelError(f"unknown precision {precision!r}; choose int8 or float")
    return precision


def create_backend(
    model_name: str,
    backend: str = "litert",
    num_threads: int = DEFAULT_THREADS,
    precision: str | None = None,
) -> Backend | SinglePoseBackend:
    """A backend for ``model_name``; MultiPose always runs float (it is only consulted when
    tracking starts, and has no int8 conversion)."""
    if backend == "litert":
        if model_name == "multipose":
            return LiteRTBackend(model_name, num_threads)
        from pose.model.network import SinglePoseNetwork

        return SinglePoseNetwork(model_name, num_threads, resolve_precision(backend, precision))
    if backend == "tf":
        resolve_precision(backend, precision)
        return TensorFlowBackend(model_name, num_threads)
    raise ModelError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
