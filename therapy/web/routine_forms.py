"""Forms of the routine builder page: the routine, its rows (a formset) and "Save as template"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from exercises.models import Exercise
from therapy.models import Side

_SMALL = {"class": "num", "inputmode": "numeric"}


class RoutineForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Home exercise programme")
    start_date = forms.DateField(
        label="Start date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    template_name = forms.CharField(
        label="Also save as a template for my clinic, named",
        max_length=200,
        required=False,
        help_text="Leave empty to save only this routine.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate()


class RoutineRowForm(forms.Form):
    """One exercise with its dose. ``id`` names the current item it edits (empty: a new one)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    exercise = forms.ModelChoiceField(
        queryset=Exercise.objects.none(), to_field_name="slug", empty_label="Choose an exercise"
    )
    sets = forms.IntegerField(
        min_value=1, max_value=50, initial=1, widget=forms.NumberInput(_SMALL)
    )
    reps = forms.IntegerField(
        min_value=1, max_value=500, required=False, widget=forms.NumberInput(_SMALL)
    )
    hold_seconds = forms.IntegerField(
        label="Hold (s)",
        min_value=1,
        max_value=3600,
        required=False,
        widget=forms.NumberInput(_SMALL),
    )
    per_week = forms.IntegerField(
        label="Per week", min_value=1, max_value=21, initial=3, widget=forms.NumberInput(_SMALL)
    )
    side = forms.ChoiceField(choices=Side.choices, initial=Side.BOTH)
    rest_seconds = forms.IntegerField(
        label="Rest (s)",
        min_value=0,
        max_value=900,
        required=False,
        widget=forms.NumberInput(_SMALL),
    )
    notes = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, exercises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if exercises is not None:
            self.fields["exercise"].queryset = exercises

    def clean(self):
        data = super().clean()
        exercise = data.get("exercise")
        if exercise is not None and exercise.protocol == "hold_balance":
            if not data.get("hold_seconds") and "hold_seconds" not in self.errors:
                self.add_error("hold_seconds", "A balance hold needs a hold time in seconds.")
        return data

    def item(self) -> dict[str, Any]:
        keys = ("id", "exercise", "sets", "reps", "hold_seconds", "per_week", "side")
        data = self.cleaned_data
        return {k: data.get(k) for k in keys} | {
            "rest_seconds": data.get("rest_seconds"),
            "notes": data.get("notes") or "",
        }


class BaseRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, exercises=None, **kwargs):
        self.exercises = exercises
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "exercises": self.exercises}

    def items(self) -> list[dict[str, Any]]:
        """The rows to keep, in the order asked for (removed and untouched empty rows left out)."""
        return [form.item() for form in self.ordered_forms]


RoutineRowFormSet = formset_factory(
    RoutineRowForm, formset=BaseRowFormSet, extra=1, can_order=True, can_delete=True
)


def row_initial(row, *, keep_id: bool) -> dict[str, Any]:
    """Initial data of a row from a RoutineItem (``keep_id``) or a RoutineTemplateItem."""
    return {
        "id": row.pk if keep_id else None,
        "exercise": row.exercise.slug,
        "sets": row.sets,
        "reps": row.reps,
        "hold_seconds": row.hold_seconds,
        "per_week": row.per_week,
        "side": row.side,
        "rest_seconds": row.rest_seconds,
        "notes": row.notes,
    }
