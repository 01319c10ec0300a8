"""The engine's result: one typed structure, and the JSON the platform stores.

A :class:`Result` is a :class:`TrackResult` (the keypoints of every frame and how they were
made) plus, when an exercise was scored, its :class:`Measures` (angles, repetitions or balance,
quality, a summary). Its JSON is one flat object with a ``schema_version``; the measures' keys
are there only when an exercise was scored.

"Not measured" is ``None`` (JSON ``null``), never 0: a repetition count is None when the clip
cannot be trusted and 0 when the person did not move; ``people_seen`` is None for a track
uploaded from a device (nobody counted) and 0 only when nobody was there. Fields of the track
part that are None (not known for that source) are left out of the JSON; the measures' fields
are always written, as ``null`` when unknown.

Every part has ``to_json()`` and ``from_json()``. ``from_json`` checks each field's type and
raises :class:`ResultError` naming the field (``reps.items[2].peak_angle must be a number or
null``); keys it does not know are ignored. Numbers are stored as the engine rounded them
(:mod:`pose.measures.rounding`), so ``from_json(r.to_json()).to_json() == r.to_json()``.

This module is part of the foundation: it imports nothing from ``pose`` but the errors and the
keypoint track.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from pose.errors import PoseError
from pose.track import KeypointTrack, TrackError

ENGINE_VERSION = "0.6.0"
SCHEMA_VERSION = 1

JsonScalar = str | int | float | bool | None
Series = list[float | None]


class ResultError(PoseError, ValueError):
    """A result JSON that does not match the contract; the message names the field."""


# --- reading JSON with a path for the error message -------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _Fields:
    """One JSON object being read; ``where`` is its path in the result (for messages)."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ResultError(f"{where or 'a result'} must be an object, got {_kind(data)}")
        self.data, self.where = data, where

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def raw(self, key: str, *, required: bool = True) -> Any:
        if key not in self.data:
            if required:
                raise ResultError(f"{self.path(key)} is missing")
            return None
        return self.data[key]

    def _check(self, key: str, ok, what: str, nullable: bool, required: bool) -> Any:
        value = self.raw(key, required=required)
        if value is None and (nullable or not required):
            return None
        if not ok(value):
            null = " or null" if nullable else ""
            raise ResultError(f"{self.path(key)} must be {what}{null}, got {_kind(value)}")
        return value

    def text(self, key: str, *, nullable: bool = False, required: bool = True) -> Any:
        return self._check(key, lambda v: isinstance(v, str), "a string", nullable, required)

    def number(self, key: str, *, nullable: bool = False, required: bool = True) -> Any:
        return self._check(key, _is_number, "a finite number", nullable, required)

    def integer(self, key: str, *, nullable: bool = False, required: bool = True) -> Any:
        def ok(v: Any) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)

        return self._check(key, ok, "an integer", nullable, required)

    def boolean(self, key: str, *, nullable: bool = False, required: bool = True) -> Any:
        return self._check(key, lambda v: isinstance(v, bool), "true or false", nullable, required)

    def obj(self, key: str, *, nullable: bool = False, required: bool = True) -> _Fields | None:
        value = self._check(key, lambda v: isinstance(v, dict), "an object", nullable, required)
        return None if value is None else _Fields(value, self.path(key))

    def array(self, key: str, *, nullable: bool = False, required: bool = True) -> list | None:
        return self._check(key, lambda v: isinstance(v, list), "a list", nullable, required)

    def strings(self, key: str, *, required: bool = True) -> list[str] | None:
        values = self.array(key, required=required)
        if values is None:
            return None
        for i, v in enumerate(values):
            if not isinstance(v, str):
                raise ResultError(f"{self.path(key)}[{i}] must be a string, got {_kind(v)}")
        return list(values)

    def numbers(
        self, key: str, *, nullable_items: bool = False, required: bool = True
    ) -> list | None:
        values = self.array(key, required=required)
        return None if values is None else _numbers(values, self.path(key), nullable_items)

    def series_map(self, key: str) -> dict[str, Series]:
        group = self.obj(key)
        assert group is not None
        return {
            name: _numbers(group.array(name), group.path(name), nullable=True)
            for name in group.data
        }

    def json_map(self, key: str) -> dict[str, Any]:
        group = self.obj(key)
        assert group is not None
        _check_json(group.data, group.where)
        return dict(group.data)


