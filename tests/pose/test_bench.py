"""`python -m pose bench` makes its clips and prints a row per clip, model and precision."""

from __future__ import annotations

import re

import pytest

from pose import bench


def test_bench_prints_figures_for_each_clip_and_precision(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench, "CACHE", tmp_path)
    monkeypatch.setattr(bench, "FRAMES", 24)  # the real run uses 600; this checks the plumbing
    assert bench.run_bench(runs=2, models=["lightning"], precisions=["int8", "float"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(
        r"^(576x576|720x1280) +lightning +(int8|float) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)-(\d+)"
        r" +([\d.]+)x$",
        out,
        re.M,
    )
    assert {(clip, precision) for clip, precision, *_ in rows} == {
        (clip, precision) for clip in ("576x576", "720x1280") for precision in ("int8", "float")
    }, out
    for _, _, decode, infer, serial, end_to_end, low, high, ratio in rows:
        assert int(decode) > 0 and int(infer) > 0 and float(ratio) > 0
        assert int(serial) <= min(int(decode), int(infer)) + 1  # serial is slower than either
        assert int(low) <= int(end_to_end) <= int(high)
    assert (tmp_path / "bench-720x1280.mp4").is_file()
    targets = re.findall(
        r"^target \(issue 2\): lightning (\S+) >= (\d+) fps .*: int8 (\d+), float (\d+)$", out, re.M
    )
    assert {(clip, int(fps)) for clip, fps, *_ in targets} == {("720x1280", 200), ("576x576", 350)}


def test_serial_rate_adds_the_time_per_frame_of_each_stage():
    assert bench.serial_fps(400.0, 400.0) == pytest.approx(200.0)
    assert bench.serial_fps(1500.0, 555.6) == pytest.approx(405.4, abs=0.1)
