"""Measurement protocols: how an exercise is measured, independent of which exercise it is.

A protocol is one module in this package, holding its parameters dataclass, its measure, its
summary and units, the chart of its results and what the browser's live page needs, all in one
:class:`~pose.measures.protocols.base.Protocol` called ``PROTOCOL``. This module is the
registry: the clinical catalog (``exercises/catalog.json``) names a protocol and its parameters
per exercise, and :func:`make_protocol` builds them.

- ``reps_on_angle``: count repetitions with hysteresis on one measure (an angle from
  :mod:`pose.measures.angles`, or a height such as ``ankle_rise``), see :mod:`pose.measures.reps`.
- ``hold_balance``: time a static stance and measure sway, see :mod:`pose.measures.balance`.
- Standard clinical tests, each with an ``outcome`` compared with published norms
  (:mod:`~pose.measures.protocols.clinical_norms`): ``chair_stand`` (Five Times Sit to Stand,
  30-Second Chair Stand), ``timed_up_and_go``, ``four_stage_balance`` and ``rom_assessment``
  (the best active range of one joint).

**Adding a protocol**: write its module here (copy the shape of ``hold_balance.py``), add its
name to :data:`PROTOCOL_MODULES`, and name it in the catalog. If its numbers do not fit the
result's ``reps``, ``balance`` or ``outcome`` parts, the result schema (:mod:`pose.result`)
grows too, with a new ``schema_version``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from pose.measures.protocols.base import (
    Chart,
    ChartLevel,
    ChartPath,
    ChartPoint,
    ChartSeries,
    ChartSpan,
    Protocol,
    ProtocolError,
    ProtocolMeasures,
    ProtocolParams,
    TrackSeries,
)

PROTOCOL_MODULES = (
    "reps_on_angle",
    "hold_balance",
    "chair_stand",
    "timed_up_and_go",
    "four_stage_balance",
    "rom_assessment",
)
"""The protocol modules of this package; each defines ``PROTOCOL``."""


def _load(names: tuple[str, ...]) -> dict[str, Protocol]:
    registry: dict[str, Protocol] = {}
    for module_name in names:
        protocol = importlib.import_module(f"{__name__}.{module_name}").PROTOCOL
        if protocol.name in registry:
            raise ProtocolError(f"two protocols are called {protocol.name!r}")
        registry[protocol.name] = protocol
    return registry


PROTOCOLS: dict[str, Protocol] = _load(PROTOCOL_MODULES)

# The parameter types and factories, for existing callers. Importing the modules above bound
# the package attributes ``reps_on_angle`` / ``hold_balance`` to the modules; the factory
# functions replace them here (reach the modules with ``from ...protocols.reps_on_angle import``
# or through ``get_protocol``).
from pose.measures.protocols.hold_balance import STANCES, HoldBalance, hold_balance  # noqa: E402
from pose.measures.protocols.reps_on_angle import (  # noqa: E402
    REP_SIDES,
    RepsOnAngle,
    reps_on_angle,
)


def get_protocol(name: str) -> Protocol:
    """The registered protocol called ``name``; :class:`ProtocolError` if there is none."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise ProtocolError(f"unknown protocol {name!r}; known: {', '.join(PROTOCOLS)}") from None


def make_protocol(name: str, params: Mapping[str, Any]) -> ProtocolParams:
    """The parameters of protocol ``name`` built from ``params`` (as stored in the catalog),
    validated: unknown names and values raise :class:`ProtocolError`."""
    return get_protocol(name).make(params)


def protocol_param_choices(name: str) -> dict[str, tuple[str, ...]]:
    """The allowed values of protocol ``name``'s choice parameters, e.g. for ``reps_on_angle``
    ``{"joint": ("knee_flexion", ...), "side": ("left", "right", "both", "best"), ...}``: what
    a form for a custom exercise may offer."""
    return dict(get_protocol(name).param_choices)


__all__ = [
    "PROTOCOLS",
    "PROTOCOL_MODULES",
    "REP_SIDES",
    "STANCES",
    "Chart",
    "ChartLevel",
    "ChartPath",
    "ChartPoint",
    "ChartSeries",
    "ChartSpan",
    "HoldBalance",
    "Protocol",
    "ProtocolError",
    "ProtocolMeasures",
    "ProtocolParams",
    "RepsOnAngle",
    "TrackSeries",
    "get_protocol",
    "hold_balance",
    "make_protocol",
    "protocol_param_choices",
    "reps_on_angle",
]