def _numbers(values: list, where: str, nullable: bool) -> list:
    for i, v in enumerate(values):
        if not (_is_number(v) or (nullable and v is None)):
            null = " or null" if nullable else ""
            raise ResultError(f"{where}[{i}] must be a finite number{null}, got {_kind(v)}")
    return list(values)


def _check_json(value: Any, where: str) -> None:
    """Plain JSON (objects, lists, strings, finite numbers, booleans, null), nothing else."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ResultError(f"{where} has a key that is not a string: {k!r}")
            _check_json(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_json(v, f"{where}[{i}]")
    elif not (value is None or isinstance(value, str | bool) or _is_number(value)):
        raise ResultError(f"{where} must be plain JSON, got {_kind(value)}")


def _scalars(data: dict[str, Any], where: str) -> dict[str, JsonScalar]:
    for k, v in data.items():
        if not (v is None or isinstance(v, str | bool) or _is_number(v)):
            raise ResultError(
                f"{where}.{k} must be a number, string, boolean or null, got {_kind(v)}"
            )
    return dict(data)


# --- the track part ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VideoInfo:
    """The clip: upright frame size, and what the decoder found (None: not known, e.g. for a
    track uploaded from a device)."""

    width: int  # upright, after rotation
    height: int
    rotation: int | None = None  # degrees the stored frames are turned clockwise for display
    fps: float | None = None
    frames: int | None = None  # frames analysed
    duration: float | None = None  # seconds
    codec: str | None = None
    container: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}

    @classmethod
    def from_json(cls, data: Any, where: str = "video", *, lenient: bool = False) -> VideoInfo:
        """``lenient``: leave out (rather than refuse) optional fields of the wrong type, for
        the ``video`` block of an upload, which is only carried over where it makes sense."""
        f = _Fields(data, where)
        width, height = f.integer("width"), f.integer("height")
        for key, value in (("width", width), ("height", height)):
            if value <= 0:
                raise ResultError(f"{f.path(key)} must be positive, got {value}")
        optional: dict[str, Any] = {}
        readers = {
            "rotation": f.integer,
            "fps": f.number,
            "frames": f.integer,
            "duration": f.number,
            "codec": f.text,
            "container": f.text,
        }
        for key, read in readers.items():
            try:
                optional[key] = read(key, required=False)
            except ResultError:
                if not lenient:
                    raise
        return cls(width=width, height=height, **optional)


@dataclass(frozen=True, kw_only=True)
class TrackResult:
    """The keypoint track part: where the patient's joints were in every frame.

    ``keypoints[frame][joint] = [x, y, score]`` in pixels of the upright frame (COCO order,
    :data:`pose.keypoints.KEYPOINT_NAMES`); x, y rounded to 0.01 px, scores to 0.0001; a frame
    without a person has all scores 0. ``timestamps`` in seconds (rounded to µs).
    The optional fields are None when the source did not measure them (a device upload has no
    ``backend``, ``people_seen`` or ``processing_seconds``); they are then left out of the JSON.
    """

    model: str
    engine_version: str
    video: VideoInfo
    timestamps: list[float]
    keypoints: list[list[list[float]]]
    backend: str | None = None
    precision: str | None = None
    pose_scores: list[float] | None = None  # per frame, 0 = no pose
    brightness: list[float] | None = None  # per frame mean pixel value, 0-255
    person_found: bool | None = None
    people_seen: int | None = None
    warnings: list[str] | None = None
    processing_seconds: float | None = None

    @property
    def frames(self) -> int:
        return len(self.timestamps)

    def keypoint_track(self) -> KeypointTrack:
        """The keypoints as arrays, for scoring and drawing."""
        return KeypointTrack(
            np.asarray(self.timestamps, dtype=np.float64),
            np.asarray(self.keypoints, dtype=np.float64),
            self.video.width,
            self.video.height,
        )

    @classmethod
    def of_track(
        cls, track: KeypointTrack, *, model: str, video: VideoInfo, **metadata: Any
    ) -> TrackResult:
        """The track part for ``track``, rounded as the contract says (:meth:`KeypointTrack.to_json`)."""
        data = track.to_json()
        metadata.setdefault("engine_version", ENGINE_VERSION)
        return cls(
            model=model,
            video=video,
            timestamps=data["timestamps"],
            keypoints=data["keypoints"],
            **metadata,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.model,
            "engine_version": self.engine_version,
            "video": self.video.to_json(),
            "timestamps": self.timestamps,
            "keypoints": self.keypoints,
        }
        for key in _TRACK_OPTIONAL:
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out

    @classmethod
    def from_json(cls, data: Any, where: str = "") -> TrackResult:
        f = _Fields(data, where)
        video = VideoInfo.from_json(f.raw("video"), f.path("video"))
        timestamps, keypoints = f.array("timestamps"), f.array("keypoints")
        try:  # the same checks as any keypoint track from outside
            KeypointTrack.from_json(
                {
                    "video": {"width": video.width, "height": video.height},
                    "timestamps": timestamps,
                    "keypoints": keypoints,
                }
            )
        except TrackError as exc:
            raise ResultError(str(exc)) from None
        frames = len(timestamps)
        per_frame = {}
        for key in ("pose_scores", "brightness"):
            values = f.numbers(key, required=False)
            if values is not None and len(values) != frames:
                raise ResultError(f"{f.path(key)} has {len(values)} values for {frames} frames")
            per_frame[key] = values
        people = f.integer("people_seen", required=False)
        if people is not None and people < 0:
            raise ResultError(f"{f.path('people_seen')} must not be negative")
        return cls(
            model=f.text("model"),
            engine_version=f.text("engine_version"),
            video=video,
            timestamps=list(timestamps),
            keypoints=list(keypoints),
            backend=f.text("backend", required=False),
            precision=f.text("precision", required=False),
            **per_frame,
            person_found=f.boolean("person_found", required=False),
            people_seen=people,
            warnings=f.strings("warnings", required=False),
            processing_seconds=f.number("processing_seconds", required=False),
        )


_TRACK_OPTIONAL = (
    "backend",
    "precision",
    "pose_scores",
    "brightness",
    "person_found",
    "people_seen",
    "warnings",
    "processing_seconds",
)


# --- repetitions --------------------------------------------------------------------------------

_REP_NUMBERS = (
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


@dataclass(frozen=True, kw_only=True)
class Repetition:
    """One repetition (see :mod:`pose.measures.reps`): times in seconds from the clip start,
    angles in the measure's unit; None where a value could not be computed."""

    index: int
    side: str
    start: float | None
    end: float | None
    peak_time: float | None
    peak_angle: float | None
    start_angle: float | None
    range_of_motion: float | None
    duration: float | None
    concentric_seconds: float | None
    eccentric_seconds: float | None
    reason: str | None = None  # why a partial repetition did not count; None for counted ones

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "side": self.side}
        out.update({k: getattr(self, k) for k in _REP_NUMBERS})
        if self.reason is not None:
            out["reason"] = self.reason
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> Repetition:
        f = _Fields(data, where)
        return cls(
            index=f.integer("index"),
            side=f.text("side"),
            **{k: f.number(k, nullable=True) for k in _REP_NUMBERS},
            reason=f.text("reason", required=False),
        )


