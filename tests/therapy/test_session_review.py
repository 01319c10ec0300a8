"""The therapist's session review: the prescribed dose, the previous session of the same
exercise, previous/next navigation, and "Ask to re-record" (a message to the patient)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.support.sessions import engine_result, make_clip_session, make_done_session
from therapy.models import ExerciseSession, Message
from therapy.services.routines import routine_save

pytestmark = pytest.mark.django_db


def _at(session: ExerciseSession, days_ago: int) -> ExerciseSession:
    ExerciseSession.objects.filter(pk=session.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    session.refresh_from_db()
    return session


@pytest.fixture
def history(therapist, patient, exercises_catalog):
    ex = exercises_catalog
    routine = routine_save(
        routine=None,
        patient=patient,
        therapist=therapist,
        title="Knee",
        start_date=None,
        items=[
            {
                "exercise": ex["squat"],
                "sets": 3,
                "reps": 12,
                "per_week": 4,
                "side": "left",
                "rest_seconds": 45,
                "notes": "Slowly",
            },
            {"exercise": ex["heel_raise"], "sets": 2, "reps": 15, "per_week": 5},
        ],
    )
    squat, heel = routine.items.order_by("position")
    first = _at(
        make_done_session(patient=patient, routine_item=squat, output=engine_result(rep_count=7)), 5
    )
    other = _at(make_clip_session(patient=patient, routine_item=heel), 3)
    latest = _at(make_done_session(patient=patient, routine_item=squat), 1)
    return {"first": first, "other": other, "latest": latest, "squat": squat}


def test_review_shows_dose_previous_same_exercise_and_navigation(client, therapist, history):
    client.force_login(therapist)
    body = client.get(f"/therapist/sessions/{history['latest'].pk}/").content.decode()
    assert "3 sets × 12 reps, 4× a week, left side, rest 45 s" in body
    assert "Slowly" in body
    first = history["first"]
    assert f'href="/therapist/sessions/{first.pk}/">' in body and ": 7 reps" in body
    # previous session (any exercise) is the heel raise; there is no next one
    assert f'href="/therapist/sessions/{history["other"].pk}/" rel="prev"' in body
    assert 'rel="next"' not in body

    body = client.get(f"/therapist/sessions/{first.pk}/").content.decode()
    assert "This is the first session of this exercise." in body
    assert f'href="/therapist/sessions/{history["other"].pk}/" rel="next"' in body
    assert 'rel="prev"' not in body


def test_ask_to_rerecord_messages_the_patient(client, therapist, patient, history):
    client.force_login(therapist)
    session = history["latest"]
    response = client.post(
        f"/therapist/sessions/{session.pk}/rerecord/", {"reason": "Turn side-on to the camera."}
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.patient, message.author, message.session) == (patient, therapist, session)
    assert message.text.startswith(f"Please record “{session.routine_item.exercise.name}” again")
    assert message.text.endswith("Turn side-on to the camera.")
    page = client.get(response["Location"]).content.decode()
    assert "Asked the patient to record it again." in page


@pytest.mark.parametrize(
    ("who", "expected"),
    [("patient", 403), ("other_therapist", 404), ("other_patient", 403)],
)
def test_rerecord_refused_to_outsiders(client, users, history, who, expected):
    client.force_login(users[who])
    response = client.post(f"/therapist/sessions/{history['latest'].pk}/rerecord/", {"reason": ""})
    assert response.status_code == expected
    assert not Message.objects.exists()
