"""The typed result and its JSON: round trips, "not measured" kept apart from 0, and malformed
input refused with a message naming the field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pose.errors import PoseError
from pose.keypoints import NUM_KEYPOINTS
from pose.result import (
    SCHEMA_VERSION,
    Balance,
    BalanceTrace,
    Measures,
    Outcome,
    Quality,
    Repetition,
    Repetitions,
    RepThresholds,
    Result,
    ResultError,
    Summary,
    Sway,
    TrackResult,
    VideoInfo,
    ViewCheck,
)

DATA = Path(__file__).parent / "data"


def golden(name: str = "pose_1_shoulder_abduction") -> dict:
    return json.loads((DATA / f"{name}.json").read_text())


def round_trips(result: Result) -> None:
    data = result.to_json()
    text = json.dumps(data, allow_nan=False)
    again = Result.from_json(json.loads(text))
    assert again.to_json() == data
    assert again == result


# --- generated results ------------------------------------------------------------------------

names = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
words = st.text(min_size=0, max_size=20)
numbers = st.floats(-1e4, 1e4, allow_nan=False).map(lambda x: round(x, 3))
maybe_numbers = st.none() | numbers
maybe_counts = st.none() | st.integers(0, 50)  # None (not measured) and 0 are both allowed
scalars = st.none() | st.booleans() | st.integers(-100, 100) | numbers | words


@st.composite
def tracks(draw) -> TrackResult:
    frames = draw(st.integers(1, 4))
    width, height = draw(st.integers(1, 2000)), draw(st.integers(1, 2000))
    steps = draw(st.lists(st.integers(1, 100), min_size=frames, max_size=frames))
    timestamps = [round(sum(steps[: i + 1]) / 30, 6) for i in range(frames)]
    joint = st.tuples(
        st.floats(0, width, allow_nan=False).map(lambda v: round(v, 2)),
        st.floats(0, height, allow_nan=False).map(lambda v: round(v, 2)),
        st.floats(0, 1).map(lambda v: round(v, 4)),
    ).map(list)
    keypoints = draw(
        st.lists(
            st.lists(joint, min_size=NUM_KEYPOINTS, max_size=NUM_KEYPOINTS),
            min_size=frames,
            max_size=frames,
        )
    )
    per_frame = st.none() | st.lists(
        st.floats(0, 255).map(lambda v: round(v, 1)), min_size=frames, max_size=frames
    )
    video = VideoInfo(
        width=width,
        height=height,
        rotation=draw(st.none() | st.sampled_from([0, 90, 180, 270])),
        fps=draw(st.none() | st.floats(1, 240).map(lambda v: round(v, 3))),
        frames=draw(st.none() | st.just(frames)),
        duration=draw(maybe_numbers),
        codec=draw(st.none() | names),
        container=draw(st.none() | names),
    )
    return TrackResult(
        model=draw(names),
        engine_version=draw(names),
        video=video,
        timestamps=timestamps,
        keypoints=keypoints,
        backend=draw(st.none() | names),
        precision=draw(st.none() | st.sampled_from(["float", "int8"])),
        pose_scores=draw(per_frame),
        brightness=draw(per_frame),
        person_found=draw(st.none() | st.booleans()),
        people_seen=draw(st.none() | st.integers(0, 5)),
        warnings=draw(st.none() | st.lists(words, max_size=2)),
        processing_seconds=draw(st.none() | st.floats(0, 100).map(lambda v: round(v, 3))),
    )


@st.composite
def repetitions(draw, partial: bool) -> Repetition:
    return Repetition(
        index=draw(st.integers(1, 20)),
        side=draw(st.sampled_from(["left", "right", "both"])),
        **{
            k: draw(maybe_numbers)
            for k in (
                "start",
                "end",
                "peak_time",
                "peak_angle",
                "start_angle",
                "range_of_motion",
                "duration",
                "concentric_seconds",
                "eccentric_seconds",
            )
        },
        reason=draw(words) if partial else None,
    )


reps_parts = st.builds(
    Repetitions,
    count=maybe_counts,
    items=st.lists(repetitions(False), max_size=3),
    partial=st.lists(repetitions(True), max_size=2),
    thresholds=st.none() | st.builds(RepThresholds, enter=maybe_numbers, exit=maybe_numbers),
    side=st.sampled_from(["left", "right", "both"]),
    note=st.none() | words,
)
series = st.lists(maybe_numbers, min_size=0, max_size=4)
balance_parts = st.builds(
    Balance,
    stance=st.sampled_from(["single_leg", "tandem", "feet_together"]),
    hold_seconds=maybe_numbers,
    started_at=maybe_numbers,
    lost_at=maybe_numbers,
    lost_reason=st.none() | words,
    lifted_side=st.none() | st.sampled_from(["left", "right"]),
    sway=st.builds(
        Sway, path_length_per_s=maybe_numbers, rms=maybe_numbers, ellipse_area_95=maybe_numbers
    ),
    score=maybe_numbers,
    target_seconds=maybe_numbers,
    held_to_clip_end=st.booleans(),
    score_formula=words,
    trace=st.none() | st.builds(BalanceTrace, time=series, x=series, y=series),
)


@st.composite
def qualities(draw) -> Quality:
    problems = draw(st.lists(words, max_size=2))
    return Quality(
        trusted=not problems,
        problems=problems,
        visible_fraction=draw(maybe_numbers),
        view=ViewCheck(
            expected=draw(st.sampled_from(["side", "front"])),
            observed=draw(st.none() | st.sampled_from(["side", "front", "oblique"])),
            matches=draw(st.booleans()),
            shoulder_to_torso_ratio=draw(maybe_numbers),
        ),
        whole_body_in_frame=draw(st.booleans()),
        duration_seconds=draw(maybe_numbers),
        too_short=draw(st.booleans()),
        too_dark=draw(st.none() | st.booleans()),
    )


@st.composite
def measures(draw) -> Measures:
    reps = draw(st.none() | reps_parts)
    figures = st.dictionaries(
        names.filter(lambda k: k not in ("measure", "trusted")), scalars, max_size=4
    )
    return Measures(
        exercise=draw(names),
        protocol=draw(names),
        protocol_params=draw(st.dictionaries(names, scalars, max_size=4)),
        angles=draw(st.dictionaries(names, series, max_size=3)),
        heights=draw(st.dictionaries(names, series, max_size=2)),
        primary_angle=draw(st.none() | names),
        reps=reps,
        balance=None if reps else draw(st.none() | balance_parts),
        quality=draw(qualities()),
        summary=Summary(
            measure=draw(st.none() | names), trusted=draw(st.booleans()), figures=draw(figures)
        ),
        outcome=draw(
            st.none()
            | st.builds(
                Outcome,
                test=names,
                completed=st.booleans(),
                seconds=st.none() | st.floats(0, 120).map(lambda v: round(v, 2)),
                count=maybe_counts,
                norm=st.dictionaries(names, scalars, max_size=3),
                interpretation=st.none() | words,
            )
        ),
    )


@settings(max_examples=60, deadline=None)
@given(track=tracks(), measured=st.none() | measures())
def test_any_result_round_trips_through_json(track, measured):
    result = Result(track=track, measures=measured)
    round_trips(result)
    data = result.to_json()
    assert data["schema_version"] == SCHEMA_VERSION
    assert ("exercise" in data) == (measured is not None)
    for key in ("backend", "people_seen", "processing_seconds"):  # not measured: left out
        assert (key in data) == (getattr(track, key) is not None)


# --- the recorded results ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pose_1_shoulder_abduction", "pose_1_single_leg_stance"])
def test_recorded_results_round_trip(name):
    result = Result.from_json(golden(name))
    round_trips(result)
    assert result.measures is not None and result.measures.quality.view.expected == "front"


def test_typed_access_to_a_recorded_result():
    result = Result.from_json(golden())
    reps = result.measures.reps
    assert (reps.count, len(reps.items), reps.partial, reps.thresholds) == (
        1,
        1,
        [],
        RepThresholds(enter=101.1, exit=57.7),
    )
    assert reps.items[0].reason is None and "reason" not in reps.items[0].to_json()
    assert result.measures.summary.figures["count"] == 1
    assert result.measures.series("mean_shoulder_abduction")[0] is not None
    assert result.track.keypoint_track().keypoints.shape == (120, NUM_KEYPOINTS, 3)
    stance = Result.from_json(golden("pose_1_single_leg_stance")).measures
    # The clip ended mid-hold: hold and score are shown, graded "check" with the reason.
    assert stance.balance.hold_seconds == 3.933 and stance.balance.score == 5.4
    assert stance.quality.level("hold") == "check"
    assert any("at least" in r for r in stance.quality.trust["hold"].reasons)


def test_a_track_without_measures_has_no_measure_keys():
    data = golden()
    for key in Measures.__dataclass_fields__:
        data.pop(key, None)
    result = Result.from_json(data)
    assert result.measures is None
    assert not set(result.to_json()) & set(Measures.__dataclass_fields__)


def test_not_measured_is_none_and_distinct_from_zero():
    data = golden()
    data["reps"]["count"] = 0
    assert Result.from_json(data).measures.reps.count == 0
    data["reps"]["count"] = None
    assert Result.from_json(data).measures.reps.count is None
    data.pop("people_seen")
    assert Result.from_json(data).track.people_seen is None


def test_a_balance_never_started_has_no_trace():
    data = golden("pose_1_single_leg_stance")
    data["balance"]["trace"] = {}
    result = Result.from_json(data)
    assert result.measures.balance.trace is None
    assert result.to_json()["balance"]["trace"] == {}


def test_an_outcome_writes_seconds_or_count():
    timed = Outcome(test="tandem_stance", completed=False, seconds=7.5, norm={"cutoff_s": 10})
    assert timed.to_json() == {
        "test": "tandem_stance",
        "seconds": 7.5,
        "completed": False,
        "norm": {"cutoff_s": 10},
        "interpretation": None,
    }
    assert Outcome.from_json(timed.to_json(), "outcome") == timed
    counted = Outcome(test="chair_stand_30s", completed=True, count=12)
    assert "seconds" not in counted.to_json() and counted.to_json()["count"] == 12


# --- malformed input --------------------------------------------------------------------------


def _set(path: str, value):
    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is KeyError:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


@pytest.mark.parametrize(
    "mutate,message",
    [
        (
            _set("reps.items.0.peak_angle", "high"),
            r"reps\.items\[0\]\.peak_angle must be a finite number or null, got a string",
        ),
        (_set("reps.count", 1.5), r"reps\.count must be an integer or null"),
        (_set("reps.count", True), r"reps\.count must be an integer or null, got a boolean"),
        (_set("reps.count", -1), r"reps\.count must not be negative"),
        (_set("reps.items", {}), r"reps\.items must be a list"),
        (_set("reps.thresholds", [1, 2]), r"reps\.thresholds must be an object or null"),
        (_set("quality.trusted", KeyError), r"quality\.trusted is missing"),
        (_set("quality.problems", ["ok", 3]), r"quality\.problems\[1\] must be a string"),
        (_set("quality.view.matches", "yes"), r"quality\.view\.matches must be true or false"),
        (_set("quality.problems", ["too dark"]), r"quality\.trusted is true but quality\.problems"),
        (_set("summary.count", [1]), r"summary\.count must be a number, string, boolean or null"),
        (_set("summary.trusted", None), r"summary\.trusted must be true or false, got null"),
        (
            _set("angles.left_knee_flexion.3", "NaN"),
            r"angles\.left_knee_flexion\[3\] must be a finite number",
        ),
        (
            _set("angles.left_knee_flexion.3", float("nan")),
            r"angles\.left_knee_flexion\[3\] must be a finite number",
        ),
        (_set("heights", None), r"heights must be an object, got null"),
        (
            _set("protocol_params.min_range", float("inf")),
            r"protocol_params\.min_range must be plain JSON",
        ),
        (_set("exercise", KeyError), r"exercise is missing"),
        (_set("primary_angle", 7), r"primary_angle must be a string or null, got a number"),
        (_set("video.width", "576"), r"video\.width must be an integer"),
        (_set("video.height", 0), r"video\.height must be positive"),
        (_set("video.fps", "thirty"), r"video\.fps must be a finite number"),
        (_set("model", None), r"model must be a string"),
        (_set("people_seen", True), r"people_seen must be an integer"),
        (_set("warnings", "none"), r"warnings must be a list"),
        (_set("pose_scores", [0.5]), r"pose_scores has 1 values for 120 frames"),
        (_set("brightness.0", "dark"), r"brightness\[0\] must be a finite number"),
        (_set("timestamps.2", 0.0), r"timestamps must increase strictly"),
        (_set("keypoints.0.3", [1.0, 2.0]), r"17 rows of \[x, y, score\]"),
        (_set("schema_version", 2), r"schema_version 2 is not one this engine reads"),
        (_set("schema_version", "1"), r"schema_version must be an integer"),
        (
            _set("outcome", {"test": "tug", "completed": "no", "norm": {}}),
            r"outcome\.completed must be true or false",
        ),
    ],
)
def test_malformed_results_are_refused_naming_the_field(mutate, message):
    data = copy.deepcopy(golden())
    data["schema_version"] = SCHEMA_VERSION
    mutate(data)
    with pytest.raises(ResultError, match=message):
        Result.from_json(data)


@pytest.mark.parametrize(
    "mutate,message",
    [
        (_set("balance.sway.rms", "small"), r"balance\.sway\.rms must be a finite number or null"),
        (_set("balance.sway", KeyError), r"balance\.sway is missing"),
        (_set("balance.trace.x.0", None), None),  # a gap in the path is allowed
        (_set("balance.trace.time", "0-1"), r"balance\.trace\.time must be a list"),
        (_set("balance.held_to_clip_end", 0), r"balance\.held_to_clip_end must be true or false"),
    ],
)
def test_malformed_balance_parts_are_refused_naming_the_field(mutate, message):
    data = golden("pose_1_single_leg_stance")
    mutate(data)
    if message is None:
        Result.from_json(data)
        return
    with pytest.raises(ResultError, match=message):
        Result.from_json(data)


@pytest.mark.parametrize("data", [None, [], "result", 3])
def test_a_result_must_be_an_object(data):
    with pytest.raises(ResultError, match="must be an object"):
        Result.from_json(data)


def test_result_errors_are_pose_errors():
    assert issubclass(ResultError, PoseError) and issubclass(ResultError, ValueError)
