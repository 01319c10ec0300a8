"""Small input serializers (validation only) and output serializers (shape only)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from exercises.models import CameraView, Exercise
from therapy.models import (
    ExerciseSession,
    Routine,
    RoutineItem,
    SessionResult,
    SessionStatus,
    Sex,
    User,
)
from therapy.selectors.results import result_outcome


class StrictInput(serializers.Serializer):
    """An input serializer that refuses fields it does not know (a typo such as
    ``pain_scor`` must not be silently dropped from a patient's record)."""

    # Sent by HTML forms alongside the data; not a field of ours.
    ignored_fields = frozenset({"csrfmiddlewaretoken"})

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields) - self.ignored_fields)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


# --- Auth ----------------------------------------------------------------------------------


class TokenIn(StrictInput):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


# --- Exercises -----------------------------------------------------------------------------


class DoseOut(serializers.Serializer):
    sets = serializers.IntegerField()
    reps = serializers.IntegerField(allow_null=True)
    hold_seconds = serializers.IntegerField(allow_null=True)


class ExerciseOut(serializers.ModelSerializer):
    default_dose = serializers.SerializerMethodField()
    base = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Exercise
        fields = [
            "slug",
            "name",
            "protocol",
            "camera_view",
            "instructions",
            "params",
            "primary_measure",
            "measures",
            "norms",
            "default_dose",
            "is_builtin",
            "base",
        ]

    @extend_schema_field(DoseOut)
    def get_default_dose(self, obj: Exercise) -> dict:
        return {
            "sets": obj.default_sets,
            "reps": obj.default_reps,
            "hold_seconds": obj.default_hold_seconds,
        }


class ExerciseIn(StrictInput):
    base = serializers.SlugField(help_text="Slug of the built-in exercise whose protocol to reuse.")
    name = serializers.CharField(max_length=120)
    instructions = serializers.CharField(required=False, allow_blank=True, default="")
    camera_view = serializers.ChoiceField(choices=CameraView.choices, required=False)
    params = serializers.DictField(required=False, default=dict)
    default_sets = serializers.IntegerField(min_value=1, max_value=50, required=False)
    default_reps = serializers.IntegerField(min_value=1, max_value=500, required=False)
    default_hold_seconds = serializers.IntegerField(min_value=1, max_value=3600, required=False)


# --- Patients and adherence ----------------------------------------------------------------


class AdherenceItemOut(serializers.Serializer):
    exercise = serializers.CharField()
    prescribed = serializers.IntegerField()
    done = serializers.IntegerField()


class AdherenceOut(serializers.Serializer):
    week_start = serializers.DateField()
    prescribed = serializers.IntegerField(help_text="Sessions prescribed this week.")
    done = serializers.IntegerField(help_text="Sessions done this week (capped per exercise).")
    ratio = serializers.FloatField(allow_null=True)
    items = AdherenceItemOut(many=True)


class PatientIn(StrictInput):
    """A new patient by name and email: they are emailed a single-use link to choose their own
    password (the therapist never knows it). Their username is made from the email address."""

    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(
        max_length=254, help_text="Where the invitation to set a password is sent; unique."
    )
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="For the clinical tests' norms."
    )
    sex = serializers.ChoiceField(
        choices=Sex.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="For the clinical tests' age/sex norms; null when not given.",
    )
    diagnosis = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_date_of_birth(self, born):
        if born is not None and not date(1900, 1, 1) <= born <= timezone.localdate():
            raise serializers.ValidationError("Enter a date of birth between 1900 and today.")
        return born

    def validate_sex(self, sex: str | None) -> str:
        return sex or ""  # stored blank when not given


class InviteOut(serializers.Serializer):
    """An invitation just emailed; earlier links of the patient no longer work."""

    sent_to = serializers.EmailField()
    expires_at = serializers.DateTimeField()


class PatientOut(serializers.ModelSerializer):
    adherence = serializers.SerializerMethodField()
    sex = serializers.SerializerMethodField(
        help_text="For the clinical tests' age/sex norms; null when not given."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "date_of_birth",
            "sex",
            "adherence",
        ]
        read_only_fields = ["date_of_birth"]

    @extend_schema_field(serializers.ChoiceField(choices=Sex.choices, allow_null=True))
    def get_sex(self, obj: User) -> str | None:
        return obj.sex or None

    @extend_schema_field(AdherenceOut(allow_null=True))
    def get_adherence(self, obj: User):
        data = self.context.get("adherence", {}).get(obj.pk)
        return AdherenceOut(data).data if data is not None else None


# --- Routines ------------------------------------------------------------------------------


