"""Accounts on the web pages: adding a patient by invitation, the patient accepting it (setting
their own password). Password change and reset are Django's views (``therapy.web.urls``); a
password change anywhere revokes the user's API tokens (``therapy.signals``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from therapy.audit import AuditAction, audit_request
from therapy.services.accounts import invite_accept, invite_get, invite_resend, patient_invite
from therapy.web.access import own_patient, therapist_required
from therapy.web.forms import InviteAcceptForm, PatientAddForm


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: beside its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@therapist_required
@require_http_methods(["GET", "POST"])
def patient_add(request):
    form = PatientAddForm(request.POST or None, prefix="add")
    if request.method == "POST" and form.is_valid():
        try:
            patient = patient_invite(therapist=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            audit_request(request, AuditAction.CREATE, "patient", patient, patient.pk)
            messages.success(
                request,
                f"{patient.get_full_name()} added: an invitation to set a password was sent to "
                f"{patient.email}. Build their routine below.",
            )
            return redirect("therapist-patient", pk=patient.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "therapist/patient_add.html", {"form": form}, status=status)


@therapist_required
@require_POST
def patient_invite_resend(request, pk: int):
    patient = own_patient(request, pk)
    try:
        invite_resend(patient=patient, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"A new invitation was sent to {patient.email}.")
    return redirect("therapist-patient", pk=patient.pk)


@require_http_methods(["GET", "POST"])
def invite_accept_view(request, token: str):
    try:
        invite = invite_get(token=token)
    except ValidationError as exc:
        return render(
            request, "registration/invite_invalid.html", {"reason": exc.messages[0]}, status=410
        )
    form = InviteAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invite_accept(token=token, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # the link itself (used meanwhile)
                return render(
                    request,
                    "registration/invite_invalid.html",
                    {"reason": exc.messages[0]},
                    status=410,
                )
            _add_errors(form, exc)
        else:
            login(request, user)
            messages.success(request, "Your password is set. Welcome!")
            return redirect("patient-today")
    return render(
        request,
        "registration/invite_accept.html",
        {"form": form, "invited": invite.patient},
        status=400 if form.errors else 200,
    )
