"""`python -m pose bench` makes its clips and prints a row per clip, model and precision."""

from __future__ import annotations

import json
import platform
import re

import pytest

from pose.tools import bench, machine


@pytest.mark.slow
def test_bench_prints_figures_for_each_clip_and_precision(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench, "CACHE", tmp_path)
    monkeypatch.setattr(bench, "FRAMES", 24)  # the real run uses 600; this checks the plumbing
    assert bench.run_bench(runs=2, models=["lightning"], precisions=["int8", "float"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(
        r"^(576x576|720x1280) +lightning +(int8|float) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)-(\d+)"
        r" +(-|[\d.]+x)$",
        out,
        re.M,
    )
    assert {(clip, precision) for clip, precision, *_ in rows} == {
        (clip, precision) for clip in ("576x576", "720x1280") for precision in ("int8", "float")
    }, out
    for _, _, decode, infer, serial, end_to_end, low, high, ratio in rows:
        assert int(decode) > 0 and int(infer) > 0
        assert ratio == "-"  # MediaPipe was not measured in tmp_path
        assert int(serial) <= min(int(decode), int(infer)) + 1  # serial is slower than either
        assert int(low) <= int(end_to_end) <= int(high)
    assert (tmp_path / "bench-720x1280.mp4").is_file()
    targets = re.findall(
        r"^target: lightning (\S+) >= (\d+) fps .*: int8 (\d+), float (\d+)$", out, re.M
    )
    assert {(clip, int(fps)) for clip, fps, *_ in targets} == {("720x1280", 200), ("576x576", 350)}
    assert f"machine: {machine.signature()}" in out
    assert "not measured on this machine; `make bench-mediapipe`" in out


def test_mediapipe_figures_count_only_on_the_machine_that_measured_them(tmp_path):
    path = tmp_path / "mediapipe.json"
    record = {"machine": "CPU A, 2 cores, x86_64", "fps": {"576x576": 90.0, "720x1280": 0}}
    path.write_text(json.dumps(record))
    assert bench.mediapipe_fps(path, "CPU A, 2 cores, x86_64") == {"576x576": 90.0}
    assert bench.mediapipe_fps(path, "CPU B, 2 cores, x86_64") == {}
    path.write_text("{not json")
    assert bench.mediapipe_fps(path, "CPU A, 2 cores, x86_64") == {}
    assert bench.mediapipe_fps(tmp_path / "absent.json", "CPU A, 2 cores, x86_64") == {}


def test_bench_ratio_uses_the_recorded_mediapipe_figure():
    assert bench._ratio(300.0, 100.0) == "3.0x"
    assert bench._ratio(300.0, None) == "-"


CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 26
model\t\t: 2
model name\t: AMD EPYC

processor\t: 1
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 17
model name\t: Another CPU
"""


def test_machine_signature_names_the_first_cpu_its_family_and_the_cores():
    text = machine.signature(CPUINFO, cores=2)
    assert text.startswith("AMD EPYC (family 26 model 2), 2 cores, ")
    # Two CPUs of one name but different families run at different speeds: they must differ.
    other = CPUINFO.replace("cpu family\t: 26", "cpu family\t: 25", 1)
    assert machine.signature(other, cores=2) != text
    assert machine.signature("", cores=4).endswith(f", 4 cores, {platform.machine()}")


def test_serial_rate_adds_the_time_per_frame_of_each_stage():
    assert bench.serial_fps(400.0, 400.0) == pytest.approx(200.0)
    assert bench.serial_fps(1500.0, 555.6) == pytest.approx(405.4, abs=0.1)
