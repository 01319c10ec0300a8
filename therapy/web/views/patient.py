"""The patient's pages: today's exercises, one exercise (recorded live), history, one session
with its feedback form, and settings."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

import pose
from pose.tools.demo_tracks import demo_json_for
from therapy.models import User
from therapy.permissions import get_or_404
from therapy.selectors.messages import session_messages
from therapy.selectors.progress import progress_for_patient
from therapy.selectors.results import result_measures
from therapy.selectors.routines import routine_item_for_patient, today_plan
from therapy.selectors.sessions import (
    session_done_result,
    session_get_for_user,
    session_list_for_user,
)
from therapy.selectors.trust import figure_measures, figure_note
from therapy.services.accounts import patient_privacy_set
from therapy.services.reminders import patient_reminders_set
from therapy.services.sessions import session_update_feedback
from therapy.web.access import patient_required
from therapy.web.forms import FeedbackForm, MessageForm, PrivacyForm, ReminderForm
from therapy.web.views.common import error_text, session_context
from therapy.web.views.figures import (
    exercise_figures,
    protocol_units,
    trend_measured,
    trend_series,
    unit_display,
)

logger = logging.getLogger(__name__)


@patient_required
@require_GET
def patient_today(request):
    plan = today_plan(patient=request.user)
    return render(
        request,
        "patient/today.html",
        {**plan, "recent": session_list_for_user(user=request.user)[:3]},
    )


def _protocol_live_config(item) -> dict[str, Any]:
    """The protocol's part of the live config (``Protocol.live_config``). When the engine does
    not know the exercise's protocol or refuses its parameters, the page still films and
    uploads (the server's analysis then says what is wrong) but counts nothing live."""
    exercise = item.exercise
    try:
        protocol = pose.get_protocol(exercise.protocol)
        return protocol.live_config(exercise.params or {}, item.hold_seconds)
    except pose.ProtocolError as exc:
        logger.warning("exercise %s: no live counting: %s", exercise.slug, exc)
        return {
            "joint": None,  # nothing to count
            "side": "both",
            "direction": "increase",
            "enter": None,
            "exit": None,
            "minRange": None,  # the browser's default
            "needsWholeBody": False,
            "targetSeconds": item.hold_seconds,
        }


# The countdown before a recording the patient can choose (seconds; the page remembers it).
COUNTDOWN_CHOICES = (3, 5, 10, 15)


def _live_config(item, user: User) -> dict[str, Any]:
    """What the exercise page's script needs: the protocol's live config (with its ``timer``,
    if the protocol has one), the prescribed dose (the automatic stop and "6 of 10"), how to
    write the result's figures, and the platform's keys and endpoints."""
    exercise = item.exercise
    return {
        "routineItem": item.pk,
        "exercise": exercise.slug,
        "protocol": exercise.protocol,
        "cameraView": exercise.camera_view,
        **_protocol_live_config(item),
        "dose": {"sets": item.sets, "reps": item.reps, "holdSeconds": item.hold_seconds},
        "maxClipBytes": settings.MAX_CLIP_BYTES,
        "figures": [f.to_json() for f in exercise_figures(exercise)],
        "figureMeasures": figure_measures(exercise.protocol),
        "privacyMode": user.privacy_mode,
        "sessionsUrl": reverse("api:session-list"),
        "sessionUrlTemplate": reverse("api:session-detail", args=[0]).replace("/0/", "/{id}/"),
        "resultUrlTemplate": reverse("patient-session", args=[0]).replace("/0/", "/{id}/"),
        "modelUrl": "/static/vendor/models/movenet-lightning.json",
        "wasmPath": "/static/vendor/wasm/",
    }


def _demo(slug: str) -> dict[str, Any] | None:
    """The exercise's demonstration track (a stick figure doing it), if the catalog has it."""
    try:
        return demo_json_for(slug)
    except KeyError:
        return None


@patient_required
@require_GET
def patient_exercise(request, item_id: int):
    item = get_or_404(routine_item_for_patient(patient=request.user, item_id=item_id))
    if item.retired_at is not None:
        current = getattr(item, "replaced_by", None)
        if current is not None and current.retired_at is None:
            return redirect("patient-exercise", item_id=current.pk)
        raise Http404("This exercise is no longer prescribed.")
    sessions = session_list_for_user(user=request.user).filter(
        routine_item__routine=item.routine, routine_item__exercise=item.exercise
    )[:5]
    return render(
        request,
        "patient/exercise.html",
        {
            "item": item,
            "exercise": item.exercise,
            "live_config": _live_config(item, request.user),
            "demo": _demo(item.exercise.slug),
            "countdown_choices": COUNTDOWN_CHOICES,
            "recent": sessions,
            "feedback_form": FeedbackForm(),
        },
    )


@patient_required
@require_GET
def patient_progress(request):
    """The patient's own trends per exercise: a chart and plain sentences."""
    trends = progress_for_patient(patient=request.user)
    for trend in trends:
        exercise = trend.pop("exercise")
        trend.update(
            trend_series(exercise) if exercise else {"series": [], "y_title": "", "caption": ""}
        )
        trend["measured"] = trend_measured(trend)
    return render(
        request,
        "patient/progress.html",
        {"trends": trends, "time_zone": timezone.get_current_timezone_name()},
    )


@patient_required
@require_GET
def patient_history(request):
    sessions = session_list_for_user(user=request.user)[:200]
    peak_suffix: dict[int, str] = {}  # per exercise: the unit written after its best peak
    rows = []
    for s in sessions:
        exercise = s.routine_item.exercise
        if exercise.pk not in peak_suffix:
            units = protocol_units(exercise.protocol, exercise.params) or {}
            peak_suffix[exercise.pk] = unit_display(units.get("peak_angle")).suffix
        m = result_measures(session_done_result(s))
        rows.append(
            {
                "session": s,
                "m": m,
                "peak_suffix": peak_suffix[exercise.pk],
                # "check" / "not measured" beside the count, the peak and the balance score.
                "count_trust": figure_note(exercise.protocol, m["trust"], "count"),
                "peak_trust": figure_note(exercise.protocol, m["trust"], "peak_angle"),
                "score_trust": figure_note(exercise.protocol, m["trust"], "score"),
            }
        )
    return render(request, "patient/history.html", {"rows": rows})


@patient_required
@require_http_methods(["GET", "POST"])
def patient_session(request, pk: int):
    session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
    form = FeedbackForm(
        request.POST or None,
        initial={"pain_score": session.pain_score, "comment": session.comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session_update_feedback(
                session=session,
                pain_score=form.cleaned_data["pain_score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "Thank you: your pain score and comment were saved.")
            return redirect("patient-session", pk=session.pk)
    context = session_context(session, patient_view=True)
    # Privacy-mode sessions have no clip: the patient can play back the movement points sent.
    result = context["result"]
    playback = bool(result and result.keypoint_track and not session.clip)
    review_config = {
        "trackUrl": reverse("api:session-track", args=[session.pk]) if playback else None,
        "clipUrl": None,
    }
    return render(
        request,
        "patient/session.html",
        context
        | {"form": form, "playback": playback, "review_config": review_config}
        | {
            "session_messages": session_messages(session=session),
            "message_form": MessageForm(initial={"session": session.pk}),
        },
    )


@patient_required
@require_http_methods(["GET", "POST"])
def patient_settings(request):
    reminder_form = _reminder_form(request)
    if reminder_form.is_bound:
        if reminder_form.is_valid():
            patient_reminders_set(patient=request.user, **reminder_form.cleaned_data)
            messages.success(request, "Your reminder settings were saved.")
            return redirect("patient-settings")
        privacy_post = None
    else:
        privacy_post = request.POST or None
    form = PrivacyForm(privacy_post, initial={"privacy_mode": request.user.privacy_mode})
    if request.method == "POST" and form.is_valid():
        patient = patient_privacy_set(
            patient=request.user, privacy_mode=form.cleaned_data["privacy_mode"]
        )
        messages.success(
            request,
            "Privacy mode is on: no video will leave this device."
            if patient.privacy_mode
            else "Privacy mode is off: your clips are uploaded for your therapist to review.",
        )
        return redirect("patient-settings")
    return render(request, "patient/settings.html", {"form": form, "reminder_form": reminder_form})


def _reminder_form(request) -> ReminderForm:
    """The reminder form, bound when the POST came from it (the page has two forms)."""
    user = request.user
    posted = request.method == "POST" and "reminders-reminder_hour" in request.POST
    return ReminderForm(
        request.POST if posted else None,
        prefix="reminders",
        current_zone=user.time_zone,
        initial={
            "reminders_enabled": user.reminders_enabled,
            "reminder_hour": user.reminder_hour,
            "time_zone": user.time_zone,
        },
    )
