"""The patient's progress page: plain sentences from trusted sessions only, a chart, only their
own data; and the Today page's due / done / next (the rule itself: test_schedule.py)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from tests.support.sessions import graded_result, make_done_session, recorded_result
from therapy.models import ExerciseSession
from therapy.selectors.progress import NOT_ENOUGH, progress_sentences

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)


def _point(days, trusted=True, **values):
    point = {"t": (T0 + dt.timedelta(days=days)).isoformat(), "trusted": trusted, "pain": None}
    return point | values


def test_angle_sentence_over_weeks():
    trend = {
        "points": [
            _point(0, peak_angle=85.2),
            _point(10, peak_angle=90),
            _point(21, peak_angle=102.4),
        ]
    }
    assert progress_sentences(trend, "knee_flexion") == [
        "Your knee bend grew from 85° to 102° over 3 weeks."
    ]


def test_untrusted_sessions_do_not_count():
    trend = {
        "points": [
            _point(0, peak_angle=85),
            _point(3, trusted=False, peak_angle=150),
            _point(5, peak_angle=80),
        ]
    }
    assert progress_sentences(trend, "shoulder_abduction") == [
        "Your arm raise to the side went down from 85° to 80° over 5 days."
    ]


def test_hold_and_pain_sentences():
    trend = {
        "points": [
            _point(0, hold_seconds=8.0, pain=6),
            _point(7, hold_seconds=12.0, pain=3),
        ]
    }
    assert progress_sentences(trend, None) == [
        "You held 12 s, up from 8 s.",
        "Pain went down from 6 to 3 over 7 days.",
    ]


def test_repetitions_when_no_angle():
    trend = {"points": [_point(0, reps=6), _point(1, reps=10)]}
    assert progress_sentences(trend, "body_rise") == ["Your repetitions grew from 6 to 10."]


def test_not_enough_yet():
    assert progress_sentences({"points": [_point(0, peak_angle=90)]}, "knee_flexion") == [
        NOT_ENOUGH
    ]
    only_untrusted = {"points": [_point(0, False, peak_angle=90), _point(2, False, peak_angle=99)]}
    assert progress_sentences(only_untrusted, "knee_flexion") == [NOT_ENOUGH]


def _session(patient, item, days, output=None, pain=None):
    s = make_done_session(patient=patient, routine_item=item, output=output)
    ExerciseSession.objects.filter(pk=s.pk).update(
        created_at=T0 + dt.timedelta(days=days), pain_score=pain
    )
    return s


def test_progress_page_shows_own_trends_with_sentences(
    client, patient, other_patient, routine, other_routine
):
    item = routine.items.get()
    _session(patient, item, 0, pain=5)
    _session(patient, item, 14, pain=2)
    _session(
        patient, item, 15, output=graded_result(recorded_result(), peak_angle=("unreliable", ["x"]))
    )
    _session(other_patient, other_routine.items.get(), 1, pain=9)
    client.force_login(patient)
    body = client.get("/patient/progress/").content.decode()
    assert "Your arm raise to the side stayed at 160° over 2 weeks." in body
    assert "Pain went down from 5 to 2 over 2 weeks." in body
    assert 'class="trend-chart"' in body
    data = json.loads(
        re.search(r'id="trends-data" type="application/json">(.*?)</script>', body, re.S).group(1)
    )
    assert [t["slug"] for t in data] == ["shoulder_abduction"]  # not the other patient's squat
    assert len(data[0]["points"]) == 3
    assert "Squat" not in body


def test_progress_page_without_sessions(client, patient):
    client.force_login(patient)
    body = client.get("/patient/progress/").content.decode()
    assert "No sessions yet" in body
    assert 'href="/patient/progress/"' in body  # the nav link


@pytest.mark.parametrize("who", ["therapist", "other_therapist", "anonymous"])
def test_progress_page_is_for_patients_only(client, users, who):
    if users[who] is not None:
        client.force_login(users[who])
    response = client.get("/patient/progress/")
    assert response.status_code in (302, 403, 404)
    assert "Your progress" not in response.content.decode()


def test_today_page_shows_due_done_and_next(client, patient, routine, therapist, exercises_catalog):
    from therapy import services

    patient.time_zone = "UTC"
    patient.save()
    second = services.routine_create(
        therapist=therapist,
        patient=patient,
        title="Legs",
        items=[{"exercise": exercises_catalog["squat"], "reps": 10, "per_week": 1}],
    )
    _session_now = make_done_session(patient=patient, routine_item=second.items.get())
    client.force_login(patient)
    body = client.get("/patient/").content.decode()
    today = timezone.now().date()
    assert "Due today" in body  # shoulder abduction: 3 a week, nothing done
    assert "0 of 3 this week" in body
    assert "Done today" in body and "1 of 1 this week" in body  # the squat, once a week
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    assert f"Next: {next_monday:%A}" in body
    assert "How we spread your sessions over the week" in body
    assert _session_now.pk


def test_exercise_page_embeds_the_demo(client, patient, routine):
    client.force_login(patient)
    body = client.get(f"/patient/exercise/{routine.items.get().pk}/").content.decode()
    data = json.loads(
        re.search(r'id="demo-track" type="application/json">(.*?)</script>', body, re.S).group(1)
    )
    assert data["slug"] == "shoulder_abduction" and data["view"] == "front"
    assert len(data["frames"]) > 30 and 'id="demo-canvas"' in body
    assert "js/demo.js" in body
    assert "Phone in front of you" in body
