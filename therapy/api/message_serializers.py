"""Messages in the API: input (validation only) and output (shape only)."""

from __future__ import annotations

from rest_framework import serializers

from therapy.api.serializers import StrictInput
from therapy.models import Message
from therapy.services.messages import MAX_MESSAGE_LENGTH


class MessageIn(StrictInput):
    text = serializers.CharField(max_length=MAX_MESSAGE_LENGTH)
    session = serializers.IntegerField(
        required=False, allow_null=True, help_text="The session this message is about."
    )


class MessageOut(serializers.ModelSerializer):
    author = serializers.IntegerField(source="author_id", allow_null=True)
    author_name = serializers.SerializerMethodField()
    from_patient = serializers.SerializerMethodField(
        help_text="True when the patient wrote it, false for their therapist."
    )
    session = serializers.IntegerField(source="session_id", allow_null=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "patient",
            "author",
            "author_name",
            "from_patient",
            "session",
            "text",
            "created_at",
            "read_at",
        ]

    def get_author_name(self, obj: Message) -> str:
        author = obj.author
        return (author.get_full_name() or author.username) if author is not None else ""

    def get_from_patient(self, obj: Message) -> bool:
        return obj.author_id == obj.patient_id
