"""The clinical exercise catalog.

Built-in exercises mirror ``exercises/catalog.json`` (written by ``manage.py sync_catalog``,
which ``make run`` and deployments run after ``migrate``). A therapist's custom exercise reuses a built-in's measurement protocol (``base``)
with their own name, instructions, dose and parameter overrides.
"""

from django.conf import settings
from django.db import models


class CameraView(models.TextChoices):
    SIDE = "side", "Side"
    FRONT = "front", "Front"


class Exercise(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    instructions = models.TextField(blank=True)
    camera_view = models.CharField(max_length=16, default=CameraView.SIDE)
    body_part = models.CharField(
        max_length=32, blank=True, help_text="What a therapist searches by: knee, hip, balance..."
    )
    protocol = models.CharField(
        max_length=64, help_text="The pose protocol that measures this exercise."
    )
    params = models.JSONField(default=dict, blank=True, help_text="Protocol parameters.")
    primary_measure = models.TextField(blank=True)
    measures = models.JSONField(default=list, blank=True)
    norms = models.JSONField(default=list, blank=True, help_text="Published norms, with sources.")
    default_sets = models.PositiveSmallIntegerField(default=1)
    default_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    default_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    is_builtin = models.BooleanField(default=False)
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
        help_text="For a custom exercise: the built-in whose protocol it reuses.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="custom_exercises",
        help_text="The therapist who created this custom exercise (empty for built-ins).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_builtin=True, base__isnull=True, owner__isnull=True)
                | models.Q(is_builtin=False, base__isnull=False, owner__isnull=False),
                name="exercise_builtin_xor_custom",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def protocol_slug(self) -> str:
        """The catalog entry whose engine spec measures this exercise."""
        return self.slug if self.base_id is None else self.base.slug