@dataclass(frozen=True, kw_only=True)
class RepThresholds:
    """The hysteresis thresholds used, in the measure's unit (given, or adapted to the clip)."""

    enter: float | None
    exit: float | None

    def to_json(self) -> dict[str, Any]:
        return {"enter": self.enter, "exit": self.exit}

    @classmethod
    def from_json(cls, data: Any, where: str) -> RepThresholds:
        f = _Fields(data, where)
        return cls(enter=f.number("enter", nullable=True), exit=f.number("exit", nullable=True))


@dataclass(frozen=True, kw_only=True)
class Repetitions:
    """Counted repetitions (``items``) and partial ones (listed, never counted).

    ``count`` is None when the clip cannot be trusted (``quality.problems`` says why; the items
    stay for review) and 0 when no repetition was made. ``thresholds`` is None, with a ``note``,
    when there was no movement large enough to count.
    """

    count: int | None
    items: list[Repetition]
    partial: list[Repetition]
    thresholds: RepThresholds | None
    side: str
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "items": [r.to_json() for r in self.items],
            "partial": [r.to_json() for r in self.partial],
            "thresholds": self.thresholds.to_json() if self.thresholds else None,
            "side": self.side,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "reps") -> Repetitions:
        f = _Fields(data, where)
        count = f.integer("count", nullable=True)
        if count is not None and count < 0:
            raise ResultError(f"{f.path('count')} must not be negative")
        thresholds = f.obj("thresholds", nullable=True)
        return cls(
            count=count,
            items=[
                Repetition.from_json(r, f"{f.path('items')}[{i}]")
                for i, r in enumerate(f.array("items"))
            ],
            partial=[
                Repetition.from_json(r, f"{f.path('partial')}[{i}]")
                for i, r in enumerate(f.array("partial"))
            ],
            thresholds=RepThresholds.from_json(thresholds.data, thresholds.where)
            if thresholds
            else None,
            side=f.text("side"),
            note=f.text("note", nullable=True),
        )


