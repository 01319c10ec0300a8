"""The therapist's routine builder: create a routine, add, change or remove an exercise, end it.
Every change goes through a routine service, which keeps the history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from exercises.selectors import exercise_list_for_user
from therapy.audit import AuditAction
from therapy.audit import audit_request as _audit
from therapy.models import Routine
from therapy.permissions import get_or_404
from therapy.selectors.routine_templates import routine_template_get, routine_template_list
from therapy.selectors.routines import routine_item_current, routine_items_removed
from therapy.services import routines as routine_services
from therapy.services.routine_templates import routine_template_create
from therapy.web.access import own_patient, own_routine, therapist_required
from therapy.web.forms import DoseForm, ItemAddForm, RoutineCreateForm
from therapy.web.routine_forms import RoutineForm, RoutineRowFormSet, row_initial
from therapy.web.views.common import error_text, form_errors


@therapist_required
@require_POST
def routine_create(request, pk: int):
    patient = own_patient(request, pk)
    form = RoutineCreateForm(
        request.POST, exercises=exercise_list_for_user(user=request.user), prefix="new"
    )
    if not form.is_valid():
        messages.error(request, f"The routine was not created. {form_errors(form)}")
    else:
        try:
            routine_services.routine_create(
                therapist=request.user,
                patient=patient,
                title=form.cleaned_data["title"],
                start_date=form.cleaned_data.get("start_date"),
                items=[{"exercise": form.cleaned_data["exercise"], **form.dose()}],
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            _audit(request, AuditAction.CREATE, "routine", patient)
            messages.success(request, f"Routine “{form.cleaned_data['title']}” created.")
    return redirect("therapist-patient", pk=patient.pk)


def _routine_change(
    request, routine: Routine, done: str, change: Callable[..., Routine], **changes: Any
) -> None:
    """Apply a routine service (history kept by it), audit the change, tell the user."""
    try:
        change(routine=routine, changed_by=request.user, **changes)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        _audit(request, AuditAction.UPDATE, "routine", routine.patient_id, routine.pk)
        messages.success(request, done)


@therapist_required
@require_POST
def routine_item_add(request, pk: int):
    routine = own_routine(request, pk)
    form = ItemAddForm(
        request.POST, exercises=exercise_list_for_user(user=request.user), prefix=f"add-{pk}"
    )
    if not form.is_valid():
        messages.error(request, f"Nothing was added. {form_errors(form)}")
    else:
        exercise = form.cleaned_data["exercise"]
        _routine_change(
            request,
            routine,
            f"{exercise.name} added.",
            routine_services.routine_item_add,
            exercise=exercise,
            dose=form.dose(),
        )
    return redirect("therapist-patient", pk=routine.patient_id)


@therapist_required
@require_POST
def routine_item_edit(request, pk: int, item_id: int):
    routine = own_routine(request, pk)
    item = get_or_404(routine_item_current(routine=routine, item_id=item_id))
    form = DoseForm(request.POST, prefix=f"item-{item_id}")
    if request.POST.get("action") == "remove":
        _routine_change(
            request,
            routine,
            f"{item.exercise.name} removed.",
            routine_services.routine_item_remove,
            item_id=item.pk,
        )
    elif form.is_valid():
        _routine_change(
            request,
            routine,
            f"{item.exercise.name}: dose saved.",
            routine_services.routine_item_update,
            item_id=item.pk,
            dose=form.dose(),
        )
    else:
        messages.error(request, f"Not saved. {form_errors(form)}")
    return redirect("therapist-patient", pk=routine.patient_id)


@therapist_required
def routine_end(request, pk: int):
    """GET: the confirm step (works without JavaScript); POST: end the routine today."""
    routine = own_routine(request, pk)
    if request.method == "GET":
        return render(request, "therapist/routine_end.html", {"routine": routine})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    _routine_change(
        request, routine, f"Routine “{routine.title}” ended today.", routine_services.routine_end
    )
    return redirect("therapist-patient", pk=routine.patient_id)


@therapist_required
@require_POST
def routine_reopen(request, pk: int):
    """Undo ending a routine."""
    routine = own_routine(request, pk)
    _routine_change(
        request, routine, f"Routine “{routine.title}” runs again.", routine_services.routine_reopen
    )
    return redirect("therapist-patient", pk=routine.patient_id)


def _patient_routine(request, pk: int, routine_pk: int | None) -> tuple[Any, Routine | None]:
    patient = own_patient(request, pk)
    if routine_pk is None:
        return patient, None
    routine = own_routine(request, routine_pk)
    if routine.patient_id != patient.pk:
        raise Http404
    return patient, routine


def _catalog_json(exercises) -> list[dict[str, Any]]:
    return [
        {
            "slug": e.slug,
            "name": e.name,
            "body_part": (e.base.body_part if e.base_id else e.body_part) or "",
            "protocol": e.protocol,
            "sets": e.default_sets,
            "reps": e.default_reps,
            "hold_seconds": e.default_hold_seconds,
        }
        for e in exercises
    ]


@therapist_required
def routine_builder(request, pk: int, routine_pk: int | None = None):
    """One form for a whole routine: rows of exercises with their dose, one Save."""
    patient, routine = _patient_routine(request, pk, routine_pk)
    exercises = exercise_list_for_user(user=request.user)
    templates = list(routine_template_list(user=request.user))
    if request.method == "POST":
        form = RoutineForm(request.POST)
        rows = RoutineRowFormSet(request.POST, exercises=exercises, prefix="rows")
        if form.is_valid() and rows.is_valid():
            before = {i.pk for i in routine.current_items} if routine else set()
            items = rows.items()
            try:
                with transaction.atomic():
                    saved = routine_services.routine_save(
                        routine=routine,
                        patient=patient,
                        therapist=request.user,
                        title=form.cleaned_data["title"],
                        start_date=form.cleaned_data["start_date"],
                        items=items,
                    )
                    if form.cleaned_data["template_name"]:
                        routine_template_create(
                            created_by=request.user,
                            name=form.cleaned_data["template_name"],
                            items=items,
                        )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                action = AuditAction.UPDATE if routine else AuditAction.CREATE
                _audit(request, action, "routine", patient, saved.pk)
                messages.success(request, f"Routine “{saved.title}” saved.")
                url = reverse("routine-edit", args=[patient.pk, saved.pk])
                removed = sorted(before - {i["id"] for i in items if i.get("id")})
                if removed:
                    url += "?" + urlencode({"removed": ",".join(map(str, removed))})
                return redirect(url)
    elif request.method == "GET":
        template = None
        if request.GET.get("template", "").isdigit():
            template = routine_template_get(
                user=request.user, template_id=int(request.GET["template"])
            )
        if template is not None:
            initial = [row_initial(i, keep_id=False) for i in template.items.all()]
            title = template.name
        elif routine is not None:
            initial = [row_initial(i, keep_id=True) for i in routine.current_items]
            title = routine.title
        else:
            initial, title = [], None
        form_initial = {"title": title} if title else {}
        if routine is not None:
            form_initial["start_date"] = routine.start_date
        form = RoutineForm(initial=form_initial)
        rows = RoutineRowFormSet(initial=initial, exercises=exercises, prefix="rows")
        for number, row in enumerate(rows.forms[: len(initial)], start=1):
            row.fields["ORDER"].initial = number
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(
        request,
        "therapist/routine_builder.html",
        {
            "patient": patient,
            "routine": routine,
            "form": form,
            "rows": rows,
            "templates": templates,
            "removed": _removed_items(request, routine),
            "catalog": _catalog_json(exercises),
        },
        status=200 if request.method == "GET" else 400,
    )


def _removed_items(request, routine: Routine | None) -> list:
    """The items just removed (``?removed=1,2``) that can still be brought back."""
    ids = [int(x) for x in request.GET.get("removed", "").split(",") if x.isdigit()]
    if routine is None or not ids:
        return []
    return list(routine_items_removed(routine=routine, item_ids=ids))


@therapist_required
@require_POST
def routine_item_restore(request, pk: int, routine_pk: int, item_id: int):
    """Undo a removal: the exercise comes back with the same dose."""
    patient, routine = _patient_routine(request, pk, routine_pk)
    try:
        item = routine_services.routine_item_restore(
            routine=routine, changed_by=request.user, item_id=item_id
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        _audit(request, AuditAction.UPDATE, "routine", patient, routine.pk)
        messages.success(request, f"{item.exercise.name} is back in the routine.")
    return redirect("routine-edit", pk=patient.pk, routine_pk=routine.pk)
