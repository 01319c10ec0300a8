"""Routine templates: the clinic's own ("Save as template") and the built-in ones, written from
``therapy/routine_templates.json`` by an idempotent sync (``manage.py sync_routine_templates``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from exercises.models import Exercise
from therapy.models import RoutineTemplate, RoutineTemplateItem, Side, User

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[1] / "routine_templates.json"
_ITEM_FIELDS = ("sets", "reps", "hold_seconds", "per_week", "side", "rest_seconds", "notes")


def _item_row(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "sets": entry.get("sets") or 1,
        "reps": entry.get("reps"),
        "hold_seconds": entry.get("hold_seconds"),
        "per_week": entry.get("per_week") or 3,
        "side": entry.get("side") or Side.BOTH,
        "rest_seconds": entry.get("rest_seconds"),
        "notes": entry.get("notes") or "",
    }


@transaction.atomic
def routine_template_create(
    *, created_by: User, name: str, items: list[dict[str, Any]], description: str = ""
) -> RoutineTemplate:
    """A template for the therapist's clinic from a routine's rows (``exercise`` + dose)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"template_name": "Give the template a name."})
    if created_by.clinic_id is None:
        raise ValidationError({"template_name": "Templates are shared within a clinic."})
    if not items:
        raise ValidationError({"items": "A template needs at least one exercise."})
    template = RoutineTemplate.objects.create(
        name=name[:200],
        description=description,
        clinic_id=created_by.clinic_id,
        created_by=created_by,
    )
    for position, entry in enumerate(items):
        RoutineTemplateItem.objects.create(
            template=template, exercise=entry["exercise"], position=position, **_item_row(entry)
        )
    return template


@transaction.atomic
def routine_template_builtin_sync(path: Path | None = None) -> tuple[int, int]:
    """Create or rewrite the built-in templates (no clinic) from the JSON file: (created,
    updated). Running it again changes nothing unless the file changed."""
    raw = json.loads(Path(path or BUILTIN_TEMPLATES).read_text(encoding="utf-8"))
    created = updated = 0
    for spec in raw["templates"]:
        slugs = [i["exercise"] for i in spec["items"]]
        exercises = {e.slug: e for e in Exercise.objects.filter(slug__in=slugs, is_builtin=True)}
        missing = sorted(set(slugs) - set(exercises))
        if missing:
            raise ValidationError(f"{spec['name']}: unknown exercise(s) {', '.join(missing)}.")
        wanted = [
            {"exercise_id": exercises[i["exercise"]].pk, "position": n, **_item_row(i)}
            for n, i in enumerate(spec["items"])
        ]
        template = RoutineTemplate.objects.filter(clinic=None, name=spec["name"]).first()
        if template is None:
            template = RoutineTemplate.objects.create(
                name=spec["name"], description=spec.get("description", "")
            )
            created += 1
        else:
            have = list(
                template.items.values("exercise_id", "position", *_ITEM_FIELDS).order_by(
                    "position", "id"
                )
            )
            if have == wanted and template.description == spec.get("description", ""):
                continue
            template.description = spec.get("description", "")
            template.save(update_fields=["description"])
            template.items.all().delete()
            updated += 1
        for row in wanted:
            RoutineTemplateItem.objects.create(template=template, **row)
    return created, updated
