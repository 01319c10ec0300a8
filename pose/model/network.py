"""MoveNet SinglePose in LiteRT: the converted network between NumPy's first and last steps.

Per crop: a table turns each pixel value into the network's input (the graph's scaling, then,
for the int8 model, its quantisation: one ``cv2.LUT``); LiteRT runs the network
(:mod:`pose.model.convert`); the heads' sigmoids come from a table as well when they are int8; and
:mod:`pose.model.decoding` finds the keypoints. Same results as the whole graph, without LiteRT's
single-threaded small ops (see :mod:`pose.model.decoding`).
"""

from __future__ import annotations

import cv2
import numpy as np

from pose.model.decoding import HEADS, dequantize, load_decoding, sigmoid


class SinglePoseNetwork:
    """``keypoints(crop)``: (17, 3) float32 (y, x, score) for a uint8 ``S x S x 3`` crop."""

    def __init__(self, model_name: str, num_threads: int, precision: str) -> None:
        from ai_edge_litert.interpreter import Interpreter

        from pose.model.convert import ensure_tflite
        from pose.model.weights import verified_files

        self.precision = precision
        path = ensure_tflite(model_name, precision=precision)
        json_path, _ = verified_files(model_name)
        self.decoding = load_decoding(json_path)
        self.interpreter = Interpreter(model_path=str(path), num_threads=max(1, num_threads))
        self.interpreter.allocate_tensors()
        runner = self.interpreter.get_signature_runner()
        (source,) = runner.get_input_details().values()
        heads = runner.get_output_details()
        del runner  # it holds the interpreter's buffers, which invoke() refuses
        self._input = source["index"]
        self._heads = {name: heads[name]["index"] for name in HEADS}
        self._q = {name: heads[name]["quantization"] for name in HEADS}
        table = self.decoding.normalise_table()  # (256, 3) float32
        if source["dtype"] == np.int8:
            table = quantize(table, source["quantization"])
        # One table for all three channels when they are scaled alike (MoveNet's are): cv2.LUT
        # is twice as fast with it.
        same = bool((table == table[:, :1]).all())
        self._input_table = np.ascontiguousarray(table[:, 0] if same else table.reshape(256, 1, 3))
        self._sigmoid_tables = {
            name: sigmoid(dequantize(np.arange(256, dtype=np.uint8).view(np.int8), self._q[name]))
            for name in ("center", "heatmap")
            if heads[name]["dtype"] == np.int8
        }

    def keypoints(self, crop: np.ndarray) -> np.ndarray:
        if crop.dtype != np.uint8:
            crop = np.clip(crop, 0, 255).astype(np.uint8)
        crop = np.ascontiguousarray(crop)  # what cv2 reads; a no-op for the tracker's crops
        batch = cv2.LUT(crop, self._input_table)[None]
        self.interpreter.set_tensor(self._input, batch)
        self.interpreter.invoke()  # releases the GIL: decoding of the next frame overlaps
        head = {name: self.interpreter.get_tensor(i)[0] for name, i in self._heads.items()}
        return self.decoding(
            self._scores(np.ascontiguousarray(head["center"][..., 0]), "center"),
            self._scores(np.ascontiguousarray(head["heatmap"].transpose(2, 0, 1)), "heatmap"),
            head["regress"],
            head["offset"],
            self._q["regress"],
            self._q["offset"],
        )

    def _scores(self, logits: np.ndarray, name: str) -> np.ndarray:
        """The sigmoid of a head: from its table when the head is int8."""
        table = self._sigmoid_tables.get(name)
        if table is None:
            return sigmoid(logits)
        return cv2.LUT(logits.view(np.uint8), table)


def quantize(values: np.ndarray, quantization: tuple[float, int]) -> np.ndarray:
    """int8 as LiteRT's quantize computes it: round(value / scale) + zero point, rounding
    halves away from zero, clamped."""
    scale, zero_point = quantization
    scaled = values.astype(np.float32) / np.float32(scale)
    rounded = np.where(scaled >= 0, np.floor(scaled + 0.5), np.ceil(scaled - 0.5))
    return np.clip(rounded + zero_point, -128, 127).astype(np.int8)
