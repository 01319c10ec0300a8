"""Bring the built-in Exercise rows in line with the engine's catalog (``exercises/catalog.json``).

The catalog is parsed and validated in one place, :func:`pose.load_catalog` (a malformed entry or
an unknown protocol parameter fails here, before any row is written). This module only maps each
:class:`pose.ExerciseSpec` to the row's fields. It runs from the ``sync_catalog`` management
command, which ``make run`` and every deployment run after ``migrate``; it is idempotent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pose import ExerciseSpec


def row_fields(spec: ExerciseSpec) -> dict[str, Any]:
    """The Exercise row's fields for one catalog entry."""
    dose = spec.default_dose
    return {
        "name": spec.name,
        "instructions": spec.instructions,
        "camera_view": spec.camera_view,
        "body_part": spec.body_part,
        "protocol": spec.protocol,
        "params": dict(spec.params),
        "primary_measure": spec.primary_measure,
        "measures": spec.measures,
        "norms": [dict(n.__dict__) for n in spec.norms],
        "default_sets": dose.sets or 1,
        "default_reps": dose.reps or None,
        "default_hold_seconds": dose.hold_seconds or None,
        "is_builtin": True,
    }


def sync_catalog(exercise_model, specs: list[ExerciseSpec] | None = None) -> tuple[int, int]:
    """Create or update one built-in row per catalog entry: (created, updated).

    Rows of entries that left the catalog are kept: past sessions refer to them.
    """
    if specs is None:
        from pose import load_catalog  # the engine's measures load only when syncing

        specs = list(load_catalog().values())
    created = updated = 0
    for spec in specs:
        fields = row_fields(spec)
        row = exercise_model.objects.filter(slug=spec.slug).first()
        if row is None:
            exercise_model.objects.create(slug=spec.slug, **fields)
            created += 1
        elif any(getattr(row, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(row, key, value)
            row.save()
            updated += 1
    return created, updated
