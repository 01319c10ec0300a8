"""`python -m pose bench` makes its clips and prints a row per clip, model and precision."""

from __future__ import annotations

import re

from pose import bench


def test_bench_prints_figures_for_each_clip_and_precision(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench, "CACHE", tmp_path)
    monkeypatch.setattr(bench, "FRAMES", 24)  # the real run uses 600; this checks the plumbing
    assert bench.run_bench(runs=1, models=["lightning"], precisions=["int8", "float"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(
        r"^(576x576|720x1280) +lightning +(int8|float) +(\d+) +(\d+) +(\d+) +([\d.]+)x$", out, re.M
    )
    assert len(rows) == 4, out
    for _, _, decode, infer, end_to_end, ratio in rows:
        assert int(decode) > 0 and int(infer) > 0 and int(end_to_end) > 0 and float(ratio) > 0
    assert (tmp_path / "bench-720x1280.mp4").is_file()
