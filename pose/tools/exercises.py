"""``python -m pose exercises [--json]``: the catalog at a glance (slug, name, protocol, camera
view, the units of its figures), for a therapist or an engineer choosing an exercise."""

from __future__ import annotations

from typing import Any

from pose.measures.catalog import load_catalog
from pose.measures.protocols import get_protocol


def exercise_rows() -> list[dict[str, Any]]:
    """One row per catalog exercise, in catalog order; ``units``: each summary figure's unit."""
    rows = []
    for spec in load_catalog().values():
        units = get_protocol(spec.protocol).units(spec.make_protocol())
        rows.append(
            {
                "slug": spec.slug,
                "name": spec.name,
                "protocol": spec.protocol,
                "view": spec.camera_view,
                "units": units,
            }
        )
    return rows


def format_rows(rows: list[dict[str, Any]]) -> str:
    """A plain table: one exercise a line, the units listed once each."""
    table = [("slug", "name", "protocol", "view", "units")]
    for row in rows:
        units = ", ".join(dict.fromkeys(row["units"].values()))
        table.append((row["slug"], row["name"], row["protocol"], row["view"], units))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in table
    )
