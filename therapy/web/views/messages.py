"""The message threads: the patient's with their therapist, and the therapist's view of one
patient's thread. Opening a thread marks the other side's messages read."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from therapy.audit import AuditAction
from therapy.audit import audit_request as _audit
from therapy.models import ExerciseSession, User
from therapy.permissions import get_or_404
from therapy.selectors.messages import thread_for
from therapy.selectors.sessions import session_get_for_user
from therapy.services.messages import message_send, thread_mark_read
from therapy.web.access import own_patient, patient_required, therapist_required
from therapy.web.forms import MessageForm
from therapy.web.views.common import error_text, form_errors


def _thread_page(request, *, patient: User, template: str, back: str):
    """GET: the thread (marking the other side's messages read); POST: a reply."""
    if request.method == "POST":
        form = MessageForm(request.POST)
        if not form.is_valid():
            flash.error(request, f"Your message was not sent. {form_errors(form)}")
        else:
            session = _session_or_none(request, patient, form.cleaned_data["session"])
            try:
                message_send(
                    patient=patient,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    session=session,
                )
            except ValidationError as exc:
                flash.error(request, f"Your message was not sent. {error_text(exc)}")
            else:
                _audit(request, AuditAction.CREATE, "message", patient, patient.pk)
                flash.success(request, "Message sent.")
                if session is not None and request.user.is_patient:
                    return redirect(reverse("patient-session", args=[session.pk]) + "#messages")
                return redirect(back)
    else:
        form = MessageForm()
    _audit(request, AuditAction.VIEW, "messages", patient, patient.pk)
    thread = list(thread_for(patient=patient))
    thread_mark_read(patient=patient, reader=request.user)
    return render(request, template, {"patient": patient, "thread": thread, "form": form})


def _session_or_none(request, patient: User, session_id: int | None) -> ExerciseSession | None:
    """The session a reply is about: one of this thread's patient's, in the user's scope."""
    if session_id is None:
        return None
    session = get_or_404(session_get_for_user(user=request.user, session_id=session_id))
    if session.patient_id != patient.pk:
        raise Http404
    return session


@patient_required
@require_http_methods(["GET", "POST"])
def patient_messages(request):
    return _thread_page(
        request,
        patient=request.user,
        template="patient/messages.html",
        back=reverse("patient-messages"),
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def therapist_messages(request, pk: int):
    patient = own_patient(request, pk)
    return _thread_page(
        request,
        patient=patient,
        template="therapist/messages.html",
        back=reverse("therapist-messages", args=[patient.pk]),
    )
