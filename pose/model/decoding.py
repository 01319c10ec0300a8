"""MoveNet SinglePose's decoding, the graph's last steps, in NumPy.

The converted LiteRT models stop at the network's four heads (see :mod:`pose.model.convert`): the
published graph's decoding is a dozen small ops (arg-max, gathers, a distance map) that LiteRT
runs one by one on a single thread while the second inference thread waits (see
docs/performance.md). Here they are, op for op as in the graph (``StatefulPartitionedCall/...``),
with the graph's own constants read from the weight files (they are float16-rounded there:
1.7998 rather than 1.8), so the result matches the TensorFlow backend, which runs the whole
published graph, within float rounding (tests/pose/test_backends.py checks it):

1. centre: ``sigmoid(centre logits) * weight`` (a fixed map favouring the middle of the crop);
   its arg-max is the person's centre cell;
2. the keypoints regressed from that cell: the cell plus the ``regress`` head's 17 (dy, dx);
3. each keypoint's cell: arg-max of ``sigmoid(heatmap) / (distance to the regressed point +
   1.7998)``;
4. position: that cell plus the ``offset`` head's (dy, dx) there, times 1/S (S = 48 or 64);
   score: the heatmap's sigmoid there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

GRAPH_SCOPE = "StatefulPartitionedCall/"
# The network's four heads (logits, before any sigmoid): output name -> node in the graph.
HEADS = {
    "center": "center_0/conv2d_4/BiasAdd",  # (S, S, 1)
    "heatmap": "kpt_heatmap_0/conv2d_5/BiasAdd",  # (S, S, 17)
    "regress": "kpt_regress_0/conv2d_6/BiasAdd",  # (S, S, 34)
    "offset": "kpt_offset_0/conv2d_7/BiasAdd",  # (S, S, 34)
}
# The normalised image the network starts from: (pixel - mean) * scale - 1.
NETWORK_INPUT = "sub_1"


@dataclass(frozen=True)
class Decoding:
    """The graph's constants for the steps above and the input normalisation."""

    center_weight: np.ndarray  # (S, S) float32
    distance_bias: np.float32  # 1.7998 (add_5/y)
    cell_scale: np.float32  # 1/S (Reshape_13)
    input_mean: np.ndarray  # (3,) float32, subtracted from the pixel values (Reshape)
    input_scale: np.ndarray  # (3,) float32, then multiplied (truediv)
    input_shift: np.float32  # then subtracted (sub_1/y)

    @property
    def size(self) -> int:
        return self.center_weight.shape[0]

    def normalise_table(self) -> np.ndarray:
        """(256, 3) float32: the network input for each pixel value, per channel, computed in
        float32 as the graph does."""
        values = np.arange(256, dtype=np.float32)[:, None]
        return (values - self.input_mean) * self.input_scale - self.input_shift

    def __call__(
        self,
        center_scores: np.ndarray,
        heat_scores: np.ndarray,
        regress: np.ndarray,
        offset: np.ndarray,
        regress_q: tuple[float, int] = (1.0, 0),
        offset_q: tuple[float, int] = (1.0, 0),
    ) -> np.ndarray:
        """(17, 3) float32 of (y, x, score), normalised to the crop.

        ``center_scores`` (S, S) and ``heat_scores`` (17, S, S): the sigmoids of the centre and
        heatmap heads, float32, the heatmaps one joint after the other (the network gives them
        as (S, S, 17); joint-major, the arg-max per joint reads contiguous memory, 5x faster).
        ``regress`` and ``offset`` (S, S, 34) as the network returns them: float32, or int8
        with their (scale, zero point); only the few values the decoding reads are
        dequantised."""
        size = self.size
        cell = int(np.argmax(center_scores * self.center_weight))
        cy, cx = divmod(cell, size)
        reg = dequantize(regress[cy, cx], regress_q)  # (dy, dx) of joint 0, joint 1, ...
        ry = np.float32(cy) + reg[0::2]
        rx = np.float32(cx) + reg[1::2]
        grid = np.arange(size, dtype=np.float32)
        dy = np.square(grid - ry[:, None])[:, :, None]  # (17, S, 1)
        dx = np.square(grid - rx[:, None])[:, None, :]  # (17, 1, S)
        distance = np.add(dy, dx)
        np.sqrt(distance, out=distance)
        distance += self.distance_bias
        weighted = np.divide(heat_scores, distance, out=distance)
        cells = np.argmax(weighted.reshape(17, size * size), axis=1)
        ky, kx = np.divmod(cells, size)
        joints = np.arange(17)
        channels = 2 * joints[:, None] + (0, 1)  # joint k: its (dy, dx) channels
        off = dequantize(offset[ky[:, None], kx[:, None], channels], offset_q)  # (17, 2)
        out = np.empty((17, 3), np.float32)
        out[:, 0] = (ky.astype(np.float32) + off[:, 0]) * self.cell_scale
        out[:, 1] = (kx.astype(np.float32) + off[:, 1]) * self.cell_scale
        out[:, 2] = heat_scores[joints, ky, kx]
        return out


def dequantize(values: np.ndarray, quantization: tuple[float, int]) -> np.ndarray:
    """``scale * (q - zero_point)`` as LiteRT's dequantize computes it; float input as is."""
    if values.dtype == np.float32:
        return values
    scale, zero_point = quantization
    return (scale * (values.astype(np.float64) - zero_point)).astype(np.float32)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """float32 logistic function, into a new array."""
    out = np.negative(x, dtype=np.float32)
    with np.errstate(over="ignore"):  # exp overflows to inf for very negative logits: 1/inf = 0
        np.exp(out, out=out)
    out += np.float32(1.0)
    return np.reciprocal(out, out=out)


def load_decoding(model_json_path: Path) -> Decoding:
    """The decoding constants of a SinglePose graph model, from its weight files."""
    import json

    from pose.model.tfjs_graph import const_values

    model_json = json.loads(model_json_path.read_text())
    names = {
        "center_weight": "ConstantFolding/StatefulPartitionedCall/truediv_2_recip",
        "distance_bias": GRAPH_SCOPE + "add_5/y",
        "cell_scale": GRAPH_SCOPE + "Reshape_13",
        "input_mean": GRAPH_SCOPE + "Reshape",
        "input_scale": GRAPH_SCOPE + "truediv",
        "input_shift": GRAPH_SCOPE + "sub_1/y",
    }
    values = const_values(model_json, model_json_path.parent, list(names.values()))
    v = {key: np.asarray(values[name], np.float32) for key, name in names.items()}
    if len(set(v["cell_scale"].ravel())) != 1:
        raise ValueError("MoveNet graph scales y and x differently; this decoder assumes not")
    return Decoding(
        center_weight=v["center_weight"].reshape(v["center_weight"].shape[:2]),
        distance_bias=np.float32(v["distance_bias"].ravel()[0]),
        cell_scale=np.float32(v["cell_scale"].ravel()[0]),
        input_mean=v["input_mean"].reshape(3),
        input_scale=v["input_scale"].reshape(3),
        input_shift=np.float32(v["input_shift"].ravel()[0]),
    )
