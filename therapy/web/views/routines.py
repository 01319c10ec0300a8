"""The therapist's routine builder: create a routine, add, change or remove an exercise, end it.
Every change goes through a routine service, which keeps the history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from exercises.selectors import exercise_list_for_user
from therapy.audit import AuditAction
from therapy.audit import audit_request as _audit
from therapy.models import Routine
from therapy.permissions import get_or_404
from therapy.selectors.routines import routine_item_current
from therapy.services import routines as routine_services
from therapy.web.access import own_patient, own_routine, therapist_required
from therapy.web.forms import DoseForm, ItemAddForm, RoutineCreateForm
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
@require_POST
def routine_end(request, pk: int):
    routine = own_routine(request, pk)
    _routine_change(
        request, routine, f"Routine “{routine.title}” ended today.", routine_services.routine_end
    )
    return redirect("therapist-patient", pk=routine.patient_id)