# --- balance ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Sway:
    """Hip-midpoint sway over the hold, in torso lengths (None: too few frames to measure)."""

    path_length_per_s: float | None
    rms: float | None
    ellipse_area_95: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "path_length_per_s": self.path_length_per_s,
            "rms": self.rms,
            "ellipse_area_95": self.ellipse_area_95,
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> Sway:
        f = _Fields(data, where)
        return cls(
            **{
                k: f.number(k, nullable=True)
                for k in ("path_length_per_s", "rms", "ellipse_area_95")
            }
        )


@dataclass(frozen=True, kw_only=True)
class BalanceTrace:
    """The hip midpoint's path during the hold (torso lengths from its mean), for the chart."""

    time: Series
    x: Series
    y: Series

    def to_json(self) -> dict[str, Any]:
        return {"time": self.time, "x": self.x, "y": self.y}

    @classmethod
    def from_json(cls, data: Any, where: str) -> BalanceTrace:
        f = _Fields(data, where)
        return cls(**{k: f.numbers(k, nullable_items=True) for k in ("time", "x", "y")})


@dataclass(frozen=True)
class BalanceEvent:
    """Something the therapist should know happened during the hold, from ``start`` to ``end``
    (seconds; ``end`` None if it lasted to the clip's end): ``kind`` is ``"arms"`` (a hand
    away from the body) or ``"trunk"`` (leaning past the protocol's limit). It ends the hold
    only when the protocol asks (``end_on_posture``); ``detail`` says what it was in words."""

    kind: str
    start: float
    end: float | None
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "detail": self.detail}

    @classmethod
    def from_json(cls, data: Any, where: str) -> BalanceEvent:
        f = _Fields(data, where)
        return cls(
            kind=f.text("kind"),
            start=f.number("start"),
            end=f.number("end", nullable=True),
            detail=f.text("detail"),
        )


