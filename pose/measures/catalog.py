"""The clinical exercise catalog, loaded from ``exercises/catalog.json`` (its one home).

Each entry says how an exercise is shown to the patient (name, plain-language instructions,
camera view), dosed (sets, reps, hold seconds), measured (a :mod:`pose.measures.protocols` protocol and
its parameters) and compared (normative values with their published source). The file's
``conventions`` block repeats the angle convention and every score's formula for readers of
the catalog alone. The Django app ``exercises`` seeds its models from the same file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pose.errors import PoseError
from pose.measures.protocols import ProtocolParams, make_protocol

CATALOG_ENV = "THERAPOSE_CATALOG"
DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "exercises" / "catalog.json"
VIEWS = ("side", "front")
BODY_PARTS = ("knee", "hip", "ankle", "shoulder", "elbow", "balance", "whole body")


class CatalogError(PoseError, KeyError):
    """An unknown exercise slug or a malformed catalog entry."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Dose:
    sets: int
    reps: int
    hold_seconds: float


@dataclass(frozen=True)
class Norm:
    label: str
    value: str | float
    unit: str
    source: str


@dataclass(frozen=True)
class ExerciseSpec:
    slug: str
    name: str
    instructions: str
    camera_view: str
    default_dose: Dose
    protocol: str
    params: dict[str, Any] = field(hash=False)
    primary_measure: str
    norms: tuple[Norm, ...]
    measures: str
    body_part: str = ""  # one of BODY_PARTS: what a therapist searches the catalog by

    def make_protocol(self) -> ProtocolParams:
        """The measurement protocol with this exercise's parameters (validated)."""
        return make_protocol(self.protocol, dict(self.params))

    def with_params(self, **overrides: Any) -> ExerciseSpec:
        """A copy with some protocol parameters changed (e.g. a prescription's thresholds)."""
        return ExerciseSpec(**{**self.__dict__, "params": {**self.params, **overrides}})

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "instructions": self.instructions,
            "camera_view": self.camera_view,
            "default_dose": dict(self.default_dose.__dict__),
            "protocol": self.protocol,
            "params": dict(self.params),
            "primary_measure": self.primary_measure,
            "norms": [dict(n.__dict__) for n in self.norms],
            "measures": self.measures,
            "body_part": self.body_part,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExerciseSpec:
        slug = data.get("slug", "?") if isinstance(data, dict) else "?"
        try:
            spec = cls(
                slug=str(data["slug"]),
                name=str(data["name"]),
                instructions=str(data["instructions"]),
                camera_view=str(data["camera_view"]),
                default_dose=Dose(**data["default_dose"]),
                protocol=str(data["protocol"]),
                params=dict(data["params"]),
                primary_measure=str(data["primary_measure"]),
                norms=tuple(Norm(**n) for n in data["norms"]),
                measures=str(data["measures"]),
                body_part=str(data.get("body_part", "")),
            )
        except (KeyError, TypeError) as exc:
            raise CatalogError(f"catalog entry {slug!r} is malformed: {exc}") from None
        if spec.camera_view not in VIEWS:
            raise CatalogError(f"{slug}: camera_view must be one of {VIEWS}")
        if spec.body_part and spec.body_part not in BODY_PARTS:
            raise CatalogError(f"{slug}: body_part must be one of {BODY_PARTS}")
        spec.make_protocol()  # fail at load time, not when a patient's clip arrives
        return spec


def catalog_path() -> Path:
    """``$THERAPOSE_CATALOG`` if set, else ``<repo root>/exercises/catalog.json``."""
    env = os.environ.get(CATALOG_ENV)
    return Path(env) if env else DEFAULT_CATALOG


def load_catalog(path: Path | None = None) -> dict[str, ExerciseSpec]:
    """Every exercise in the catalog, by slug (in file order)."""
    source = Path(path) if path is not None else catalog_path()
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogError(f"cannot read the exercise catalog at {source}: {exc}") from None
    specs = [ExerciseSpec.from_json(e) for e in raw.get("exercises", [])]
    catalog = {s.slug: s for s in specs}
    if len(catalog) != len(specs):
        raise CatalogError(f"duplicate exercise slugs in {source}")
    return catalog


def get_exercise(slug: str, path: Path | None = None) -> ExerciseSpec:
    """The exercise called ``slug``; a :class:`CatalogError` listing the known slugs if none."""
    catalog = load_catalog(path)
    if slug not in catalog:
        raise CatalogError(f"unknown exercise {slug!r}; known: {', '.join(catalog)}")
    return catalog[slug]
