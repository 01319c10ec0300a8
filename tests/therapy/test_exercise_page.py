"""The exercise page's hands-free parts and plain words, as the server renders them: the dose and
the protocol's timer in the live config, the countdown choices, the file picker (not in privacy
mode), engine details behind "Details for support", and "Record again" on a failed session."""

from __future__ import annotations

import json
import re

from tests.support.sessions import make_clip_session
from therapy import services
from therapy.models import SessionStatus


def _live_config(html: str) -> dict:
    match = re.search(
        r'<script id="live-config" type="application/json">(.*?)</script>', html, re.S
    )
    assert match
    return json.loads(match.group(1))


def _get(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_repetitions_page_has_the_dose_no_timer_and_the_picker(client, patient, routine):
    item = routine.items.get()  # shoulder abduction, 10 repetitions
    html = _get(client, patient, f"/patient/exercise/{item.pk}/")
    config = _live_config(html)
    assert config["dose"] == {"sets": item.sets, "reps": 10, "holdSeconds": None}
    assert "timer" not in config and 'id="hold-timer"' not in html
    assert [int(v) for v in re.findall(r'<option value="(\d+)">\d+ s</option>', html)] == [
        3,
        5,
        10,
        15,
    ]
    assert 'accept="video/mp4,video/quicktime,video/webm,.mp4,.mov,.webm,.m4v"' in html
    # Engine details only behind the disclosure; the count shows its target.
    details = re.search(r"<details class=\"support-details\">(.*?)</details>", html, re.S).group(1)
    assert 'id="fps"' in details and 'id="backend"' in details and 'id="points"' in details
    assert re.search(r'id="live-count"[^>]*>0</output> <span class="muted">of 10</span>', html)


def test_balance_page_has_a_hold_timer_and_privacy_mode_has_no_picker(
    client, therapist, patient, exercises_catalog
):
    routine = services.routine_create(
        therapist=therapist,
        patient=patient,
        title="Balance",
        items=[{"exercise": exercises_catalog["single_leg_stance"], "per_week": 3}],
    )
    item = routine.items.get()
    patient.privacy_mode = True
    patient.save(update_fields=["privacy_mode"])
    html = _get(client, patient, f"/patient/exercise/{item.pk}/")
    config = _live_config(html)
    assert config["timer"]["kind"] == "hold"
    assert config["timer"]["seconds"] == config["targetSeconds"] > 0
    assert re.search(r'id="hold-timer">Hold: <output id="timer-value"', html)
    assert 'id="clip-file"' not in html and "videos are not sent" in html


def test_a_failed_session_offers_record_again(client, patient, routine):
    item = routine.items.get()
    session = make_clip_session(patient=patient, routine_item=item, status=SessionStatus.FAILED)
    html = _get(client, patient, f"/patient/sessions/{session.pk}/")
    link = re.search(r'<a class="button primary" href="([^"]+)" data-testid="record-again">', html)
    assert link and link.group(1) == f"/patient/exercise/{item.pk}/"