@dataclass(frozen=True, kw_only=True)
class Balance:
    """A timed stance (see :mod:`pose.measures.balance`). ``score`` is None when the clip cannot
    be trusted; ``trace`` is None (``{}`` in the JSON) when the stance was never reached;
    ``events``: arm movements and trunk lean during the hold, with their times."""

    stance: str
    hold_seconds: float | None
    started_at: float | None
    lost_at: float | None
    lost_reason: str | None
    lifted_side: str | None
    sway: Sway
    score: float | None
    target_seconds: float | None
    held_to_clip_end: bool
    score_formula: str
    trace: BalanceTrace | None = None
    events: list[BalanceEvent] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "stance": self.stance,
            "hold_seconds": self.hold_seconds,
            "started_at": self.started_at,
            "lost_at": self.lost_at,
            "lost_reason": self.lost_reason,
            "lifted_side": self.lifted_side,
            "sway": self.sway.to_json(),
            "score": self.score,
            "target_seconds": self.target_seconds,
            "held_to_clip_end": self.held_to_clip_end,
            "score_formula": self.score_formula,
            "trace": self.trace.to_json() if self.trace else {},
            "events": [e.to_json() for e in self.events],
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "balance") -> Balance:
        f = _Fields(data, where)
        trace = f.obj("trace")
        assert trace is not None
        return cls(
            stance=f.text("stance"),
            **{
                k: f.number(k, nullable=True)
                for k in ("hold_seconds", "started_at", "lost_at", "score", "target_seconds")
            },
            lost_reason=f.text("lost_reason", nullable=True),
            lifted_side=f.text("lifted_side", nullable=True),
            sway=Sway.from_json(f.raw("sway"), f.path("sway")),
            held_to_clip_end=f.boolean("held_to_clip_end"),
            score_formula=f.text("score_formula"),
            trace=BalanceTrace.from_json(trace.data, trace.where) if trace.data else None,
            events=[  # results stored before events were measured have none
                BalanceEvent.from_json(e, f"{f.path('events')}[{i}]")
                for i, e in enumerate(f.array("events", required=False) or [])
            ],
        )


# --- quality, summary, outcome ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ViewCheck:
    """The camera view the exercise asks for, the one the clip shows, and the ratio behind it."""

    expected: str
    observed: str | None  # None: shoulders and hips never seen
    matches: bool
    shoulder_to_torso_ratio: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "observed": self.observed,
            "matches": self.matches,
            "shoulder_to_torso_ratio": self.shoulder_to_torso_ratio,
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> ViewCheck:
        f = _Fields(data, where)
        return cls(
            expected=f.text("expected"),
            observed=f.text("observed", nullable=True),
            matches=f.boolean("matches"),
            shoulder_to_torso_ratio=f.number("shoulder_to_torso_ratio", nullable=True),
        )


TRUST_LEVELS = ("ok", "check", "unreliable")


@dataclass(frozen=True)
class MeasureTrust:
    """How far one measure can be trusted (:mod:`pose.measures.trust`): ``ok``; ``check`` (shown,
    with the reasons a therapist should weigh); ``unreliable`` (not shown: the reasons say why
    and what to do). ``reasons`` are sentences for the patient and the therapist."""

    level: str
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "reasons": list(self.reasons)}

    @classmethod
    def from_json(cls, data: Any, where: str) -> MeasureTrust:
        f = _Fields(data, where)
        level = f.text("level")
        if level not in TRUST_LEVELS:
            raise ResultError(f"{f.path('level')} must be one of {', '.join(TRUST_LEVELS)}")
        return cls(level=level, reasons=f.strings("reasons"))


@dataclass(frozen=True, kw_only=True)
class Quality:
    """The checks behind the result (see :mod:`pose.measures.quality`). ``trust``: each measure's
    level and reasons (:mod:`pose.measures.trust`); ``problems`` lists, in plain words, every
    reason a measure is not ``ok``, and ``trusted`` is True when there is none. ``too_dark`` is
    None when brightness was not measured (a device upload)."""

    trusted: bool
    problems: list[str]
    visible_fraction: float | None
    view: ViewCheck
    whole_body_in_frame: bool
    duration_seconds: float | None
    too_short: bool
    too_dark: bool | None
    trust: dict[str, MeasureTrust] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "trusted": self.trusted,
            "problems": list(self.problems),
            "trust": {name: t.to_json() for name, t in self.trust.items()},
            "visible_fraction": self.visible_fraction,
            "view": self.view.to_json(),
            "whole_body_in_frame": self.whole_body_in_frame,
            "duration_seconds": self.duration_seconds,
            "too_short": self.too_short,
            "too_dark": self.too_dark,
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "quality") -> Quality:
        f = _Fields(data, where)
        trusted, problems = f.boolean("trusted"), f.strings("problems")
        trust = f.obj("trust", required=False)
        if trusted and problems:
            raise ResultError(f"{f.path('trusted')} is true but {f.path('problems')} is not empty")
        return cls(
            trusted=trusted,
            problems=problems,
            visible_fraction=f.number("visible_fraction", nullable=True),
            view=ViewCheck.from_json(f.raw("view"), f.path("view")),
            whole_body_in_frame=f.boolean("whole_body_in_frame"),
            duration_seconds=f.number("duration_seconds", nullable=True),
            too_short=f.boolean("too_short"),
            too_dark=f.boolean("too_dark", nullable=True),
            trust={  # results stored before graded trust have none
                name: MeasureTrust.from_json(t, f"{f.path('trust')}.{name}")
                for name, t in (trust.data if trust else {}).items()
            },
        )

    def level(self, measure: str) -> str | None:
        """The trust level of ``measure`` (None when the result does not grade it)."""
        trust = self.trust.get(measure)
        return trust.level if trust else None


