"""The therapist's pages: the dashboard, a patient's page (with privacy mode),
a session review with notes, the CSV export and the progress report."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from exercises.selectors import exercise_list_for_user
from therapy.audit import AuditAction
from therapy.audit import audit_request as _audit
from therapy.permissions import get_or_404
from therapy.selectors.adherence import adherence_for_patient, week_start_of
from therapy.selectors.flags import patient_flags
from therapy.selectors.invites import invite_status
from therapy.selectors.messages import session_messages
from therapy.selectors.patients import patient_list
from therapy.selectors.reporting import (
    CSV_COLUMNS,
    dashboard_rows,
    export_rows,
)
from therapy.selectors.results import trends_for_patient
from therapy.selectors.routines import routine_list_for_user
from therapy.selectors.session_review import session_review
from therapy.selectors.sessions import (
    session_get_for_user,
    session_list_for_user,
    session_note_list,
)
from therapy.services.accounts import patient_details_set, patient_privacy_set
from therapy.services.messages import message_send
from therapy.services.sessions import session_note_create
from therapy.web.access import own_patient, therapist_required
from therapy.web.context import unread_for_request
from therapy.web.forms import (
    NoteForm,
    PatientAddForm,
    PatientDetailsForm,
    PrivacyForm,
)
from therapy.web.views.common import error_text, form_errors, session_context, with_count_trust
from therapy.web.views.figures import trend_measured, trend_series, trend_table
from therapy.web.views.review import RerecordForm


@therapist_required
@require_GET
def therapist_dashboard(request):
    patients = list(patient_list(therapist=request.user))
    rows = dashboard_rows(patients=patients)
    unread = unread_for_request(request)
    for row in rows:
        row.unread = unread.by_patient.get(row.patient.pk, 0)
    return render(
        request,
        "therapist/dashboard.html",
        {
            "rows": rows,
            "week_start": week_start_of(),
            "add_form": PatientAddForm(prefix="add"),
        },
    )


@therapist_required
@require_GET
def therapist_patient(request, pk: int):
    patient = own_patient(request, pk)
    _audit(request, AuditAction.VIEW, "patient", patient, patient.pk)
    exercises = exercise_list_for_user(user=request.user)
    routines = list(routine_list_for_user(user=request.user).filter(patient=patient))
    today = timezone.localdate()
    active = [r for r in routines if r.end_date is None or r.end_date > today]
    ended = [r for r in routines if r not in active]
    trends = trends_for_patient(patient=patient)
    by_slug = {e.slug: e for e in exercises.filter(slug__in=[t["slug"] for t in trends])}
    for trend in trends:  # the series and units of each chart, from the protocol registry
        exercise = by_slug.get(trend["slug"])
        trend.update(
            trend_series(exercise) if exercise else {"series": [], "y_title": "", "caption": ""}
        )
        trend["measured"] = trend_measured(trend)
        trend["trusted_points"] = sum(1 for p in trend["points"] if p["trusted"])
    return render(
        request,
        "therapist/patient.html",
        {
            "patient": patient,
            "active_routines": active,
            "ended_routines": ended,
            "today": today,
            "privacy_form": PrivacyForm(initial={"privacy_mode": patient.privacy_mode}),
            "details_form": PatientDetailsForm(
                initial={"date_of_birth": patient.date_of_birth, "sex": patient.sex}
            ),
            "trends": trends,
            "trend_views": [{"trend": t, "table": trend_table(t)} for t in trends],
            "sessions": with_count_trust(
                session_list_for_user(user=request.user).filter(patient=patient)[:100]
            ),
            "adherence": adherence_for_patient(patient=patient),
            "flags": patient_flags(patient=patient),
            "invite": invite_status(patient=patient),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@therapist_required
@require_POST
def patient_privacy(request, pk: int):
    patient = own_patient(request, pk)
    form = PrivacyForm(request.POST)
    if form.is_valid():
        patient_privacy_set(patient=patient, privacy_mode=form.cleaned_data["privacy_mode"])
        _audit(request, AuditAction.UPDATE, "patient_settings", patient, patient.pk)
        messages.success(
            request, f"Privacy mode {'on' if patient.privacy_mode else 'off'} for {patient}."
        )
    return redirect("therapist-patient", pk=patient.pk)


@therapist_required
@require_POST
def patient_details(request, pk: int):
    patient = own_patient(request, pk)
    form = PatientDetailsForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The details were not saved. {form_errors(form)}")
        return redirect("therapist-patient", pk=patient.pk)
    try:
        patient_details_set(patient=patient, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, f"The details were not saved. {error_text(exc)}")
        return redirect("therapist-patient", pk=patient.pk)
    _audit(request, AuditAction.UPDATE, "patient_details", patient, patient.pk)
    messages.success(request, "Details saved.")
    return redirect("therapist-patient", pk=patient.pk)


@therapist_required
@require_GET
def therapist_session(request, pk: int):
    session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
    _audit(request, AuditAction.VIEW, "session", session.patient, session.pk)
    context = session_context(session)
    context["notes"] = session_note_list(session=session)
    context["patient_messages"] = session_messages(session=session)
    context["note_form"] = NoteForm()
    context["patient"] = session.patient
    context.update(session_review(session=session))
    context["rerecord_form"] = RerecordForm()
    context["has_track"] = bool(context["result"] and context["result"].keypoint_track)
    context["review_config"] = {
        "trackUrl": reverse("api:session-track", args=[session.pk])
        if context["has_track"]
        else None,
        "clipUrl": reverse("session-clip", args=[session.pk]) if session.clip else None,
    }
    return render(request, "therapist/session.html", context)


@therapist_required
@require_POST
def session_note_add(request, pk: int):
    session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
    form = NoteForm(request.POST)
    if form.is_valid() and form.cleaned_data["audience"] == NoteForm.FOR_PATIENT:
        try:
            message_send(
                patient=session.patient,
                author=request.user,
                text=form.cleaned_data["text"],
                session=session,
            )
        except ValidationError as exc:
            messages.error(request, f"The note was not sent. {error_text(exc)}")
        else:
            _audit(request, AuditAction.CREATE, "message", session.patient, session.pk)
            messages.success(request, "Note sent to the patient.")
    elif form.is_valid():
        session_note_create(
            session=session,
            author=request.user,
            text=form.cleaned_data["text"],
            at_seconds=form.cleaned_data["at_seconds"],
        )
        _audit(request, AuditAction.CREATE, "session_note", session.patient, session.pk)
        messages.success(request, "Note saved.")
    else:
        messages.error(request, f"The note was not saved. {form_errors(form)}")
    return redirect(reverse("therapist-session", args=[session.pk]) + "#notes")


@therapist_required
@require_GET
def patient_export_csv(request, pk: int):
    patient = own_patient(request, pk)
    _audit(request, AuditAction.DOWNLOAD, "patient_export", patient, patient.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="therapose-{patient.username}-{stamp}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in export_rows(patient=patient):
        writer.writerow(["" if v is None else _csv_safe(v) for v in row])
    return response


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in free text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
