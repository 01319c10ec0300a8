"""Therapose pose engine: MoveNet on recorded clips, and the measures built on its keypoints.

A small library with no Django in it. Layers (the import contract in ``pyproject.toml``,
checked by ``make lint``): the foundation (:mod:`pose.errors`, :mod:`pose.keypoints`, :mod:`pose.track`,
:mod:`pose.result`); :mod:`pose.model` (weights, conversion, backends, network, decoding);
:mod:`pose.video` (reading, rotation, planar frames, crop sampling); :mod:`pose.tracking`
(MoveNet's cropping, One Euro, the tracker, the clip loop); :mod:`pose.measures` (cleaning,
angles, quality, catalog, scoring, one module per protocol), which works on keypoint tracks
alone; :mod:`pose.pipeline`, the only module joining tracking and measures; :mod:`pose.tools`
(CLI, bench, plot, overlay) on top.

The public API, importable from here (loaded on first use, so ``import pose`` stays cheap and
never loads a model):

- :func:`analyze_clip`: a video file to a :class:`Result` (keypoint track, and measures for an
  exercise).
- :func:`score_track_json`: a keypoint track as JSON to the same result.
- :func:`score_track`: the :class:`Measures` of one exercise for a :class:`KeypointTrack`.
- the typed result (:mod:`pose.result`): :class:`Result` = :class:`TrackResult` + :class:`Measures`
  (:class:`Repetitions`, :class:`Balance`, :class:`Quality`, :class:`Summary`,
  :class:`Outcome`, :class:`OutcomePhase`...), each with ``to_json()`` / ``from_json()``.
- :func:`get_exercise`, :func:`load_catalog`: the clinical catalog.
- the protocol registry: :func:`get_protocol`, :func:`make_protocol`,
  :func:`protocol_param_choices`.
- the errors: :class:`PoseError` and its kinds.

``python -m pose`` is the command line (``analyze``, ``score``, ``eval``, ``bench``).
"""

from __future__ import annotations

import importlib
from typing import Any

from pose.errors import ModelError, PoseError, VideoError

_RESULT_TYPES = (
    "ENGINE_VERSION",
    "SCHEMA_VERSION",
    "Result",
    "ResultError",
    "TrackResult",
    "VideoInfo",
    "Measures",
    "Repetitions",
    "Repetition",
    "Balance",
    "Quality",
    "MeasureTrust",
    "BalanceEvent",
    "Summary",
    "Outcome",
    "OutcomePhase",
)

_LAZY = {
    "analyze_clip": "pose.pipeline",
    "score_track_json": "pose.pipeline",
    "score_track": "pose.measures.scoring",
    "KeypointTrack": "pose.track",
    "TrackError": "pose.track",
    **dict.fromkeys(_RESULT_TYPES, "pose.result"),
    "ExerciseSpec": "pose.measures.catalog",
    "CatalogError": "pose.measures.catalog",
    "get_exercise": "pose.measures.catalog",
    "load_catalog": "pose.measures.catalog",
    "ProtocolError": "pose.measures.protocols",
    "get_protocol": "pose.measures.protocols",
    "make_protocol": "pose.measures.protocols",
    "protocol_param_choices": "pose.measures.protocols",
}

__all__ = ["ModelError", "PoseError", "VideoError", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pose' has no attribute {name!r}")
