"""Accounts, routines, exercise sessions and their results."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    """An IANA zone name that this system's zone database knows (``Europe/Berlin``)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValidationError(
            "%(value)s is not a known time zone (use an IANA name such as Europe/Berlin).",
            params={"value": value},
        ) from exc


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="IANA time zone name (Europe/Berlin): dates are shown and exported in it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    THERAPIST = "therapist", "Therapist"
    PATIENT = "patient", "Patient"
    STAFF = "staff", "Staff admin"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"


class User(AbstractUser):
    """One account table for all roles. A patient belongs to exactly one therapist."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    therapist = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patients",
        limit_choices_to={"role": Role.THERAPIST},
    )
    privacy_mode = models.BooleanField(
        default=False,
        help_text="Patients only: the exercise page sends the keypoint track computed on the "
        "device instead of the video; no video leaves the device. The patient or their "
        "therapist can switch it.",
    )
    date_of_birth = models.DateField(
        null=True, blank=True, help_text="Patients only: for the clinical tests' age norms."
    )
    sex = models.CharField(
        "Sex (for age/sex norms)",
        max_length=8,
        choices=Sex.choices,
        blank=True,
        help_text="Patients only: picks the reference values of the clinical tests.",
    )
    diagnosis = models.CharField(max_length=200, blank=True, help_text="Patients only; optional.")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="IANA zone for this person's reminders and dates; empty: the clinic's.",
    )
    reminders_enabled = models.BooleanField(
        default=True, help_text="Patients only: a daily email when an exercise is due."
    )
    reminder_hour = models.PositiveSmallIntegerField(
        default=18,
        validators=[MaxValueValidator(23)],
        help_text="Patients only: the local hour (0-23) the daily reminder is sent.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role=Role.PATIENT, therapist__isnull=False)
                | ~models.Q(role=Role.PATIENT) & models.Q(therapist__isnull=True),
                name="user_patient_has_therapist",
            )
        ]

    @property
    def is_therapist(self) -> bool:
        return self.role == Role.THERAPIST

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; it expires and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Token of {self.user} (expires {self.expires_at:%Y-%m-%d})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Routine(models.Model):
    """A patient's prescription. Items are never edited in place: see RoutineItem."""

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="routines")
    therapist = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="prescribed_routines"
    )
    title = models.CharField(max_length=200)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="routine_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.patient})"


class Side(models.TextChoices):
    BOTH = "both", "Both sides"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class RoutineItem(models.Model):
    """One prescribed exercise with its dose.

    A change to the dose retires this row (``retired_at``) and creates a new one pointing back
    through ``replaces``, so sessions keep the prescription they were performed against.
    """

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.PROTECT)
    sets = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    per_week = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(21)]
    )
    side = models.CharField(max_length=8, choices=Side.choices, default=Side.BOTH)
    rest_seconds = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Rest between sets."
    )
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.exercise} x{self.sets}"

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


class RoutineRevision(models.Model):
    """A snapshot of a routine after each change: who changed what, and when."""

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.routine} at {self.changed_at:%Y-%m-%d %H:%M}"


