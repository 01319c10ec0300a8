"""The protocol registry: every catalog protocol is registered and complete, and scoring, the
command line and the plot go through it (a new protocol needs no change anywhere else)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from typing import Any

import pytest

from pose.measures.angles import ANGLE_JOINTS, HEIGHT_MEASURES
from pose.measures.catalog import DEFAULT_CATALOG, get_exercise, load_catalog
from pose.measures.protocols import (
    PROTOCOL_MODULES,
    PROTOCOLS,
    Chart,
    ChartSeries,
    HoldBalance,
    Protocol,
    ProtocolError,
    ProtocolMeasures,
    RepsOnAngle,
    get_protocol,
    hold_balance,
    make_protocol,
    protocol_param_choices,
    reps_on_angle,
)
from pose.measures.protocols.base import LIVE_CONFIG_KEYS
from pose.measures.scoring import score_track
from pose.pipeline import score_track_json
from pose.result import Result, Summary
from pose.tools.cli import _summary
from pose.tools.plot import plot_result
from tests.support.synthetic import Movement, Pose, angle_profile, make_track, squat_poses

CATALOG = load_catalog()


def todays_live_config(protocol: str, params: dict[str, Any], hold_seconds) -> dict[str, Any]:
    """The platform's ``_live_config`` (``therapy/web/views/patient.py``) as it stood when the
    registry took it over, without the platform's own keys (URLs, privacy mode, routine item,
    camera view)."""
    return {
        "joint": params.get("joint"),
        "side": params.get("side", "both"),
        "direction": params.get("direction", "increase"),
        "enter": params.get("enter"),
        "exit": params.get("exit"),
        "minRange": params.get("min_range", 20),
        "needsWholeBody": bool(params.get("needs_whole_body")) or protocol == "hold_balance",
        "targetSeconds": params.get("target_seconds") or hold_seconds,
    }


def _scored(slug: str) -> Result:
    """A synthetic clip scored for ``slug``: squat-like movement for repetition protocols, a
    still stance for balance ones (what is measured does not matter here, only the shape)."""
    knee = angle_profile([Movement(1.0, 1, 0.2, 1, 0.5)] * 2, rest=2, peak=100)
    view = CATALOG[slug].camera_view
    poses = squat_poses(knee) if view == "side" else [Pose()] * 120
    return score_track_json(make_track(poses, view=view).to_json(), CATALOG[slug])


def test_the_modules_register_themselves():
    assert set(PROTOCOLS) == set(PROTOCOL_MODULES)
    assert {"reps_on_angle", "hold_balance", "chair_stand", "timed_up_and_go"} <= set(PROTOCOLS)
    assert {"four_stage_balance", "rom_assessment"} <= set(PROTOCOLS)
    for name, protocol in PROTOCOLS.items():
        assert isinstance(protocol, Protocol) and protocol.name == name
        assert get_protocol(name) is protocol
    assert PROTOCOLS["reps_on_angle"].params is RepsOnAngle
    assert PROTOCOLS["hold_balance"].params is HoldBalance


def test_existing_factories_still_build_parameters():
    assert reps_on_angle("knee_flexion", side="left") == RepsOnAngle(
        joint="knee_flexion", side="left"
    )
    assert hold_balance("tandem").stance == "tandem"
    assert make_protocol("hold_balance", {"stance": "single_leg"}) == HoldBalance("single_leg")
    with pytest.raises(ProtocolError, match="unknown parameter"):
        make_protocol("reps_on_angle", {"joint": "knee_flexion", "speed": 3})
    with pytest.raises(ProtocolError, match="unknown protocol 'moonwalk'; known: reps_on_angle"):
        get_protocol("moonwalk")


@pytest.mark.parametrize("slug", sorted(CATALOG))
def test_every_catalog_exercise_has_a_complete_registered_protocol(slug):
    spec = CATALOG[slug]
    protocol = get_protocol(spec.protocol)
    params = spec.make_protocol()
    assert params.name == protocol.name and isinstance(params, protocol.params)
    for key, value in spec.params.items():  # the catalog only uses choices the registry lists
        if key in protocol.param_choices and value is not None:
            assert value in protocol.param_choices[key], key

    units = protocol.units(params)
    result = _scored(slug)
    measures = result.measures
    figures = measures.summary.figures
    assert units and set(units) <= set(figures)
    assert all(isinstance(u, str) and u for u in units.values())

    chart = protocol.chart(measures)
    assert isinstance(chart, Chart) and chart.title and chart.y_label
    assert chart.series, "a chart draws at least one series of the result"
    for s in chart.series:
        assert isinstance(s, ChartSeries) and s.label and s.unit
        assert s.key in (measures.angles if s.group == "angles" else measures.heights)

    config = protocol.live_config(dict(spec.params), spec.default_dose.hold_seconds)
    timer = config.pop("timer", None)  # optional: the live page's timer
    assert timer is None or timer["kind"] in ("hold", "countdown", "stopwatch")
    assert tuple(config) == LIVE_CONFIG_KEYS
    json.dumps(config)
    if spec.protocol in ("reps_on_angle", "hold_balance"):  # the page's config before the registry
        assert config == todays_live_config(
            spec.protocol, spec.params, spec.default_dose.hold_seconds
        )
    assert protocol.summary_line(measures)


def test_live_config_for_the_squat_is_what_the_page_was_given():
    squat = get_exercise("squat")
    expected = {
        "joint": "knee_flexion",
        "side": "both",
        "direction": "increase",
        "enter": None,
        "exit": None,
        "minRange": 30,
        "needsWholeBody": True,
        "targetSeconds": 0,
    }
    config = get_protocol("reps_on_angle").live_config(dict(squat.params), hold_seconds=0)
    assert config == expected == todays_live_config("reps_on_angle", squat.params, 0)
    hold = get_protocol("reps_on_angle").live_config({"joint": "knee_flexion"}, hold_seconds=3)
    assert (hold["side"], hold["minRange"], hold["targetSeconds"]) == ("both", 20.0, 3)


def test_live_config_refuses_parameters_the_engine_refuses():
    with pytest.raises(ProtocolError, match="unknown joint measure 'nose_wiggle'"):
        get_protocol("reps_on_angle").live_config({"joint": "nose_wiggle"})


def test_units_follow_the_measure():
    reps = get_protocol("reps_on_angle")
    assert reps.units(reps_on_angle("knee_flexion"))["peak_angle"] == "degrees"
    assert reps.units(reps_on_angle("ankle_rise"))["range_of_motion"] == "% torso"
    assert get_protocol("hold_balance").units(hold_balance("tandem"))["hold_seconds"] == "s"


def test_param_choices_list_every_joint_measure():
    choices = protocol_param_choices("reps_on_angle")
    assert choices["joint"] == (*ANGLE_JOINTS, *HEIGHT_MEASURES)
    assert choices["side"] == ("left", "right", "both", "best", "alternating")
    assert protocol_param_choices("hold_balance")["stance"] == (
        "single_leg",
        "tandem",
        "feet_together",
    )
    for joint in choices["joint"]:  # every listed choice is one the engine accepts
        reps_on_angle(joint)
    with pytest.raises(ProtocolError):
        protocol_param_choices("nope")


def test_catalog_file_names_only_registered_protocols():
    entries = json.loads(DEFAULT_CATALOG.read_text())["exercises"]
    assert {e["protocol"] for e in entries} <= set(PROTOCOLS)


# --- a protocol added without touching scoring, the command line or the plot ------------------


@dataclass(frozen=True)
class StillFrames:
    """A toy protocol: counts the frames in which the left knee stays under ``limit`` degrees."""

    limit: float = 10.0
    min_seconds: float = 0.5
    needs_whole_body: bool = False

    name = "still_frames"

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        return ("left_hip", "left_knee", "left_ankle")

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


def _still_measure(params: StillFrames, data) -> ProtocolMeasures:
    still = int((data.angles["left_knee_flexion"] < params.limit).sum())
    return ProtocolMeasures(
        primary_angle="left_knee_flexion",
        summary=Summary(measure="left_knee_flexion", trusted=True, figures={"still": still}),
    )


STILL = Protocol(
    name="still_frames",
    params=StillFrames,
    measure=_still_measure,
    units=lambda params: {"still": "frames"},
    chart=lambda m: Chart(
        title="still frames",
        y_label="knee (degrees)",
        series=(ChartSeries("angles", "left_knee_flexion", "left knee", "degrees"),),
    ),
    summary_line=lambda m: f"still: {m.summary.figures['still']} frames",
    live_config=lambda params, hold_seconds=None: dict.fromkeys(LIVE_CONFIG_KEYS),
    param_choices={},
)


def test_a_new_protocol_is_scored_printed_and_plotted_through_the_registry(monkeypatch, tmp_path):
    monkeypatch.setitem(PROTOCOLS, "still_frames", STILL)
    spec = dataclasses.replace(get_exercise("squat"), protocol="still_frames", params={"limit": 5})
    knee = angle_profile([Movement(1.0, 1, 0.2, 1, 0.5)], rest=2, peak=100)
    track = make_track(squat_poses(knee))
    measures = score_track(track, spec)
    assert measures.protocol == "still_frames" and measures.protocol_params["limit"] == 5
    assert measures.reps is None and measures.balance is None
    assert 0 < measures.summary.figures["still"] < track.frames
    result = score_track_json(track.to_json(), spec)
    assert "still: " in _summary(result)
    plot_result(result, tmp_path / "still.png")
    assert (tmp_path / "still.png").stat().st_size > 5000
    round_tripped = Result.from_json(json.loads(json.dumps(result.to_json())))
    assert round_tripped == result
