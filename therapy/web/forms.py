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
    """A new patient by name and email; they get a link to set their own password."""

    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    email = forms.EmailField(
        max_length=254, label="Email (the invitation to set a password goes there)"
    )
    diagnosis = forms.CharField(max_length=200, required=False, label="Diagnosis (optional)")
    field_order = ["first_name", "last_name", "email", "date_of_birth", "sex", "diagnosis"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].label = "Date of birth (optional)"
        self.fields["email"].widget.attrs.update(autocomplete="off", autocapitalize="none")


class InviteAcceptForm(forms.Form):
    """The invited patient's new password, twice (the service validates it)."""

    password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


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
    PRIVATE = "private"
    FOR_PATIENT = "patient"

    text = forms.CharField(label="Note", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    at_seconds = forms.FloatField(
        label="Pinned to (seconds into the clip)", required=False, min_value=0, max_value=36000
    )
    audience = forms.ChoiceField(
        label="Who sees it",
        choices=[(PRIVATE, "Private note (therapists only)"), (FOR_PATIENT, "For the patient")],
        initial=PRIVATE,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_audience(self) -> str:
        return self.cleaned_data.get("audience") or self.PRIVATE


class MessageForm(forms.Form):
    text = forms.CharField(
        label="Your message", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Set when the reply is written on a session's page: the message is about that session.
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)


# The zones offered in the patient's settings; the clinic's zone is the empty choice.
COMMON_TIME_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Warsaw",
    "Europe/Stockholm",
    "Europe/Helsinki",
    "Europe/Athens",
    "Europe/Istanbul",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/St_Johns",
    "America/Halifax",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "UTC",
)


class ReminderForm(forms.Form):
    reminders_enabled = forms.BooleanField(
        required=False, label="Send me an email on days when I have exercises to do"
    )
    reminder_hour = forms.TypedChoiceField(
        label="At what time",
        choices=[(str(h), f"{h:02d}:00") for h in range(24)],
        coerce=int,
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        choices=[("", "Same as my clinic"), *((z, z.replace("_", " ")) for z in COMMON_TIME_ZONES)],
    )

    def __init__(self, *args, current_zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if current_zone and current_zone not in COMMON_TIME_ZONES:  # set by the clinic's staff
            field = self.fields["time_zone"]
            field.choices = [*field.choices, (current_zone, current_zone.replace("_", " "))]
