"""The therapist's pages: the dashboard, adding a patient, a patient's page (with privacy mode),
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
from therapy.models import SessionStatus
from therapy.permissions import get_or_404
from therapy.selectors.adherence import adherence_for_patient, adherence_history, week_start_of
from therapy.selectors.flags import patient_flags
from therapy.selectors.patients import patient_list
from therapy.selectors.reporting import (
    CSV_COLUMNS,
    dashboard_rows,
    export_rows,
    report_summary,
)
from therapy.selectors.results import trends_for_patient
from therapy.selectors.routines import routine_list_for_user
from therapy.selectors.sessions import (
    session_get_for_user,
    session_list_for_user,
    session_note_list,
)
from therapy.services.accounts import patient_create, patient_details_set, patient_privacy_set
from therapy.services.sessions import session_note_create
from therapy.web.access import own_patient, therapist_required
from therapy.web.forms import (
    DoseForm,
    ItemAddForm,
    NoteForm,
    PatientAddForm,
    PatientDetailsForm,
    PrivacyForm,
    RoutineCreateForm,
)
from therapy.web.views.common import error_text, form_errors, session_context, with_count_trust
from therapy.web.views.figures import trend_measured, trend_series, trend_table


@therapist_required
@require_GET
def therapist_dashboard(request):
    patients = list(patient_list(therapist=request.user))
    return render(
        request,
        "therapist/dashboard.html",
        {
            "rows": dashboard_rows(patients=patients),
            "week_start": week_start_of(),
            "add_form": PatientAddForm(prefix="add"),
        },
    )


@therapist_required
@require_POST
def patient_add(request):
    form = PatientAddForm(request.POST, prefix="add")
    if not form.is_valid():
        messages.error(request, f"The patient was not added. {form_errors(form)}")
        return redirect("therapist-dashboard")
    try:
        patient = patient_create(therapist=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, f"The patient was not added. {error_text(exc)}")
        return redirect("therapist-dashboard")
    _audit(request, AuditAction.CREATE, "patient", patient, patient.pk)
    messages.success(request, f"{patient.get_full_name()} added: build their routine below.")
    return redirect("therapist-patient", pk=patient.pk)


@therapist_required
@require_GET
def therapist_patient(request, pk: int):
    patient = own_patient(request, pk)
    _audit(request, AuditAction.VIEW, "patient", patient, patient.pk)
    exercises = exercise_list_for_user(user=request.user)
    routines = list(routine_list_for_user(user=request.user).filter(patient=patient))
    today = timezone.localdate()
    active = [r for r in routines if r.end_date is None or r.end_date >= today]
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
    for routine in active:
        routine.add_form = ItemAddForm(exercises=exercises, prefix=f"add-{routine.pk}")
        routine.item_forms = [
            (
                item,
                DoseForm(
                    prefix=f"item-{item.pk}",
                    initial={
                        "sets": item.sets,
                        "reps": item.reps,
                        "hold_seconds": item.hold_seconds,
                        "per_week": item.per_week,
                        "notes": item.notes,
                    },
                ),
            )
            for item in routine.current_items
        ]
    return render(
        request,
        "therapist/patient.html",
        {
            "patient": patient,
            "active_routines": active,
            "ended_routines": ended,
            "create_form": RoutineCreateForm(exercises=exercises, prefix="new"),
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
    context["note_form"] = NoteForm()
    context["patient"] = session.patient
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
    if form.is_valid():
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


@therapist_required
@require_GET
def patient_report(request, pk: int):
    patient = own_patient(request, pk)
    _audit(request, AuditAction.VIEW, "patient_report", patient, patient.pk)
    return render(
        request,
        "therapist/report.html",
        {
            "patient": patient,
            "summary": report_summary(patient=patient),
            "adherence_history": adherence_history(patient=patient, weeks=8),
            "routines": routine_list_for_user(user=request.user).filter(patient=patient),
            "sessions": with_count_trust(
                session_list_for_user(user=request.user)
                .filter(patient=patient)
                .filter(status=SessionStatus.DONE)[:50]
            ),
            "generated_at": timezone.now(),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )
