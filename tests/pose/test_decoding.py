"""MoveNet's decoding in NumPy (pose.model.decoding) and the int8 network's tables (pose.model.network).

The real models check it end to end (tests/pose/test_backends.py: LiteRT network + this decoding
against TensorFlow running the whole published graph, within 1e-3); here, hand-made heads whose
answer is known, including the case the distance weighting exists for."""

from __future__ import annotations

import numpy as np
import pytest

from pose.model.decoding import dequantize, load_decoding, sigmoid
from pose.model.network import quantize
from pose.model.weights import verified_files

S = 48


@pytest.fixture(scope="module")
def decoding():
    json_path, _ = verified_files("lightning")
    return load_decoding(json_path)


def _heads():
    center = np.full((S, S), -8.0, np.float32)
    heatmap = np.full((17, S, S), -8.0, np.float32)  # joint-major, as the decoding takes it
    regress = np.zeros((S, S, 34), np.float32)
    offset = np.zeros((S, S, 34), np.float32)
    return center, heatmap, regress, offset


def test_the_graph_constants_are_movenets(decoding):
    assert decoding.size == S
    assert decoding.distance_bias == pytest.approx(1.8, abs=1e-3)  # float16-rounded in the file
    assert decoding.cell_scale == pytest.approx(1 / S, rel=1e-3)
    # The centre weight favours the middle of the crop.
    assert decoding.center_weight[S // 2, S // 2] > 5 * decoding.center_weight[0, 0]
    table = decoding.normalise_table()
    assert table[0] == pytest.approx([-1] * 3) and table[255] == pytest.approx([1] * 3, abs=1e-4)


def test_keypoints_come_from_the_cell_nearest_the_regressed_point(decoding):
    center, heatmap, regress, offset = _heads()
    center[20, 25] = 5.0  # the person's centre cell
    # Every joint regressed to (30, 10) from the centre; offsets inside each cell.
    regress[20, 25, 0::2] = 10.0
    regress[20, 25, 1::2] = -15.0
    heatmap[:, 31, 11] = 2.0  # near the regressed point
    heatmap[:, 2, 45] = 2.5  # a stronger peak far away: the distance weighting rejects it
    offset[31, 11, 0::2] = 0.25
    offset[31, 11, 1::2] = -0.5
    out = decoding(sigmoid(center), sigmoid(heatmap), regress, offset)
    assert out.shape == (17, 3)
    np.testing.assert_allclose(out[:, 0], (31 + 0.25) * decoding.cell_scale, rtol=1e-6)
    np.testing.assert_allclose(out[:, 1], (11 - 0.5) * decoding.cell_scale, rtol=1e-6)
    np.testing.assert_allclose(out[:, 2], 1 / (1 + np.exp(-2.0)), rtol=1e-6)


def test_each_joint_reads_its_own_offset(decoding):
    center, heatmap, regress, offset = _heads()
    center[24, 24] = 5.0
    for joint in range(17):
        heatmap[joint, 24, joint + 10] = 3.0  # joint k at cell (24, 10 + k)
        regress[24, 24, 2 * joint + 1] = joint + 10 - 24
        offset[24, joint + 10, 2 * joint] = joint / 100  # only joint k's channels count
        offset[24, joint + 10, 2 * ((joint + 1) % 17)] = 9.0  # another joint's: ignored
    out = decoding(sigmoid(center), sigmoid(heatmap), regress, offset)
    joints = np.arange(17)
    np.testing.assert_allclose(out[:, 0], (24 + joints / 100) * decoding.cell_scale, rtol=1e-6)
    np.testing.assert_allclose(out[:, 1], (joints + 10) * decoding.cell_scale, rtol=1e-6)


def test_int8_heads_are_dequantised_where_read(decoding):
    center, heatmap, regress, offset = _heads()
    center[10, 10] = 5.0
    heatmap[:, 12, 13] = 3.0
    scale, zero = 0.5, -3
    regress_q = np.full((S, S, 34), zero, np.int8)
    regress_q[10, 10, 0::2] = 2 / scale + zero  # dy = 2 cells
    regress_q[10, 10, 1::2] = 3 / scale + zero  # dx = 3 cells
    offset_q = np.full((S, S, 34), zero, np.int8)
    out = decoding(
        sigmoid(center), sigmoid(heatmap), regress_q, offset_q, (scale, zero), (scale, zero)
    )
    expected = np.tile(np.array([12, 13], np.float32) * decoding.cell_scale, (17, 1))
    np.testing.assert_allclose(out[:, :2], expected, rtol=1e-6)


def test_quantize_and_dequantize_round_trip_as_litert_does():
    values = np.array([-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 7.0], np.float32)
    q = quantize(values, (0.5, 1))
    # round(value / scale), halves away from zero, plus the zero point, clamped to int8.
    assert q.tolist() == [-1, 0, 0, 1, 2, 2, 3, 15]
    assert quantize(np.array([1000.0, -1000.0]), (0.5, 0)).tolist() == [127, -128]
    np.testing.assert_array_equal(dequantize(q, (0.5, 1)), [-1, -0.5, -0.5, 0, 0.5, 0.5, 1, 7])
    assert sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist() == [0.0, 0.5, 1.0]
