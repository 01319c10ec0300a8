"""The password reset page's limits (therapy/reset_limits.py): per client address, a few
requests an hour, then 429 and nothing sent; per email address, one email per window, the
further requests answered with the same "check your email" page."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db
RESET = "/accounts/password/reset/"
DONE = "/accounts/password/reset/done/"


@pytest.fixture(autouse=True)
def limits(settings):
    """Real limits (the test settings turn them off) on an empty cache."""
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 5
    settings.PASSWORD_RESET_WINDOW_SECONDS = 3600
    settings.PASSWORD_RESET_EMAIL_SECONDS = 300
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def accounts(patient, therapist):
    patient.email = "pat@example.org"
    patient.save()
    therapist.email = "thera@clinic.example"
    therapist.save()
    return patient, therapist


def _reset(email: str, ip: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(RESET, {"email": email})


def test_the_sixth_request_from_one_address_is_refused_and_sends_nothing(accounts, mailoutbox):
    for n in range(5):
        response = _reset(f"someone{n}@example.org")
        assert response.status_code == 302 and response["Location"] == DONE
    refused = _reset("pat@example.org")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert b"Too many password reset requests from your network" in refused.content
    assert b'value="pat@example.org"' in refused.content  # the form, as typed
    assert mailoutbox == []
    # Another address is not affected; the refused address stays refused.
    sent = _reset("pat@example.org", ip="10.0.0.2")
    assert sent.status_code == 302 and sent["Location"] == DONE
    assert [m.to for m in mailoutbox] == [["pat@example.org"]]
    assert _reset("thera@clinic.example").status_code == 429
    assert len(mailoutbox) == 1
    # Reading the page is not limited.
    assert Client(REMOTE_ADDR="10.0.0.1").get(RESET).status_code == 200


def test_one_email_per_address_per_window_and_the_same_answer(accounts, mailoutbox):
    first = _reset("pat@example.org")
    # Again, from elsewhere and spelt differently: the same page, nothing sent.
    second = _reset("  PAT@Example.org ", ip="10.0.0.7")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == DONE
    assert [m.to for m in mailoutbox] == [["pat@example.org"]]
    # Another email address still gets its email.
    assert _reset("thera@clinic.example", ip="10.0.0.7").status_code == 302
    assert [m.to for m in mailoutbox] == [["pat@example.org"], ["thera@clinic.example"]]


def test_both_limits_end_with_their_window(accounts, mailoutbox, limits):
    limits.PASSWORD_RESET_ADDRESS_LIMIT = 2
    limits.PASSWORD_RESET_WINDOW_SECONDS = 1
    limits.PASSWORD_RESET_EMAIL_SECONDS = 1
    assert _reset("pat@example.org").status_code == 302
    assert _reset("pat@example.org").status_code == 302
    assert _reset("pat@example.org").status_code == 429
    assert len(mailoutbox) == 1
    time.sleep(1.1)
    assert _reset("pat@example.org").status_code == 302
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["pat@example.org"]
    assert "/accounts/password/reset/" in mailoutbox[1].body


def test_after_the_cache_is_cleared_a_patient_can_reset_again(accounts, mailoutbox):
    """What the windows' expiry does, at the default lengths."""
    for _ in range(6):
        _reset("pat@example.org")
    assert len(mailoutbox) == 1
    cache.clear()
    assert _reset("pat@example.org").status_code == 302
    assert len(mailoutbox) == 2
