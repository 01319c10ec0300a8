"""Writes to the exercise catalog and the bridge to the engine's ExerciseSpec."""

from __future__ import annotations

import dataclasses
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from exercises.catalog_sync import sync_catalog
from exercises.models import CameraView, Exercise


def exercise_catalog_sync() -> tuple[int, int]:
    """Bring the built-in rows in line with exercises/catalog.json: (created, updated)."""
    with transaction.atomic():
        return sync_catalog(Exercise)


def exercise_create_custom(
    *,
    therapist,
    base: Exercise,
    name: str,
    instructions: str = "",
    params: dict[str, Any] | None = None,
    camera_view: str | None = None,
    default_sets: int | None = None,
    default_reps: int | None = None,
    default_hold_seconds: int | None = None,
) -> Exercise:
    """A therapist's variant of a built-in: same protocol, own parameters and instructions."""
    if not base.is_builtin:
        raise ValidationError({"base": "A custom exercise must reuse a built-in exercise."})
    if camera_view and camera_view not in CameraView.values:
        raise ValidationError({"camera_view": f"Must be one of: {', '.join(CameraView.values)}."})
    params = params or {}
    unknown = sorted(set(params) - set(base.params))
    if unknown:
        raise ValidationError(
            {
                "params": f"Unknown parameters for {base.slug}: {', '.join(unknown)}. "
                f"Allowed: {', '.join(sorted(base.params)) or 'none'}."
            }
        )
    for key, value in params.items():
        expected = base.params[key]
        if expected is None or isinstance(expected, int | float) and not isinstance(expected, bool):
            ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
        elif isinstance(expected, bool) or isinstance(value, bool):
            ok = isinstance(value, bool) == isinstance(expected, bool)
        else:
            ok = isinstance(value, type(expected))
        if not ok:
            raise ValidationError({"params": f"{key} must be like {expected!r}."})
    merged = {**base.params, **params}
    _check_protocol_params(protocol=base.protocol, params=params, merged=merged)
    slug = f"{slugify(name)[:60] or 'exercise'}-{secrets.token_hex(3)}"
    return Exercise.objects.create(
        slug=slug,
        name=name,
        instructions=instructions or base.instructions,
        camera_view=camera_view or base.camera_view,
        protocol=base.protocol,
        params=merged,
        primary_measure=base.primary_measure,
        measures=base.measures,
        norms=base.norms,
        default_sets=default_sets or base.default_sets,
        default_reps=default_reps if default_reps is not None else base.default_reps,
        default_hold_seconds=(
            default_hold_seconds if default_hold_seconds is not None else base.default_hold_seconds
        ),
        is_builtin=False,
        base=base,
        owner=therapist,
    )


def _check_protocol_params(
    *, protocol: str, params: dict[str, Any], merged: dict[str, Any]
) -> None:
    """Refuse what the engine would refuse when a session is measured: a choice parameter
    outside its choices (``joint``, ``side``...), or parameters the protocol cannot be built
    from (``enter`` without ``exit``...), with the engine's message."""
    from pose import ProtocolError, make_protocol, protocol_param_choices

    try:
        choices = protocol_param_choices(protocol)
        for key, value in params.items():
            allowed = choices.get(key)
            if allowed is not None and value not in allowed:
                raise ValidationError({"params": f"{key} must be one of: {', '.join(allowed)}."})
        make_protocol(protocol, merged)
    except ProtocolError as exc:
        raise ValidationError({"params": str(exc)}) from None


def exercise_spec(exercise: Exercise):
    """The engine's ExerciseSpec for this row (a custom exercise: its base's, with overrides)."""
    from pose.measures.catalog import get_exercise

    spec = get_exercise(exercise.protocol_slug)
    if exercise.base_id is None:
        return spec
    names = {field.name for field in dataclasses.fields(spec)}
    changes: dict[str, Any] = {
        "slug": exercise.slug,
        "name": exercise.name,
        "instructions": exercise.instructions,
        "camera_view": exercise.camera_view,
        "params": {**dict(getattr(spec, "params", {}) or {}), **exercise.params},
    }
    return dataclasses.replace(spec, **{k: v for k, v in changes.items() if k in names})
