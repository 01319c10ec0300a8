"""The clinical tests' outcome in the result JSON, their live configuration and the catalog
listing (``python -m pose exercises``)."""

from __future__ import annotations

import json

import pytest

from pose.measures.protocols import get_protocol
from pose.measures.protocols.clinical_norms import compare
from pose.measures.scoring import score_track
from pose.result import Measures, Outcome, OutcomePhase, ResultError
from pose.tools.cli import main
from tests.support.clinical_specs import CLINICAL_SLUGS, clinical_spec
from tests.support.synthetic import TugTimes, tug_track


def test_outcome_with_phases_and_a_norm_table_round_trips():
    track, _ = tug_track(TugTimes())
    measures = score_track(track, clinical_spec("timed_up_and_go"))
    data = json.loads(json.dumps(measures.to_json()))
    assert [p["name"] for p in data["outcome"]["phases"]] == [
        "rise",
        "walk_out",
        "turn",
        "walk_back",
        "sit",
    ]
    assert isinstance(data["outcome"]["norm"]["table"], list)
    assert Measures.from_json(data) == measures


def test_outcome_json_leaves_out_what_was_not_measured():
    outcome = Outcome(test="x", completed=False)
    assert outcome.to_json() == {
        "test": "x",
        "completed": False,
        "norm": {},
        "interpretation": None,
    }
    phase = OutcomePhase(name="turn", start=1.0, end=2.5, seconds=1.5)
    back = Outcome.from_json(Outcome(test="t", completed=True, phases=[phase]).to_json())
    assert back.phases == [phase]
    with pytest.raises(ResultError, match="outcome.phases\\[0\\].start"):
        Outcome.from_json({**back.to_json(), "phases": [{**phase.to_json(), "start": "soon"}]})


def test_norm_comparison_sentences():
    table = {
        "unit": "s",
        "source": "S",
        "cutoff": 12,
        "cutoff_label": "fall-risk cut-off",
        "bands": [{"age_min": 60, "age_max": 69, "typical": 8.1}],
    }
    norm, sentence = compare(12.8, table, age=65, sex=None)
    assert (
        sentence
        == "12.8 s: at or above the 12 s fall-risk cut-off; the average for people aged 60-69 is 8.1 s."
    )
    assert norm["band"]["label"] == "people aged 60-69" and norm["age"] == 65
    norm, sentence = compare(9.0, table, age=45, sex=None)
    assert "table" in norm and "do not cover age 45" in sentence
    _, sentence = compare(None, table, age=None, sex=None)
    assert sentence is None


@pytest.mark.parametrize("slug", CLINICAL_SLUGS)
def test_live_config_and_timer(slug):
    spec = clinical_spec(slug)
    config = get_protocol(spec.protocol).live_config(dict(spec.params), 0)
    json.dumps(config)
    timer = config.get("timer")
    expected = {
        "thirty_second_chair_stand": {"kind": "countdown", "seconds": 30},
        "five_times_sit_to_stand": {"kind": "stopwatch", "seconds": None},
        "timed_up_and_go": {"kind": "stopwatch", "seconds": None},
        "four_stage_balance": {"kind": "hold", "seconds": 40},
    }
    assert timer == expected.get(slug)
    if spec.protocol == "chair_stand":  # counted live on the knee, as sit_to_stand is
        assert config["joint"] == "knee_flexion" and config["direction"] == "decrease"


def test_exercises_command_lists_the_catalog(capsys):
    assert main(["exercises", "--json"]) == 0
    rows = {row["slug"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["timed_up_and_go"] == {
        "slug": "timed_up_and_go",
        "name": "Timed Up and Go (test)",
        "protocol": "timed_up_and_go",
        "view": "side",
        "units": {
            "seconds": "s",
            "rise_seconds": "s",
            "walk_out_seconds": "s",
            "turn_seconds": "s",
            "walk_back_seconds": "s",
            "sit_seconds": "s",
        },
    }
    assert rows["squat"]["protocol"] == "reps_on_angle"
    assert main(["exercises"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["slug", "name", "protocol", "view", "units"]
    assert any(line.startswith("shoulder_flexion_rom ") and "degrees" in line for line in table)
