"""What both roles share: the sign-in page, the home redirect, the clip download, one session's result page
context, and form error texts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from therapy.audit import AuditAction, audit_request
from therapy.auth import login_address_is_throttled
from therapy.permissions import get_or_404
from therapy.selectors.results import measure_label, result_measures
from therapy.selectors.sessions import session_done_result, session_get_for_user
from therapy.selectors.trust import figure_note, quality_trust
from therapy.services.files import clip_response
from therapy.web.views.figures import protocol_units, result_figures, unit_display

SIGN_IN_THROTTLED = "Too many sign-in attempts from your network; wait a few minutes."


class LoginView(auth_views.LoginView):
    """Django's sign-in page, refused with 429 while the client's address is over its limit of
    failed sign-ins (``therapy.auth``): the form is not read, so no password is hashed."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not login_address_is_throttled(request=request):
            return super().post(request, *args, **kwargs)
        messages.error(request, SIGN_IN_THROTTLED)
        form = self.get_form_class()(
            request, initial={"username": request.POST.get("username", "")}
        )
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(settings.LOGIN_THROTTLE_SECONDS)
        return response


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


@login_required
@require_GET
def session_clip(request, pk: int):
    """The clip of one session for the web pages (same permission rule as the API)."""
    session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
    response = clip_response(session, request)
    audit_request(request, AuditAction.DOWNLOAD, "clip", session.patient, session.pk)
    return response


def session_context(session, *, patient_view: bool = False) -> dict[str, Any]:
    """What the patient's and the therapist's session pages show of one session's result.
    ``patient_view``: the reasons beside a number to check are addressed to the patient ("Check
    with your therapist: ...")."""
    result = session_done_result(session)
    exercise = session.routine_item.exercise
    measures = result_measures(result)
    units = protocol_units(exercise.protocol, exercise.params) or {}
    series = None
    if result is not None:
        stored = result.series or {}
        primary = result.primary_angle or stored.get("primary_angle")
        # The primary measure is an angle or a height (heel raises), in the unit of its peaks.
        values = (stored.get("angles") or {}).get(primary) or (stored.get("heights") or {}).get(
            primary
        )
        series = {
            "timestamps": stored.get("timestamps") or [],
            "primary": primary,
            "label": measure_label(primary),
            "unit": unit_display(units.get("peak_angle")).axis,
            "values": values or [],
            "reps": (result.reps or {}).get("items") or [],
            "partial": (result.reps or {}).get("partial") or [],
            "thresholds": (result.reps or {}).get("thresholds"),
        }
    reps = (result.reps or {}) if result else {}
    figures = result_figures(exercise, result, measures)
    return {
        "session": session,
        "exercise": exercise,
        "result": result,
        "m": measures,
        "figures": figures,
        "patient_view": patient_view,
        # The per-repetition angles belong to the same measure as the peak tile.
        "rep_angle_trust": figure_note(exercise.protocol, measures["trust"], "peak_angle"),
        "balance_events": ((result.balance or {}).get("events") or []) if result else [],
        "rep_suffix": {
            k: unit_display(units.get(k)).suffix for k in ("peak_angle", "range_of_motion")
        },
        "rep_items": reps.get("items") or [],
        "rep_partial": reps.get("partial") if isinstance(reps.get("partial"), list) else [],
        "series": series,
        "norms": exercise.norms or [],
    }


def with_count_trust(sessions) -> list[Any]:
    """``sessions`` with ``count_trust`` (a :class:`therapy.selectors.trust.TrustNote`) on each,
    for the tables that show a session's count: "check" or "not measured" beside it."""
    out = []
    for session in sessions:
        result = session_done_result(session)
        trust = quality_trust(result.quality) if result is not None else {}
        session.count_trust = figure_note(session.routine_item.exercise.protocol, trust, "count")
        out.append(session)
    return out


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def form_errors(form) -> str:
    return " ".join(
        f"{form.fields[k].label or k}: {' '.join(v)}" if k in form.fields else " ".join(v)
        for k, v in form.errors.items()
    )