def _random_name(prefix: str, filename: str, default_suffix: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    if not suffix or len(suffix) > 6 or not suffix[1:].isalnum():
        suffix = default_suffix
    return f"{prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def clip_upload_to(instance: ExerciseSession, filename: str) -> str:
    return _random_name("clips", filename, ".mp4")


def track_upload_to(instance: models.Model, filename: str) -> str:
    return _random_name("tracks", filename, ".json")


class SessionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class SessionSource(models.TextChoices):
    CLIP = "clip", "Video clip"
    KEYPOINTS = "keypoints", "Keypoint track from the device"


class ExerciseSession(models.Model):
    """One performed routine item, uploaded as a clip or as a keypoint track."""

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    routine_item = models.ForeignKey(RoutineItem, on_delete=models.PROTECT, related_name="sessions")
    source = models.CharField(max_length=16, choices=SessionSource.choices)
    clip = models.FileField(upload_to=clip_upload_to, blank=True, max_length=255)
    clip_content_type = models.CharField(max_length=100, blank=True)
    uploaded_track = models.FileField(upload_to=track_upload_to, blank=True, max_length=255)
    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.QUEUED, db_index=True
    )
    error = models.TextField(blank=True, help_text="Why the analysis failed, for the patient.")
    pain_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    comment = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the analysis was last sent to the queue (the stuck-session sweep "
        "re-sends sessions queued or processing for too long).",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    upload_key = models.CharField(
        max_length=64,
        blank=True,
        help_text="The client's Idempotency-Key for this upload: a retry whose first answer was "
        "lost gets this session back instead of creating a second one.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_score__isnull=True) | models.Q(pain_score__lte=10),
                name="session_pain_score_0_10",
            ),
            models.UniqueConstraint(
                fields=["patient", "upload_key"],
                condition=~models.Q(upload_key=""),
                name="session_upload_key_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk} ({self.status})"


class SessionResult(models.Model):
    """What the engine measured. ``keypoint_track`` lets results be recomputed without the model.

    The JSON fields are the ``to_json()`` of the engine's typed result parts (:mod:`pose.result`):
    ``reps`` (``{}`` for a protocol without repetitions), ``balance``, ``quality`` (plus the
    clip's ``warnings``), ``summary``, ``video``; ``series`` gathers the per-frame series.
    """

    session = models.OneToOneField(ExerciseSession, on_delete=models.CASCADE, related_name="result")
    rep_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Repetitions counted; null when not measured: the clip could not be trusted, "
        "or the exercise has no repetitions (a balance hold). Never 0 for unknown.",
    )
    reps = models.JSONField(default=dict, help_text="Repetition table: count, items, partial.")
    balance = models.JSONField(null=True, blank=True)
    quality = models.JSONField(default=dict)
    summary = models.JSONField(
        default=dict,
        help_text="The engine's summary: the measure, whether it is trusted, and the "
        "protocol's figures (peak_angle, range_of_motion, score, hold_seconds...).",
    )
    primary_angle = models.CharField(max_length=64, blank=True)
    series = models.JSONField(default=dict, help_text="Timestamps and angle time series.")
    video = models.JSONField(null=True, blank=True)
    keypoint_track = models.FileField(upload_to=track_upload_to, blank=True, max_length=255)
    model = models.CharField(max_length=32, blank=True)
    engine_version = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Result of session {self.session_id}"


class SessionNote(models.Model):
    """A therapist's note on a session, optionally pinned to a moment of the clip."""

    session = models.ForeignKey(ExerciseSession, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    at_seconds = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Seconds from the start of the clip the note refers to (empty: the whole session).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at_seconds", "created_at", "id"]

    def __str__(self) -> str:
        return f"Note on session {self.session_id}"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    DOWNLOAD = "download", "Downloaded"


class AuditEvent(models.Model):
    """Who viewed or changed which patient's data or clips, and when. Append-only.

    Names are copied so that the record outlives the accounts it mentions.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    patient = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_trail"
    )
    patient_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    target = models.CharField(max_length=64, help_text="What was touched: session, clip, ...")
    target_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient", "-at"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '?'} {self.action} "
            f"{self.target} {self.target_id} of {self.patient_username or '?'}"
        )


class FlagNotice(models.Model):
    """One email sent to a therapist about one flag raised by one event. Never sent twice.

    ``event_key`` names the triggering event (``session:42``, ``week:2026-W48``); the unique
    constraint makes a second attempt for the same (patient, flag, event), even from a
    concurrent worker, fail at the insert instead of sending a second email.
    """

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="flag_notices")
    code = models.CharField(max_length=32)
    event_key = models.CharField(max_length=64)
    recipient = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="flag_notices_received"
    )
    severity = models.PositiveSmallIntegerField(
        default=2, help_text="1 information, 2 attention, 3 urgent (therapy.selectors.flags)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed = models.BooleanField(
        default=False, help_text="Not sendable (the therapist has no email address)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "code", "event_key"], name="flag_notice_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} for {self.patient_id} ({self.event_key})"


class PatientInvite(models.Model):
    """A single-use, expiring link that lets a new patient set their own password.

    Only the SHA-256 of the token is stored (as for ``ApiToken``); the token itself travels in
    the emailed link. ``used_at`` set: spent.
    """

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField()
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invites_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invite for {self.patient_id} ({self.sent_to})"


class Message(models.Model):
    """One message in the thread between a patient and their therapist (``patient`` names the
    thread). A therapist's note for the patient about a session is a message with ``session``.
    ``read_at`` is set when the other side opens the thread."""

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="messages_written"
    )
    session = models.ForeignKey(
        ExerciseSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["patient", "created_at"], name="message_thread_idx")]

    def __str__(self) -> str:
        return f"message {self.pk} in thread of {self.patient_id}"


class ReminderLog(models.Model):
    """The daily reminder sent to a patient on one local date: at most one a day (unique)."""

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminders")
    local_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "local_date"], name="reminder_once_per_day")
        ]

    def __str__(self) -> str:
        return f"reminder for {self.patient_id} on {self.local_date}"


class RoutineTemplate(models.Model):
    """A routine to start from ("Knee replacement, week 1"). ``clinic`` empty: built in,
    offered to every clinic."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="routine_templates"
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RoutineTemplateItem(models.Model):
    """One exercise with its dose in a template (the fields a ``RoutineItem`` copies)."""

    template = models.ForeignKey(RoutineTemplate, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.PROTECT)
    sets = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    per_week = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(21)]
    )
    side = models.CharField(max_length=8, choices=Side.choices, default=Side.BOTH)
    rest_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.template_id}: {self.exercise_id}"
