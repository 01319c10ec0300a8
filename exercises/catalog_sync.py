"""Copy ``exercises/catalog.json`` into Exercise rows. Used by data migrations and the service.

Takes the model class as an argument so that migrations can pass their historical model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CATALOG_PATH = Path(__file__).resolve().parent / "catalog.json"


def read_catalog(path: Path = CATALOG_PATH) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data["exercises"] if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of exercises")
    return entries


def row_fields(entry: dict[str, Any]) -> dict[str, Any]:
    dose = entry.get("default_dose") or {}
    return {
        "name": entry["name"],
        "instructions": entry.get("instructions", ""),
        "camera_view": entry.get("camera_view", "side"),
        "protocol": entry["protocol"],
        "params": entry.get("params") or {},
        "primary_measure": entry.get("primary_measure") or "",
        "measures": entry.get("measures") or [],
        "norms": entry.get("norms") or [],
        "default_sets": dose.get("sets") or 1,
        "default_reps": dose.get("reps") or None,
        "default_hold_seconds": dose.get("hold_seconds") or None,
        "is_builtin": True,
    }


def sync_catalog(exercise_model, entries: list[dict[str, Any]] | None = None) -> int:
    """Create or update one built-in row per catalog entry; returns how many were written."""
    entries = read_catalog() if entries is None else entries
    for entry in entries:
        exercise_model.objects.update_or_create(slug=entry["slug"], defaults=row_fields(entry))
    return len(entries)