@dataclass(frozen=True, kw_only=True)
class Summary:
    """The headline of a result: which measure, whether it can be trusted, and the protocol's
    figures (its registry entry gives their units, :func:`pose.measures.protocols.get_protocol`).
    A figure is None when not measured or not trusted. In the JSON the figures sit beside
    ``measure`` and ``trusted``."""

    measure: str | None
    trusted: bool
    figures: dict[str, JsonScalar] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"measure": self.measure, "trusted": self.trusted, **self.figures}

    @classmethod
    def from_json(cls, data: Any, where: str = "summary") -> Summary:
        f = _Fields(data, where)
        figures = {k: v for k, v in f.data.items() if k not in ("measure", "trusted")}
        return cls(
            measure=f.text("measure", nullable=True),
            trusted=f.boolean("trusted"),
            figures=_scalars(figures, where),
        )


@dataclass(frozen=True)
class OutcomePhase:
    """One timed part of a clinical test: a phase of the Timed Up and Go (``rise``, ``walk_out``,
    ``turn``, ``walk_back``, ``sit``) or a stage of the four-stage balance test (``stance`` held
    ``seconds``; ``completed``: held for the stage's target). Times in seconds from the clip's
    start; None when not seen."""

    name: str
    start: float | None = None
    end: float | None = None
    seconds: float | None = None
    completed: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "start": self.start,
            "end": self.end,
            "seconds": self.seconds,
            "completed": self.completed,
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> OutcomePhase:
        f = _Fields(data, where)
        return cls(
            name=f.text("name"),
            start=f.number("start", nullable=True),
            end=f.number("end", nullable=True),
            seconds=f.number("seconds", nullable=True),
            completed=f.boolean("completed", nullable=True),
        )


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """The result of a standard clinical test (30-second chair stand, Timed Up and Go,
    four-stage balance, a range-of-motion assessment...): ``seconds``, ``count`` or ``degrees``
    (whichever the test measures; None, and left out of the JSON, when not measured), whether it
    was ``completed``, the ``norm`` it is compared with (the band used, or the whole table when
    the patient's age/sex are not known, with the cut-off and source: plain JSON), the
    ``interpretation`` in plain words, and the timed ``phases`` (TUG) or stages (four-stage
    balance) when the test has them (left out of the JSON when empty)."""

    test: str
    completed: bool
    seconds: float | None = None
    count: int | None = None
    norm: dict[str, Any] = field(default_factory=dict)
    interpretation: str | None = None
    degrees: float | None = None
    phases: list[OutcomePhase] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"test": self.test}
        if self.seconds is not None:
            out["seconds"] = self.seconds
        if self.count is not None:
            out["count"] = self.count
        if self.degrees is not None:
            out["degrees"] = self.degrees
        out.update(completed=self.completed, norm=dict(self.norm))
        out["interpretation"] = self.interpretation
        if self.phases:
            out["phases"] = [p.to_json() for p in self.phases]
        return out

    @classmethod
    def from_json(cls, data: Any, where: str = "outcome") -> Outcome:
        f = _Fields(data, where)
        phases = f.array("phases", required=False) or []
        return cls(
            test=f.text("test"),
            completed=f.boolean("completed"),
            seconds=f.number("seconds", required=False),
            count=f.integer("count", required=False),
            norm=f.json_map("norm"),
            interpretation=f.text("interpretation", nullable=True),
            degrees=f.number("degrees", required=False),
            phases=[
                OutcomePhase.from_json(p, f"{f.path('phases')}[{i}]") for i, p in enumerate(phases)
            ],
        )


