"""How far each number of a stored result can be trusted, for the pages, the CSV and the API.

The engine grades each measure of a result (:mod:`pose.measures.trust`): ``quality["trust"]`` is
``{measure: {"level": "ok" | "check" | "unreliable", "reasons": [...]}}``, and each protocol
says which measure each of its summary figures belongs to (its registry entry's
``figure_measures``). Results stored before the grading have no ``trust``: their level is
unknown (None) and the pages fall back to ``quality.trusted`` / ``quality.problems``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pose
from pose import MeasureTrust, Quality
from pose.measures.protocols import PROTOCOLS

logger = logging.getLogger(__name__)

OK, CHECK, UNRELIABLE = "ok", "check", "unreliable"
# What a table cell or a CSV cell says beside a number, per level.
MARKERS = {OK: "", CHECK: "check", UNRELIABLE: "not measured"}


@dataclass(frozen=True)
class TrustNote:
    """One number's trust: ``measure`` (``count``, ``range``...; None when the figure belongs to
    none), ``level`` (None: stored before per-measure grading) and the engine's ``reasons``."""

    measure: str | None = None
    level: str | None = None
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.level == OK

    @property
    def check(self) -> bool:
        return self.level == CHECK

    @property
    def withheld(self) -> bool:
        return self.level == UNRELIABLE

    @property
    def marker(self) -> str:
        """ "check", "not measured" or "" (ok or unknown): for tables and the CSV."""
        return MARKERS.get(self.level or "", "")

    @property
    def reason_text(self) -> str:
        return " ".join(self.reasons)


UNKNOWN = TrustNote()


@functools.cache
def figure_measures(protocol: str) -> dict[str, str]:
    """Which measure each summary figure of ``protocol`` belongs to (its registry entry's
    ``figure_measures``); empty for an unknown protocol."""
    try:
        entry = pose.get_protocol(protocol)
    except pose.ProtocolError as exc:
        logger.warning("no figure measures for protocol %r: %s", protocol, exc)
        return {}
    return dict(entry.figure_measures)


@functools.cache
def trust_measures() -> tuple[str, ...]:
    """Every measure any registered protocol grades, in the protocols' order (the CSV's
    ``<measure>_trust`` columns)."""
    names: dict[str, None] = {}
    for protocol in PROTOCOLS:
        names.update(dict.fromkeys(figure_measures(protocol).values()))
    return tuple(names)


def quality_trust(quality: Mapping[str, Any] | None) -> dict[str, MeasureTrust]:
    """The per-measure trust of a stored ``quality`` (empty for results stored before it)."""
    if not quality:
        return {}
    return dict(Quality.from_json(quality).trust)


def trust_note(trust: Mapping[str, MeasureTrust], measure: str | None) -> TrustNote:
    """The note for ``measure`` in ``trust`` (:data:`UNKNOWN` when it is not graded)."""
    graded = trust.get(measure) if measure else None
    if graded is None:
        return TrustNote(measure=measure)
    return TrustNote(measure=measure, level=graded.level, reasons=tuple(graded.reasons))


def figure_note(protocol: str, trust: Mapping[str, MeasureTrust], figure: str) -> TrustNote:
    """The note beside summary figure ``figure`` (``count``, ``peak_angle``...) of a result."""
    return trust_note(trust, figure_measures(protocol).get(figure))


def trust_json(trust: Mapping[str, MeasureTrust]) -> dict[str, dict[str, Any]]:
    return {name: t.to_json() for name, t in trust.items()}


def trust_reasons_text(trust: Mapping[str, MeasureTrust]) -> str:
    """``"range: reason | count: reason"``: each graded measure's reasons, for the CSV."""
    return " | ".join(
        f"{name}: {reason}" for name, t in trust.items() if t.level != OK for reason in t.reasons
    )
