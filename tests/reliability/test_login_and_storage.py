"""Sign-in throttling on the web page (per client address, per username and address, never a
global lock of a username; X-Forwarded-For only from trusted proxies), and uploads while the
media storage cannot be written (503 in JSON, nothing created)."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.backends import ModelBackend
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from tests.support.sessions import MP4_HEADER
from therapy.auth import client_ip
from therapy.models import ExerciseSession

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"  # tests/conftest.py's users
THROTTLED = "Too many sign-in attempts from your network; wait a few minutes."
STORAGE_DOWN = "Storage is unavailable; your recording was not saved — try again in a few minutes."


@pytest.fixture
def password_checks(monkeypatch):
    """Counts the sign-ins that reached the password hasher (Django's model backend)."""
    calls = []
    real = ModelBackend.authenticate

    def spy(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return real(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", spy)
    return calls


def _sign_in(client: Client, username: str, password: str, **meta):
    return client.post("/accounts/login/", {"username": username, "password": password}, **meta)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- Item 1: web sign-in throttling -----------------------------------------------------------


def test_password_spraying_from_one_address_is_refused_without_hashing(
    users, settings, password_checks
):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 10
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    responses = [_sign_in(attacker, f"user{i}", "Winter2025!") for i in range(60)]

    assert [r.status_code for r in responses] == [200] * 10 + [429] * 50
    assert len(password_checks) == 10  # the 50 refused attempts never reached the hasher
    refused = responses[-1]
    assert THROTTLED in refused.content.decode()
    assert 'name="password"' in refused.content.decode()  # the form is still shown
    assert int(refused["Retry-After"]) == settings.LOGIN_THROTTLE_SECONDS
    # Even a real password is refused from that address until the window ends...
    assert _sign_in(attacker, "patient", PASSWORD).status_code == 429
    assert not _signed_in(attacker)
    # ...while the real user signs in from anywhere else.
    patient = Client(REMOTE_ADDR="192.0.2.10")
    response = _sign_in(patient, "patient", PASSWORD)
    assert response.status_code == 302 and _signed_in(patient)


def test_successful_sign_ins_do_not_count_toward_the_address_limit(users, settings):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 3
    for _ in range(5):  # a clinic's shared connection, many good sign-ins
        client = Client(REMOTE_ADDR="192.0.2.20")
        assert _sign_in(client, "therapist", PASSWORD).status_code == 302


def test_guessing_one_username_never_locks_its_owner_out(users, settings, password_checks):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 5
    attacker = Client(REMOTE_ADDR="198.51.100.8")
    for _ in range(8):
        assert _sign_in(attacker, "patient", "guess").status_code == 200
    assert len(password_checks) == 5  # guesses after the lockout are not hashed
    assert _sign_in(attacker, "patient", PASSWORD).status_code == 200
    assert not _signed_in(attacker)
    patient = Client(REMOTE_ADDR="192.0.2.11")
    assert _sign_in(patient, "patient", PASSWORD).status_code == 302 and _signed_in(patient)


def test_forwarded_for_is_ignored_from_an_untrusted_peer(users, settings):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 3
    settings.TRUSTED_PROXIES = ["10.0.0.254"]
    client = Client(REMOTE_ADDR="198.51.100.9")
    codes = [
        _sign_in(client, "x", "y", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(users, settings):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 3
    settings.TRUSTED_PROXIES = ["10.0.0.254"]
    via_proxy = Client(REMOTE_ADDR="10.0.0.254")
    codes = [
        _sign_in(via_proxy, "x", "y", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    # Another client behind the same proxy is not the attacker, and a forged leftmost entry
    # does not move the attacker elsewhere.
    patient = Client(REMOTE_ADDR="10.0.0.254")
    response = _sign_in(patient, "patient", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert response.status_code == 302 and _signed_in(patient)
    forged = _sign_in(via_proxy, "x", "y", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.1")
    assert forged.status_code == 429


def test_client_ip(settings):
    factory = RequestFactory()
    settings.TRUSTED_PROXIES = []
    request = factory.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(request) == "10.0.0.254"
    settings.TRUSTED_PROXIES = ["10.0.0.254", "10.0.0.253"]
    assert client_ip(request) == "203.0.113.5"
    chain = factory.get(
        "/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.253"
    )
    assert client_ip(chain) == "203.0.113.5"
    bare = factory.get("/", REMOTE_ADDR="10.0.0.254")
    assert client_ip(bare) == "10.0.0.254"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]  # a network, as docker-compose sets it
    assert client_ip(chain) == "203.0.113.5"
    outside = factory.get("/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(outside) == "192.0.2.7"


# --- Item 2: media storage that cannot be written --------------------------------------------


@pytest.fixture
def unwritable_media(settings, tmp_path):
    """A media folder under a regular file: every write fails with an OSError, even for root."""
    blocker = tmp_path / "file"
    blocker.write_bytes(b"not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    return settings.MEDIA_ROOT


def _assert_storage_unavailable(response, caplog) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": STORAGE_DOWN}
    assert ExerciseSession.objects.count() == 0
    assert any(
        r.levelno == logging.ERROR and "Storage unavailable" in r.getMessage()
        for r in caplog.records
    )


def test_clip_upload_with_unwritable_storage(users, item, api_client_for, unwritable_media, caplog):
    clip = SimpleUploadedFile("clip.mp4", MP4_HEADER + b"\x00" * 4096, content_type="video/mp4")
    response = api_client_for(users["patient"]).post(
        "/api/v1/sessions/", {"routine_item": item.pk, "clip": clip}, format="multipart"
    )
    _assert_storage_unavailable(response, caplog)


def test_track_upload_with_unwritable_storage(
    users, item, api_client_for, unwritable_media, caplog
):
    track = {
        "video": {"width": 100, "height": 100},
        "timestamps": [0.0, 0.1],
        "keypoints": [[[50.0, 50.0, 0.9]] * 17] * 2,
    }
    response = api_client_for(users["patient"]).post(
        "/api/v1/sessions/", {"routine_item": item.pk, "keypoints": track}, format="json"
    )
    _assert_storage_unavailable(response, caplog)