# --- measures and the whole result ------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Measures:
    """One exercise's measures for a track (:func:`pose.measures.scoring.score_track`).

    ``angles`` and ``heights``: per-frame series (degrees; % of torso length), None where
    unknown, aligned with the track's timestamps. ``primary_angle`` names the series the
    repetitions were counted on (None for balance). Exactly one of ``reps`` and ``balance`` is
    set, as the ``protocol`` says; ``outcome`` is for timed clinical tests (None otherwise).
    """

    exercise: str
    protocol: str
    protocol_params: dict[str, Any]
    angles: dict[str, Series]
    heights: dict[str, Series]
    primary_angle: str | None
    reps: Repetitions | None
    balance: Balance | None
    quality: Quality
    summary: Summary
    outcome: Outcome | None = None

    def series(self, name: str) -> Series | None:
        """The angle or height series called ``name``, or None."""
        return self.angles.get(name, self.heights.get(name))

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "protocol": self.protocol,
            "protocol_params": self.protocol_params,
            "angles": self.angles,
            "heights": self.heights,
            "primary_angle": self.primary_angle,
            "reps": self.reps.to_json() if self.reps else None,
            "balance": self.balance.to_json() if self.balance else None,
            "quality": self.quality.to_json(),
            "summary": self.summary.to_json(),
            "outcome": self.outcome.to_json() if self.outcome else None,
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "") -> Measures:
        f = _Fields(data, where)
        parts: dict[str, Any] = {}
        for key, part in (("reps", Repetitions), ("balance", Balance)):
            obj = f.obj(key, nullable=True)
            parts[key] = part.from_json(obj.data, obj.where) if obj else None
        outcome = f.obj("outcome", nullable=True, required=False)  # absent before schema 1
        return cls(
            exercise=f.text("exercise"),
            protocol=f.text("protocol"),
            protocol_params=f.json_map("protocol_params"),
            angles=f.series_map("angles"),
            heights=f.series_map("heights"),
            primary_angle=f.text("primary_angle", nullable=True),
            **parts,
            quality=Quality.from_json(f.raw("quality"), f.path("quality")),
            summary=Summary.from_json(f.raw("summary"), f.path("summary")),
            outcome=Outcome.from_json(outcome.data, outcome.where) if outcome else None,
        )


MEASURE_KEYS = tuple(f.name for f in fields(Measures))


@dataclass(frozen=True, kw_only=True)
class Result:
    """What the engine answers for a clip or a keypoint track: the track, and the measures
    when an exercise was scored (None otherwise)."""

    track: TrackResult
    measures: Measures | None = None

    def to_json(self) -> dict[str, Any]:
        """The flat JSON object the platform stores and ``python -m pose`` writes."""
        out = {"schema_version": SCHEMA_VERSION, **self.track.to_json()}
        if self.measures is not None:
            out.update(self.measures.to_json())
        return out

    @classmethod
    def from_json(cls, data: Any) -> Result:
        """Read a result back (a stored one, or any JSON claiming to be one).

        A missing ``schema_version`` is read as 1 (results stored before the key existed). The
        measures are read when any of their keys is present. Raises :class:`ResultError`.
        """
        f = _Fields(data, "")
        version = f.integer("schema_version", required=False)
        if version is not None and version != SCHEMA_VERSION:
            raise ResultError(
                f"schema_version {version} is not one this engine reads ({SCHEMA_VERSION})"
            )
        has_measures = any(k in f.data for k in MEASURE_KEYS)
        return cls(
            track=TrackResult.from_json(f.data),
            measures=Measures.from_json(f.data) if has_measures else None,
        )


__all__ = [
    "ENGINE_VERSION",
    "SCHEMA_VERSION",
    "Balance",
    "BalanceTrace",
    "Measures",
    "Outcome",
    "OutcomePhase",
    "Quality",
    "RepThresholds",
    "Repetition",
    "Repetitions",
    "Result",
    "ResultError",
    "Summary",
    "Sway",
    "TrackResult",
    "VideoInfo",
    "ViewCheck",
]
