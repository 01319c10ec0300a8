"""Accounts on the web pages: adding a patient by invitation, the patient accepting it (setting
their own password), and the password reset page with its limits. Password change and the rest
of the reset are Django's views (``therapy.web.urls``); a password change anywhere revokes the
user's API tokens (``therapy.signals``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from therapy.audit import AuditAction, audit_request
from therapy.reset_limits import reset_email_claim, reset_request_admit
from therapy.services.accounts import invite_accept, invite_get, invite_resend, patient_invite
from therapy.web.access import own_patient, therapist_required
from therapy.web.forms import InviteAcceptForm, PatientAddForm

RESET_THROTTLED = (
    "Too many password reset requests from your network. Nothing was sent; try again in an hour."
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page within the limits of ``therapy.reset_limits``: a client address over
    its requests of the window gets 429 and nothing is sent; a second request for one email
    address within a few minutes shows the same "check your email" page and sends nothing."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request, *args, **kwargs):
        if reset_request_admit(request=request):
            return super().post(request, *args, **kwargs)
        messages.error(request, RESET_THROTTLED)
        form = self.get_form_class()(initial={"email": request.POST.get("email", "")})
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(settings.PASSWORD_RESET_WINDOW_SECONDS)
        return response

    def form_valid(self, form):
        if reset_email_claim(email=form.cleaned_data["email"]):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


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
