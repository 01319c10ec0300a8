"""Actions on the therapist's session review: ask the patient to record it again."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from therapy.audit import AuditAction
from therapy.audit import audit_request as _audit
from therapy.permissions import get_or_404
from therapy.selectors.sessions import session_get_for_user
from therapy.services.messages import message_send
from therapy.web.access import therapist_required
from therapy.web.views.common import error_text


class RerecordForm(forms.Form):
    reason = forms.CharField(
        label="What to change (optional, the patient reads it)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def rerecord_text(*, exercise_name: str, date_text: str, reason: str) -> str:
    text = f"Please record “{exercise_name}” again (your session of {date_text})."
    return f"{text} {reason.strip()}" if reason.strip() else text


@therapist_required
@require_POST
def session_ask_rerecord(request, pk: int):
    session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
    form = RerecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The request was not sent: keep the text under 1000 characters.")
        return redirect("therapist-session", pk=session.pk)
    text = rerecord_text(
        exercise_name=session.routine_item.exercise.name,
        date_text=f"{timezone.localtime(session.created_at):%-d %b}",
        reason=form.cleaned_data["reason"],
    )
    try:
        message_send(patient=session.patient, author=request.user, text=text, session=session)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        _audit(request, AuditAction.CREATE, "message", session.patient, session.pk)
        messages.success(request, "Asked the patient to record it again.")
    return redirect("therapist-session", pk=session.pk)
