"""Server-rendered pages for patients and therapists.

Thin views: check who is asking (anonymous → login, wrong role → 403, someone else's object →
404), validate a form, call a service, render. Uploads and polling go through the REST API
(``/api/v1/sessions/``) with the browser's session and CSRF token.
"""

from __future__ import annotations

import csv
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises.selectors import exercise_list_for_user
from therapy import selectors, services, web_selectors
from therapy.audit import AuditAction
from therapy.audit import audit_request as _audit
from therapy.models import Routine, SessionNote, SessionStatus, User
from therapy.web_forms import (
    DoseForm,
    FeedbackForm,
    ItemAddForm,
    NoteForm,
    PatientAddForm,
    PrivacyForm,
    RoutineCreateForm,
)


def _role_required(role: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role != role:
                raise PermissionDenied(f"This page is for {role}s.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


therapist_required = _role_required("therapist")
patient_required = _role_required("patient")


def _or_404(obj):
    if obj is None:
        raise Http404
    return obj


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


@require_GET
def home(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if user.is_therapist:
        return redirect("therapist-dashboard")
    if user.is_patient:
        return redirect("patient-today")
    if user.is_staff:
        return redirect("admin:index")
    raise PermissionDenied("This account has no therapist or patient pages.")


# --- Patient pages -------------------------------------------------------------------------


@patient_required
@require_GET
def patient_today(request):
    return render(
        request,
        "patient/today.html",
        {
            "routines": web_selectors.todays_routine(patient=request.user),
            "week_start": selectors.week_start_of(),
            "recent": selectors.session_list_for_user(user=request.user)[:3],
        },
    )


def _live_config(item, user: User) -> dict[str, Any]:
    """What the exercise page's script needs: protocol parameters and endpoints."""
    exercise = item.exercise
    params = exercise.params or {}
    return {
        "routineItem": item.pk,
        "exercise": exercise.slug,
        "protocol": exercise.protocol,
        "cameraView": exercise.camera_view,
        "joint": params.get("joint"),
        "side": params.get("side", "both"),
        "direction": params.get("direction", "increase"),
        "enter": params.get("enter"),
        "exit": params.get("exit"),
        "minRange": params.get("min_range", 20),
        "needsWholeBody": bool(params.get("needs_whole_body"))
        or exercise.protocol == "hold_balance",
        "targetSeconds": params.get("target_seconds") or item.hold_seconds,
        "privacyMode": user.privacy_mode,
        "sessionsUrl": reverse("api:session-list"),
        "sessionUrlTemplate": reverse("api:session-detail", args=[0]).replace("/0/", "/{id}/"),
        "resultUrlTemplate": reverse("patient-session", args=[0]).replace("/0/", "/{id}/"),
        "modelUrl": "/static/vendor/models/movenet-lightning.json",
        "wasmPath": "/static/vendor/wasm/",
    }


@patient_required
@require_GET
def patient_exercise(request, item_id: int):
    item = _or_404(selectors.routine_item_for_patient(patient=request.user, item_id=item_id))
    if item.retired_at is not None:
        current = getattr(item, "replaced_by", None)
        if current is not None and current.retired_at is None:
            return redirect("patient-exercise", item_id=current.pk)
        raise Http404("This exercise is no longer prescribed.")
    sessions = selectors.session_list_for_user(user=request.user).filter(
        routine_item__routine=item.routine, routine_item__exercise=item.exercise
    )[:5]
    return render(
        request,
        "patient/exercise.html",
        {
            "item": item,
            "exercise": item.exercise,
            "live_config": _live_config(item, request.user),
            "recent": sessions,
            "feedback_form": FeedbackForm(),
        },
    )


@patient_required
@require_GET
def patient_history(request):
    sessions = selectors.session_list_for_user(user=request.user)[:200]
    rows = [
        {"session": s, "m": web_selectors.result_measures(web_selectors._result_of(s))}
        for s in sessions
    ]
    return render(request, "patient/history.html", {"rows": rows})


@patient_required
@require_http_methods(["GET", "POST"])
def patient_session(request, pk: int):
    session = _or_404(selectors.session_get_for_user(user=request.user, session_id=pk))
    form = FeedbackForm(
        request.POST or None,
        initial={"pain_score": session.pain_score, "comment": session.comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update_feedback(
                session=session,
                pain_score=form.cleaned_data["pain_score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "Thank you: your pain score and comment were saved.")
            return redirect("patient-session", pk=session.pk)
    return render(request, "patient/session.html", _session_context(session) | {"form": form})


@patient_required
@require_http_methods(["GET", "POST"])
def patient_settings(request):
    form = PrivacyForm(request.POST or None, initial={"privacy_mode": request.user.privacy_mode})
    if request.method == "POST" and form.is_valid():
        request.user.privacy_mode = form.cleaned_data["privacy_mode"]
        request.user.save(update_fields=["privacy_mode"])
        messages.success(
            request,
            "Privacy mode is on: no video will leave this device."
            if request.user.privacy_mode
            else "Privacy mode is off: your clips are uploaded for your therapist to review.",
        )
        return redirect("patient-settings")
    return render(request, "patient/settings.html", {"form": form})


# --- Shared: one session's result -----------------------------------------------------------


def _session_context(session) -> dict[str, Any]:
    result = web_selectors._result_of(session)
    exercise = session.routine_item.exercise
    series = None
    if result is not None:
        primary = result.primary_angle or (result.series or {}).get("primary_angle")
        angles = (result.series or {}).get("angles") or {}
        series = {
            "timestamps": (result.series or {}).get("timestamps") or [],
            "primary": primary,
            "label": web_selectors.measure_label(primary),
            "values": angles.get(primary) or [],
            "reps": (result.reps or {}).get("items") or [],
            "partial": (result.reps or {}).get("partial") or [],
            "thresholds": (result.reps or {}).get("thresholds"),
        }
    reps = (result.reps or {}) if result else {}
    return {
        "session": session,
        "exercise": exercise,
        "result": result,
        "m": web_selectors.result_measures(result),
        "rep_items": reps.get("items") or [],
        "rep_partial": reps.get("partial") if isinstance(reps.get("partial"), list) else [],
        "series": series,
        "norms": exercise.norms or [],
    }


# --- Therapist pages -----------------------------------------------------------------------


@therapist_required
@require_GET
def therapist_dashboard(request):
    patients = list(selectors.patient_list(therapist=request.user))
    return render(
        request,
        "therapist/dashboard.html",
        {
            "rows": web_selectors.dashboard_rows(patients=patients),
            "week_start": selectors.week_start_of(),
            "add_form": PatientAddForm(prefix="add"),
        },
    )


@therapist_required
@require_POST
def patient_add(request):
    form = PatientAddForm(request.POST, prefix="add")
    if not form.is_valid():
        messages.error(request, f"The patient was not added. {_form_errors(form)}")
        return redirect("therapist-dashboard")
    try:
        patient = services.patient_create(therapist=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, f"The patient was not added. {_error_text(exc)}")
        return redirect("therapist-dashboard")
    _audit(request, AuditAction.CREATE, "patient", patient, patient.pk)
    messages.success(request, f"{patient.get_full_name()} added: build their routine below.")
    return redirect("therapist-patient", pk=patient.pk)


def _own_patient(request, pk: int) -> User:
    return _or_404(selectors.patient_get(therapist=request.user, patient_id=pk))


def _own_routine(request, pk: int) -> Routine:
    routine = _or_404(selectors.routine_get_for_user(user=request.user, routine_id=pk))
    if routine.patient.therapist_id != request.user.pk:
        raise Http404
    return routine


@therapist_required
@require_GET
def therapist_patient(request, pk: int):
    patient = _own_patient(request, pk)
    _audit(request, AuditAction.VIEW, "patient", patient, patient.pk)
    exercises = exercise_list_for_user(user=request.user)
    routines = list(selectors.routine_list_for_user(user=request.user).filter(patient=patient))
    today = timezone.localdate()
    active = [r for r in routines if r.end_date is None or r.end_date >= today]
    ended = [r for r in routines if r not in active]
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
            "trends": web_selectors.trends_for_patient(patient=patient),
            "sessions": selectors.session_list_for_user(user=request.user).filter(
                patient=patient
            )[:100],
            "adherence": selectors.adherence_for_patient(patient=patient),
            "flags": web_selectors.patient_flags(patient=patient),
        },
    )


def _items_payload(routine: Routine) -> list[dict[str, Any]]:
    return [
        {
            "id": i.pk,
            "exercise": i.exercise,
            "sets": i.sets,
            "reps": i.reps,
            "hold_seconds": i.hold_seconds,
            "per_week": i.per_week,
            "notes": i.notes,
        }
        for i in routine.items.filter(retired_at=None).select_related("exercise")
    ]


def _form_errors(form) -> str:
    return " ".join(f"{form.fields[k].label or k}: {' '.join(v)}" if k in form.fields else
                    " ".join(v) for k, v in form.errors.items())


@therapist_required
@require_POST
def routine_create(request, pk: int):
    patient = _own_patient(request, pk)
    form = RoutineCreateForm(
        request.POST, exercises=exercise_list_for_user(user=request.user), prefix="new"
    )
    if not form.is_valid():
        messages.error(request, f"The routine was not created. {_form_errors(form)}")
    else:
        try:
            services.routine_create(
                therapist=request.user,
                patient=patient,
                title=form.cleaned_data["title"],
                start_date=form.cleaned_data.get("start_date"),
                items=[{"exercise": form.cleaned_data["exercise"], **form.dose()}],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            _audit(request, AuditAction.CREATE, "routine", patient)
            messages.success(request, f"Routine “{form.cleaned_data['title']}” created.")
    return redirect("therapist-patient", pk=patient.pk)


def _routine_change(request, routine: Routine, done: str, **changes: Any) -> None:
    """Apply a change to a routine (history kept by the service), audit it, tell the user."""
    try:
        services.routine_update(routine=routine, changed_by=request.user, **changes)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        _audit(request, AuditAction.UPDATE, "routine", routine.patient_id, routine.pk)
        messages.success(request, done)


@therapist_required
@require_POST
def routine_item_add(request, pk: int):
    routine = _own_routine(request, pk)
    form = ItemAddForm(
        request.POST, exercises=exercise_list_for_user(user=request.user), prefix=f"add-{pk}"
    )
    if not form.is_valid():
        messages.error(request, f"Nothing was added. {_form_errors(form)}")
    else:
        items = _items_payload(routine) + [
            {"exercise": form.cleaned_data["exercise"], **form.dose()}
        ]
        _routine_change(request, routine, f"{form.cleaned_data['exercise'].name} added.",
                        items=items)
    return redirect("therapist-patient", pk=routine.patient_id)


@therapist_required
@require_POST
def routine_item_edit(request, pk: int, item_id: int):
    routine = _own_routine(request, pk)
    items = _items_payload(routine)
    entry = next((i for i in items if i["id"] == item_id), None)
    if entry is None:
        raise Http404
    form = DoseForm(request.POST, prefix=f"item-{item_id}")
    if request.POST.get("action") == "remove":
        if len(items) == 1:
            messages.error(request, "A routine needs at least one exercise: end it instead.")
            return redirect("therapist-patient", pk=routine.patient_id)
        items = [i for i in items if i["id"] != item_id]
        done = f"{entry['exercise'].name} removed."
    elif form.is_valid():
        entry.update(form.dose())
        done = f"{entry['exercise'].name}: dose saved."
    else:
        messages.error(request, f"Not saved. {_form_errors(form)}")
        return redirect("therapist-patient", pk=routine.patient_id)
    _routine_change(request, routine, done, items=items)
    return redirect("therapist-patient", pk=routine.patient_id)


@therapist_required
@require_POST
def routine_end(request, pk: int):
    routine = _own_routine(request, pk)
    _routine_change(request, routine, f"Routine “{routine.title}” ended today.",
                    end_date=timezone.localdate())
    return redirect("therapist-patient", pk=routine.patient_id)


@therapist_required
@require_POST
def patient_privacy(request, pk: int):
    patient = _own_patient(request, pk)
    form = PrivacyForm(request.POST)
    if form.is_valid():
        patient.privacy_mode = form.cleaned_data["privacy_mode"]
        patient.save(update_fields=["privacy_mode"])
        _audit(request, AuditAction.UPDATE, "patient_settings", patient, patient.pk)
        messages.success(
            request, f"Privacy mode {'on' if patient.privacy_mode else 'off'} for {patient}."
        )
    return redirect("therapist-patient", pk=patient.pk)


@therapist_required
@require_GET
def therapist_session(request, pk: int):
    session = _or_404(selectors.session_get_for_user(user=request.user, session_id=pk))
    _audit(request, AuditAction.VIEW, "session", session.patient, session.pk)
    context = _session_context(session)
    context["notes"] = session.notes.select_related("author")
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
    session = _or_404(selectors.session_get_for_user(user=request.user, session_id=pk))
    form = NoteForm(request.POST)
    if form.is_valid():
        SessionNote.objects.create(
            session=session,
            author=request.user,
            text=form.cleaned_data["text"],
            at_seconds=form.cleaned_data["at_seconds"],
        )
        _audit(request, AuditAction.CREATE, "session_note", session.patient, session.pk)
        messages.success(request, "Note saved.")
    else:
        messages.error(request, f"The note was not saved. {_form_errors(form)}")
    return redirect(reverse("therapist-session", args=[session.pk]) + "#notes")


@therapist_required
@require_GET
def patient_export_csv(request, pk: int):
    patient = _own_patient(request, pk)
    _audit(request, AuditAction.DOWNLOAD, "patient_export", patient, patient.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="therapose-{patient.username}-{stamp}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(web_selectors.CSV_COLUMNS)
    for row in web_selectors.export_rows(patient=patient):
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
    patient = _own_patient(request, pk)
    _audit(request, AuditAction.VIEW, "patient_report", patient, patient.pk)
    return render(
        request,
        "therapist/report.html",
        {
            "patient": patient,
            "summary": web_selectors.report_summary(patient=patient),
            "adherence_history": selectors.adherence_history(patient=patient, weeks=8),
            "routines": selectors.routine_list_for_user(user=request.user).filter(
                patient=patient
            ),
            "sessions": selectors.session_list_for_user(user=request.user)
            .filter(patient=patient)
            .filter(status=SessionStatus.DONE)[:50],
            "generated_at": timezone.now(),
        },
    )