class RoutineItemIn(StrictInput):
    id = serializers.IntegerField(required=False, help_text="Keep (or change) this current item.")
    exercise = serializers.SlugField()
    sets = serializers.IntegerField(min_value=1, max_value=50, required=False)
    reps = serializers.IntegerField(min_value=1, max_value=500, required=False, allow_null=True)
    hold_seconds = serializers.IntegerField(
        min_value=1, max_value=3600, required=False, allow_null=True
    )
    per_week = serializers.IntegerField(min_value=1, max_value=21, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RoutineIn(StrictInput):
    patient = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    items = RoutineItemIn(many=True, allow_empty=False)

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": "The end date is before the start."})
        return attrs


class RoutineUpdateIn(StrictInput):
    title = serializers.CharField(max_length=200, required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    items = RoutineItemIn(many=True, required=False, allow_empty=False)


class RoutineItemOut(serializers.ModelSerializer):
    exercise = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)

    class Meta:
        model = RoutineItem
        fields = [
            "id",
            "exercise",
            "exercise_name",
            "sets",
            "reps",
            "hold_seconds",
            "per_week",
            "notes",
            "created_at",
        ]


class RoutineOut(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Routine
        fields = [
            "id",
            "patient",
            "therapist",
            "title",
            "start_date",
            "end_date",
            "items",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(RoutineItemOut(many=True))
    def get_items(self, obj: Routine):
        items = getattr(obj, "current_items", None)
        if items is None:
            items = obj.items.filter(retired_at=None).select_related("exercise")
        return RoutineItemOut(items, many=True).data


class RoutineRevisionOut(serializers.Serializer):
    changed_at = serializers.DateTimeField()
    changed_by = serializers.CharField(source="changed_by.username", allow_null=True, default=None)
    snapshot = serializers.JSONField()


# --- Sessions ------------------------------------------------------------------------------


class SessionClipIn(StrictInput):
    routine_item = serializers.IntegerField()
    clip = serializers.FileField(allow_empty_file=True, use_url=False)
    pain_score = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class SessionTrackIn(StrictInput):
    routine_item = serializers.IntegerField()
    keypoints = serializers.JSONField(
        help_text="A keypoint track as in the engine result: video{width,height}, timestamps, "
        "keypoints (frames x 17 x [x, y, score])."
    )
    pain_score = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def validate_keypoints(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected a JSON object (the engine's result shape).")
        return value


class SessionFeedbackIn(StrictInput):
    pain_score = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class MeasureTrustOut(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=["ok", "check", "unreliable"],
        help_text="ok: shown as it is; check: shown, weigh the reasons; unreliable: withheld "
        "(its figures are null).",
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Sentences for the patient and the therapist."
    )


@extend_schema_serializer(deprecate_fields=["angles_summary"])
class ResultOut(serializers.ModelSerializer):
    """A session's result: the engine's parts as it returned them (``reps``, ``balance``,
    ``quality``, ``summary``, ``video``), with ``rep_count`` null when not measured, and
    ``trust`` (a copy of ``quality.trust``) beside them."""

    trust = serializers.SerializerMethodField(
        help_text="How far each measure can be trusted, by measure name (repetitions: count, "
        "range, tempo; balance holds: hold, score, sway): {level, reasons}. Only unreliable "
        "measures are withheld (their figures are null); check measures are shown with their "
        "reasons. Empty for results stored before measures were graded: use quality.trusted "
        "and quality.problems then. Same as quality.trust."
    )

    outcome = serializers.SerializerMethodField(
        help_text="A standard clinical test's outcome (null for other exercises): test, "
        "seconds or count or degrees (absent when not measured), completed, norm (the age/sex "
        "band used, or the whole table with a note when the patient's age/sex are not known; "
        "cut-off and sources), interpretation (a plain sentence), phases (Timed Up and Go "
        "phases, four-stage balance stages)."
    )

    # Renamed to ``summary``; kept for one release so that clients can move.
    angles_summary = serializers.JSONField(
        source="summary",
        read_only=True,
        help_text="Deprecated alias of summary; removed in the next release.",
    )

    class Meta:
        model = SessionResult
        fields = [
            "rep_count",
            "reps",
            "balance",
            "quality",
            "summary",
            "angles_summary",
            "primary_angle",
            "video",
            "model",
            "engine_version",
            "updated_at",
            "trust",
            "outcome",
        ]

    @extend_schema_field(serializers.DictField(child=MeasureTrustOut()))
    def get_trust(self, obj: SessionResult) -> dict:
        return (obj.quality or {}).get("trust") or {}

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_outcome(self, obj: SessionResult) -> dict | None:
        return result_outcome(obj)


class SessionLinksOut(serializers.Serializer):
    series = serializers.URLField(allow_null=True)
    track = serializers.URLField(allow_null=True)
    clip = serializers.URLField(allow_null=True)


class SessionOut(serializers.ModelSerializer):
    exercise = serializers.CharField(source="routine_item.exercise.slug", read_only=True)
    result = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = ExerciseSession
        fields = [
            "id",
            "patient",
            "routine_item",
            "exercise",
            "source",
            "status",
            "error",
            "pain_score",
            "comment",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "result",
            "links",
        ]

    @extend_schema_field(ResultOut(allow_null=True))
    def get_result(self, obj: ExerciseSession):
        result = getattr(obj, "result", None) if obj.status == SessionStatus.DONE else None
        return ResultOut(result).data if result is not None else None

    @extend_schema_field(SessionLinksOut)
    def get_links(self, obj: ExerciseSession) -> dict:
        request = self.context.get("request")

        def url(name: str) -> str:
            path = reverse(name, args=[obj.pk])
            return request.build_absolute_uri(path) if request else path

        done = obj.status == SessionStatus.DONE
        return {
            "series": url("api:session-series") if done else None,
            "track": url("api:session-track") if done else None,
            "clip": url("api:session-clip") if obj.clip else None,
        }


class SeriesOut(serializers.Serializer):
    timestamps = serializers.ListField(child=serializers.FloatField())
    primary_angle = serializers.CharField(allow_null=True)
    angles = serializers.JSONField(help_text="Angle name to a list of degrees (null = not seen).")
    pose_scores = serializers.JSONField(allow_null=True)
    heights = serializers.JSONField(allow_null=True, required=False)


class HealthOut(serializers.Serializer):
    status = serializers.CharField()
    database = serializers.BooleanField()
    broker = serializers.BooleanField()
