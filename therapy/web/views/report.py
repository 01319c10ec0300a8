"""The printable progress report: identifiers, routines, each exercise's chart beside its
table, adherence since the first routine started, recent sessions, and the therapist's
assessment (typed on the page before printing; shown on the report, never stored)."""

from __future__ import annotations

from django import forms
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone

from exercises.selectors import exercise_list_for_user
from therapy.audit import AuditAction
from therapy.audit import audit_request as _audit
from therapy.models import SessionStatus
from therapy.selectors.reporting import report_adherence, report_identifiers, report_summary
from therapy.selectors.routines import routine_list_for_user
from therapy.selectors.sessions import session_list_for_user
from therapy.web.access import own_patient, therapist_required
from therapy.web.views.common import with_count_trust
from therapy.web.views.figures import trend_measured, trend_series


class AssessmentForm(forms.Form):
    assessment = forms.CharField(
        label="Your assessment (printed on the report; not saved)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _with_chart_series(request, summary: list[dict]) -> list[dict]:
    """Each exercise's trend with the series and units of its chart (as on the patient page)."""
    slugs = [s["slug"] for s in summary]
    by_slug = {e.slug: e for e in exercise_list_for_user(user=request.user).filter(slug__in=slugs)}
    for entry in summary:
        exercise = by_slug.get(entry["slug"])
        entry.update(
            trend_series(exercise) if exercise else {"series": [], "y_title": "", "caption": ""}
        )
        entry["measured"] = trend_measured(entry)
    return summary


@therapist_required
def patient_report(request, pk: int):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    patient = own_patient(request, pk)
    _audit(request, AuditAction.VIEW, "patient_report", patient, patient.pk)
    form = AssessmentForm(request.POST if request.method == "POST" else None)
    assessment = form.cleaned_data["assessment"] if form.is_bound and form.is_valid() else ""
    summary = _with_chart_series(request, report_summary(patient=patient))
    return render(
        request,
        "therapist/report.html",
        {
            "patient": patient,
            "identifiers": report_identifiers(patient=patient),
            "summary": summary,
            "trends": summary,
            "adherence_history": report_adherence(patient=patient, weeks=8),
            "routines": routine_list_for_user(user=request.user).filter(patient=patient),
            "sessions": with_count_trust(
                session_list_for_user(user=request.user)
                .filter(patient=patient)
                .filter(status=SessionStatus.DONE)[:50]
            ),
            "assessment_form": form,
            "assessment": assessment,
            "generated_at": timezone.now(),
            "time_zone": timezone.get_current_timezone_name(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
