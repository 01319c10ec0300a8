"""Who may open a page: anonymous → login, wrong role → 403, someone else's object → 404."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from therapy.models import Routine, User
from therapy.permissions import get_or_404, has_role
from therapy.selectors.patients import patient_get
from therapy.selectors.routines import routine_get_for_user


def _role_required(role: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, role):
                raise PermissionDenied(f"This page is for {role}s.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


therapist_required = _role_required("therapist")
patient_required = _role_required("patient")


def own_patient(request, pk: int) -> User:
    """One of the signed-in therapist's patients, or 404."""
    return get_or_404(patient_get(therapist=request.user, patient_id=pk))


def own_routine(request, pk: int) -> Routine:
    """A routine of one of the signed-in therapist's patients, or 404."""
    routine = get_or_404(routine_get_for_user(user=request.user, routine_id=pk))
    if routine.patient.therapist_id != request.user.pk:
        raise Http404
    return routine
