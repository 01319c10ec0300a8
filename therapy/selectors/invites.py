"""A patient's invitation to set their own password, as the therapist's patient page shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from therapy.models import PatientInvite, User


@dataclass(frozen=True)
class InviteStatus:
    state: str  # "sent", "accepted", "expired"
    sent_to: str
    sent_at: datetime
    expires_at: datetime
    used_at: datetime | None
    can_resend: bool


def invite_status(*, patient: User) -> InviteStatus | None:
    """The latest invite's state; None when the patient was never invited (an account made
    with a password, through the API)."""
    invite = PatientInvite.objects.filter(patient=patient).order_by("-created_at", "-id").first()
    if invite is None:
        return None
    if invite.used_at is not None:
        state = "accepted"
    elif invite.expires_at <= timezone.now():
        state = "expired"
    else:
        state = "sent"
    return InviteStatus(
        state=state,
        sent_to=invite.sent_to,
        sent_at=invite.created_at,
        expires_at=invite.expires_at,
        used_at=invite.used_at,
        can_resend=bool(patient.email) and not patient.has_usable_password(),
    )
