"""Forms of the web pages: validation only; the views hand clean data to services."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from exercises.models import Exercise
from therapy.models import Sex


class DoseForm(forms.Form):
    sets = forms.IntegerField(min_value=1, max_value=50, initial=1)
    reps = forms.IntegerField(
        min_value=1, max_value=500, required=False, help_text="Leave empty for a timed hold."
    )
    hold_seconds = forms.IntegerField(
        label="Hold (seconds)", min_value=1, max_value=3600, required=False
    )
    per_week = forms.IntegerField(label="Times per week", min_value=1, max_value=21, initial=3)
    notes = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def dose(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("sets", "reps", "hold_seconds", "per_week")} | {
            "notes": data.get("notes") or ""
        }


class ItemAddForm(DoseForm):
    exercise = forms.ModelChoiceField(queryset=Exercise.objects.none(), to_field_name="slug")
    field_order = ["exercise", "sets", "reps", "hold_seconds", "per_week", "notes"]

    def __init__(self, *args, exercises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if exercises is not None:
            self.fields["exercise"].queryset = exercises


class RoutineCreateForm(ItemAddForm):
    title = forms.CharField(max_length=200, initial="Home exercise programme")
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ["title", "start_date", *ItemAddForm.field_order]


class PatientDetailsForm(forms.Form):
    """Optional details the clinical tests' age and sex norms need."""

    date_of_birth = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(
        label="Sex (for age/sex norms)",
        choices=[("", "Not given"), *Sex.choices],
        required=False,
    )

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born is not None and not date(1900, 1, 1) <= born <= timezone.localdate():
            raise forms.ValidationError("Enter a date of birth between 1900 and today.")
        return born


class PatientAddForm(PatientDetailsForm):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    username = forms.CharField(max_length=150, label="Username (the patient signs in with it)")
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        min_length=8,
        label="First password (tell the patient; at least 8 characters)",
    )
    field_order = ["first_name", "last_name", "username", "password", "date_of_birth", "sex"]


class PrivacyForm(forms.Form):
    privacy_mode = forms.BooleanField(
        required=False,
        label="Privacy mode: send only the movement points computed on the device, never video",
    )


class FeedbackForm(forms.Form):
    pain_score = forms.TypedChoiceField(
        label="Pain during this exercise (0 = none, 10 = worst imaginable)",
        choices=[("", "—")] + [(str(i), str(i)) for i in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    at_seconds = forms.FloatField(
        label="Pinned to (seconds into the clip)", required=False, min_value=0, max_value=36000
    )
