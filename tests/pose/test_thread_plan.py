"""The clip loop's thread plan: chosen per machine (cores, the bench's measurement, the
environment), and printed by the bench."""

from __future__ import annotations

import json
import re

import pytest

from pose.tools import bench
from pose.tracking import threads
from pose.tracking.threads import ThreadPlan, measured_plan_name, plan_for, plans


@pytest.fixture(autouse=True)
def no_measurement(tmp_path, monkeypatch):
    """No bench record unless a test writes one."""
    monkeypatch.setattr(threads, "MEASURED", tmp_path / "thread_plan.json")
    return tmp_path / "thread_plan.json"


@pytest.mark.parametrize(
    ("cores", "name", "inference", "prefetch"),
    [
        (1, "serial", 1, False),
        (2, "overlap", 2, True),
        (4, "split", 3, True),
        (8, "split", 4, True),
    ],
)
def test_the_plan_chosen_for_each_number_of_cores(cores, name, inference, prefetch):
    plan = plan_for(cores, {})
    assert (plan.name, plan.inference_threads, plan.prefetch) == (name, inference, prefetch)
    # never more inference threads than cores; the split leaves a core to decoding
    assert all(p.inference_threads <= cores for p in plans(cores).values())
    if cores > 1:
        assert plans(cores)["split"].inference_threads == min(cores - 1, 4)


def test_the_environment_overrides_the_plan_and_its_threads():
    plan = plan_for(2, {"THERAPOSE_THREAD_PLAN": "yield", "THERAPOSE_THREADS": "1"})
    assert (plan.name, plan.inference_threads, plan.decode_nice) == ("yield", 1, 10)
    with pytest.raises(ValueError, match="THERAPOSE_THREAD_PLAN"):
        plan_for(2, {"THERAPOSE_THREAD_PLAN": "fastest"})


def test_the_benchs_measurement_counts_only_on_the_same_machine(no_measurement):
    threads.record_measured_plan("serial", 2, no_measurement)
    assert measured_plan_name(2, no_measurement) == "serial"
    assert plan_for(2, {}).name == "serial"
    assert plan_for(2, {}, measured=False).name == "overlap"
    assert measured_plan_name(4, no_measurement) is None  # other cores
    record = json.loads(no_measurement.read_text())
    no_measurement.write_text(json.dumps({**record, "cpu": "Another CPU"}))
    assert measured_plan_name(2, no_measurement) is None
    assert plan_for(2, {"THERAPOSE_THREAD_PLAN": "split"}).name == "split"


def test_the_plan_describes_where_each_stage_runs():
    text = ThreadPlan("yield", 2, prefetch=True, decode_nice=10).describe()
    assert text == (
        "yield: network 2 threads, decoding (1 thread to 720p) in its own thread, ahead "
        "at nice +10, cropping in the loop"
    )


def test_compute_limit_is_the_network_over_the_cores_plus_decoding():
    # issue 19's figures: 5.1 ms x 780 frames / 2 cores + 0.64 s decoding
    assert bench.compute_limit(5.1, 780, 2, 0.64) == pytest.approx(2.629, abs=1e-3)


@pytest.mark.slow
def test_the_bench_prints_every_plan_the_limit_and_the_choice(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench, "CACHE", tmp_path)
    monkeypatch.setattr(bench, "FRAMES", 20)  # the real run: 780 frames
    best = bench.run_thread_plans(runs=1)
    out = capsys.readouterr().out
    rows = re.findall(r"^  (\w+): network .* +([\d.]+) s  \(.*\)  +([\d.]+)x limit$", out, re.M)
    assert {name for name, *_ in rows} == set(plans(threads.available_cores()))
    assert re.search(r"^compute limit: network alone [\d.]+ ms x 26 frames / \d+ cores", out, re.M)
    assert re.search(rf"^thread plan: {best} \(fastest here", out, re.M), out
    assert measured_plan_name(threads.available_cores(), tmp_path / "thread_plan.json") == best
