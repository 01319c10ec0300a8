"""What every measurement protocol provides (:class:`Protocol`), and the types it works with.

A protocol module (``reps_on_angle.py``, ``hold_balance.py``) defines its parameters dataclass
and one ``PROTOCOL = Protocol(...)``; :mod:`pose.measures.protocols` registers it. Nothing
outside the module knows what the protocol does: scoring, the command line, the plot and the
platform's live page all go through this interface.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar
from typing import Protocol as Interface

import numpy as np

from pose.errors import PoseError
from pose.result import Balance, Measures, Outcome, Repetitions, Summary


class ProtocolError(PoseError, ValueError):
    """A protocol name or parameter the engine does not know."""


class ProtocolParams(Interface):
    """What every protocol's parameters dataclass has (frozen; built by ``make_protocol``)."""

    name: ClassVar[str]
    min_seconds: float  # a shorter clip is flagged
    needs_whole_body: bool  # shoulders to ankles must be in the picture

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        """The keypoints the protocol needs to see (for ``quality.visible_fraction``)."""
        ...

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class TrackSeries:
    """What a protocol measures from: the cleaned keypoints and every angle and height."""

    timestamps: np.ndarray  # (T,) seconds
    xy: np.ndarray  # (T, 17, 2) cleaned keypoints, pixels, NaN where unknown
    angles: Mapping[str, np.ndarray]  # degrees, :func:`pose.measures.angles.angles_from_xy`
    heights: Mapping[str, np.ndarray]  # % torso, :func:`pose.measures.angles.heights_from_xy`
    raw_xy: np.ndarray | None = None  # (T, 17, 2) gated and gap-filled, not smoothed
    camera_jumps: tuple[float, ...] = ()  # times (s) the picture jumped (taken out of xy)


@dataclass(frozen=True)
class ProtocolMeasures:
    """A protocol's answer, rounded for the result.

    ``problems``: reasons of its own not to trust the result (added to ``quality.problems``; the
    protocol has already withheld its numbers). ``angles`` / ``heights``: series it derived
    (e.g. the mean of both sides), added to the result's.
    """

    summary: Summary
    primary_angle: str | None = None
    reps: Repetitions | None = None
    balance: Balance | None = None
    outcome: Outcome | None = None
    problems: tuple[str, ...] = ()
    angles: Mapping[str, np.ndarray] = field(default_factory=dict)
    heights: Mapping[str, np.ndarray] = field(default_factory=dict)
    # For :mod:`pose.measures.trust`: which measures are 2D angles (with the angle's name), which
    # are built on positions in the picture, and the protocol's own verdicts
    # ``{measure: (level, reason)}``. (Which measure each figure belongs to is the registry
    # entry's ``figure_measures``; ``count`` also stands for ``reps.count`` and ``score`` for
    # ``balance.score``.)
    angle_measures: Mapping[str, str] = field(default_factory=dict)
    position_measures: tuple[str, ...] = ()
    trust: Mapping[str, tuple[str, str]] = field(default_factory=dict)


# --- charts: what a picture of a result shows, for any drawing code (matplotlib, the browser) ---


@dataclass(frozen=True)
class ChartSeries:
    """A result series to draw over time: ``group`` is ``"angles"`` or ``"heights"``."""

    group: str
    key: str
    label: str
    unit: str


@dataclass(frozen=True)
class ChartSpan:
    """A stretch of time to shade: ``tone`` is ``"good"`` (a repetition, the hold) or
    ``"attention"`` (a partial repetition)."""

    start: float
    end: float
    tone: str = "good"
    label: str | None = None


@dataclass(frozen=True)
class ChartPoint:
    """A moment to mark on the time axis (a repetition's peak)."""

    time: float
    value: float
    tone: str = "good"


@dataclass(frozen=True)
class ChartLevel:
    """A horizontal line (a threshold)."""

    value: float
    label: str
    style: str = "dashed"  # or "dotted"


@dataclass(frozen=True)
class ChartPath:
    """A 2-D path drawn beside the time chart (the hip's sway), equal axes."""

    x: list[float | None]
    y: list[float | None]
    title: str
    x_label: str
    y_label: str
    y_down: bool = True  # image coordinates: y grows downwards


@dataclass(frozen=True)
class Chart:
    """Everything a picture of one result shows."""

    title: str
    y_label: str
    series: tuple[ChartSeries, ...]
    spans: tuple[ChartSpan, ...] = ()
    points: tuple[ChartPoint, ...] = ()
    levels: tuple[ChartLevel, ...] = ()
    path: ChartPath | None = None


# --- the registry entry -----------------------------------------------------------------------

LIVE_CONFIG_KEYS = (
    "joint",
    "side",
    "direction",
    "enter",
    "exit",
    "minRange",
    "needsWholeBody",
    "targetSeconds",
)


@dataclass(frozen=True)
class Protocol:
    """One measurement protocol, as the registry holds it.

    - ``params``: its parameters dataclass (``make_protocol`` builds and validates it).
    - ``measure(params, series)``: its measures, unwithheld (scoring withholds what
      :mod:`pose.measures.trust` grades unreliable).
    - ``units(params)``: the unit of each figure of its summary.
    - ``chart(measures)``: what a chart of one of its results draws (series with labels and
      units, shaded spans, thresholds, a 2-D path).
    - ``summary_line(measures)``: one line for the command line.
    - ``live_config(params, hold_seconds)``: what the browser's live page needs (the camelCase
      keys of :data:`LIVE_CONFIG_KEYS`), from the catalog's raw parameters and the prescribed
      hold.
    - ``param_choices``: the allowed values of its choice parameters (``joint``, ``side``...),
      for validating custom exercises.
    - ``figure_measures``: which graded measure (:mod:`pose.measures.trust`) each summary
      figure belongs to, so that a page can show each number beside its trust level.
    """

    name: str
    params: type
    measure: Callable[[Any, TrackSeries], ProtocolMeasures]
    units: Callable[[Any], dict[str, str]]
    chart: Callable[[Measures], Chart]
    summary_line: Callable[[Measures], str]
    live_config: Callable[..., dict[str, Any]]
    param_choices: Mapping[str, tuple[str, ...]]
    figure_measures: Mapping[str, str] = field(default_factory=dict)

    def make(self, params: Mapping[str, Any]) -> Any:
        """The parameters dataclass from a mapping, refusing names it does not have."""
        known = {f.name for f in fields(self.params)}
        unknown = sorted(set(params) - known)
        if unknown:
            raise ProtocolError(
                f"unknown parameter(s) {', '.join(unknown)} for {self.name}; "
                f"known: {', '.join(sorted(known))}"
            )
        return self.params(**params)


def timer_live_config(*, kind: str, seconds: float | None) -> dict[str, Any]:
    """The live config of a protocol with nothing to count: the whole body in view (a stance is
    judged from the feet up) and a timer ("timer" contract: kind "hold" counting up towards
    ``seconds``, "countdown" or "stopwatch"; seconds a number or None)."""
    return {
        "joint": None,
        "side": "both",
        "direction": "increase",
        "enter": None,
        "exit": None,
        "minRange": 20,
        "needsWholeBody": True,
        "targetSeconds": seconds,
        "timer": {"kind": kind, "seconds": seconds},
    }
