"""How the pages show a protocol's summary figures, each in its own unit.

The figures and their units come from the engine's protocol registry
(``pose.get_protocol(name).units(params)``): a squat's peak is in degrees, a heel raise's in
"% torso", a balance score on a 0-100 scale. The result card, the live page's result, the
review chart and the therapist's trend charts (``static/js/charts.js``) read the lists built
here, so a new protocol needs no change in the templates or the scripts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import floatformat

import pose
from therapy.selectors.trust import MARKERS, figure_note

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnitDisplay:
    """How one of the engine's units is written on the pages."""

    suffix: str  # after a value: "°", " % torso", " s"
    short: str  # in a label: "Best peak (°)", "Balance score (0–100)"
    axis: str  # a chart axis's title
    digits: int  # at most this many decimals (none when the value is whole)
    counted: bool = False  # counts share the trend chart's right axis with pain


UNITS: dict[str, UnitDisplay] = {
    "degrees": UnitDisplay("°", "°", "degrees", 0),
    "% torso": UnitDisplay(" % torso", "% torso", "% torso", 0),
    "s": UnitDisplay(" s", "s", "seconds", 1),
    "repetitions": UnitDisplay("", "", "count", 0, counted=True),
    "0-100": UnitDisplay("", "0–100", "score", 1),
}
NO_UNIT = UnitDisplay("", "", "", 2)

FIGURE_NAMES = {
    "count": "Repetitions counted",
    "peak_angle": "Best peak",
    "range_of_motion": "Range of motion",
    "hold_seconds": "Hold",
    "score": "Balance score",
}
# The figures a result card shows (in the protocol's order); a protocol with none of them shows
# all of its figures. The trend charts and their tables leave out the hold time (the balance
# score already reflects it).
RESULT_FIGURES = ("count", "peak_angle", "range_of_motion", "hold_seconds", "score")
TREND_FIGURES = ("count", "peak_angle", "range_of_motion", "score")
# Where the platform's names for a figure differ from the engine's: result_measures() and the
# trend points (therapy.selectors.results).
MEASURE_KEYS = {"score": "balance_score"}
TREND_POINT_KEYS = {
    "count": "reps",
    "peak_angle": "peak_angle",
    "range_of_motion": "range_of_motion",
    "score": "balance_score",
    "hold_seconds": "hold_seconds",
}


def unit_display(unit: str | None) -> UnitDisplay:
    if not unit:
        return NO_UNIT
    return UNITS.get(unit) or UnitDisplay(f" {unit}", unit, unit, 2)


@dataclass(frozen=True)
class Figure:
    """One summary figure as the pages show it (``key`` is the engine's figure name, ``unit``
    the registry's unit for it)."""

    key: str
    name: str
    unit: str | None

    @property
    def display(self) -> UnitDisplay:
        return unit_display(self.unit)

    @property
    def label(self) -> str:
        """For a value written with its unit: "Best peak", "Balance score (0–100)"."""
        short, suffix = self.display.short, self.display.suffix
        return f"{self.name} ({short})" if short and not suffix else self.name

    @property
    def chart_label(self) -> str:
        """For a chart's legend, where values have no suffix: "Best peak (°)"."""
        short = self.display.short
        return f"{self.name} ({short})" if short else self.name

    def number(self, value: Any) -> str:
        """The value without its unit ("–" when there is none)."""
        if value is None or isinstance(value, bool) or not isinstance(value, int | float):
            return "–" if value is None else str(value)
        return floatformat(value, -self.display.digits)

    def text(self, value: Any) -> str:
        """The value with its unit: "170°", "12 % torso", "9.5 s", "–"."""
        return self.number(value) + (self.display.suffix if value is not None else "")

    def to_json(self) -> dict[str, Any]:
        """For the live page's script: how to write this figure's value."""
        display = self.display
        return {
            "key": self.key,
            "label": self.label,
            "suffix": display.suffix,
            "digits": display.digits,
        }


def protocol_units(protocol: str, params: Mapping[str, Any] | None) -> dict[str, str] | None:
    """The unit of each summary figure of ``protocol`` with ``params`` (the registry's answer),
    or None when the engine does not know the protocol or refuses the parameters."""
    try:
        entry = pose.get_protocol(protocol)
        return dict(entry.units(entry.make(params or {})))
    except pose.ProtocolError as exc:
        logger.warning("no units for protocol %r: %s", protocol, exc)
        return None


def _figure(key: str, unit: str | None) -> Figure:
    return Figure(key, FIGURE_NAMES.get(key) or key.replace("_", " ").capitalize(), unit)


def exercise_figures(exercise, keys: Iterable[str] = RESULT_FIGURES) -> list[Figure]:
    """The figures among ``keys`` that ``exercise``'s protocol gives, in the protocol's order;
    all of its figures when it gives none of them; none when its protocol is unknown."""
    units = protocol_units(exercise.protocol, exercise.params) or {}
    wanted = set(keys)
    chosen = [k for k in units if k in wanted] or list(units)
    return [_figure(k, units[k]) for k in chosen]


def result_figures(exercise, result, measures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The result card's figures with their values: ``[{"key", "label", "text", "missing", "trust"}]``.

    Values come from ``measures`` (:func:`therapy.selectors.results.result_measures`, which also
    reads older results) and otherwise from the stored summary. When the protocol is unknown,
    the summary's own numbers are shown without units. ``trust`` is the figure's
    :class:`therapy.selectors.trust.TrustNote` (level unknown for results stored before the
    engine graded each measure).
    """
    if result is None:
        return []
    summary = result.summary or {}
    figures = exercise_figures(exercise)
    if not figures:
        figures = [
            _figure(k, None)
            for k, v in summary.items()
            if k not in ("measure", "trusted") and isinstance(v, int | float)
        ]
    trust = measures.get("trust") or {}
    out = []
    for f in figures:
        key = MEASURE_KEYS.get(f.key, f.key)
        value = measures[key] if key in measures else summary.get(f.key)
        note = figure_note(exercise.protocol, trust, f.key)
        out.append(
            {
                "key": f.key,
                "label": f.label,
                "text": f.text(value),
                "missing": value is None,
                "trust": note,
            }
        )
    return out


PAIN_LABEL = "Pain (0–10)"


def trend_series(exercise) -> dict[str, Any]:
    """What a trend chart draws for ``exercise``: ``series`` (``key``, ``point``: the trend
    point's field, ``label``, ``axis``: "y" for measures or "y2" for counts; pain always has an
    axis of its own, 0-10), ``y_title`` and ``caption`` (the plotted series, in words)."""
    figures = [f for f in exercise_figures(exercise, TREND_FIGURES) if f.key in TREND_POINT_KEYS]
    series = []
    titles: list[str] = []
    for f in figures:
        axis = "y2" if f.display.counted else "y"
        series.append(
            {"key": f.key, "point": TREND_POINT_KEYS[f.key], "label": f.chart_label, "axis": axis}
        )
        if axis == "y" and f.display.axis and f.display.axis not in titles:
            titles.append(f.display.axis)
    labels = [s["label"] for s in series] + [PAIN_LABEL.lower()]
    caption = ", ".join(labels[:-1]) + f" and {labels[-1]}" if len(labels) > 1 else labels[0]
    return {"series": series, "y_title": " / ".join(titles), "caption": f"{caption}, by date"}


def trend_measured(trend: Mapping[str, Any]) -> int:
    """How many of a trend's sessions have a value in one of its series (a measure the engine
    could give); 0: the chart would have empty axes, and the page says why instead."""
    keys = [s["point"] for s in trend.get("series") or []]
    return sum(1 for p in trend.get("points") or [] if any(p.get(k) is not None for k in keys))


def trend_table(trend: Mapping[str, Any]) -> dict[str, Any]:
    """A trend (with its :func:`trend_series`) as the table under its chart: ``columns`` (the
    series' labels, then pain) and ``rows`` (``session``, ``date``, ``cells``)."""
    series = trend.get("series") or []
    return {
        "columns": [s["label"] for s in series] + [PAIN_LABEL],
        "rows": [
            {
                "session": p["session"],
                "date": p["date"],
                "cells": [
                    _cell(p.get(s["point"]), (p.get("trust") or {}).get(s["key"])) for s in series
                ]
                + [_cell(p.get("pain"))],
            }
            for p in trend.get("points") or []
        ],
    }


def _cell(value: Any, level: str | None = None) -> str:
    """A trend table cell: the value with its trust marker ("12 (check)", "– (not measured)")."""
    text = "–" if value is None else str(value)
    marker = MARKERS.get(level or "", "")
    return f"{text} ({marker})" if marker else text
