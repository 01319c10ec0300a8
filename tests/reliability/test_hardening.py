"""Hardening: hostile JSON bodies are refused with a 4xx, production refuses a default secret,
and a password change ends the user's API tokens and other sessions."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from therapy import services
from therapy.models import ApiToken

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"  # tests/conftest.py's users
DEEP = "[" * 3000 + "]" * 3000
ROOT = Path(__file__).resolve().parents[2]


# --- Hostile JSON bodies ---------------------------------------------------------------------


def _token_post(body: str, content_type: str = "application/json"):
    return APIClient().generic("POST", "/api/v1/auth/token/", body, content_type=content_type)


def test_deeply_nested_json_is_a_400_on_the_anonymous_token_endpoint(therapist):
    response = _token_post(DEEP)
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_deeply_nested_json_is_a_400_on_an_authenticated_endpoint(therapist, api_client_for):
    client = api_client_for(therapist)
    for body in (DEEP, '{"title": ' + "[" * 65 + "]" * 65 + "}"):
        response = client.generic(
            "POST", "/api/v1/routines/", body, content_type="application/json"
        )
        assert response.status_code == 400, body[:80]
        assert "nested" in response.json()["detail"]


def test_json_nested_within_the_limit_and_brackets_inside_strings_still_parse(therapist):
    # Brackets inside strings are text, not nesting.
    therapist.set_password("[" * 500 + '"{')
    therapist.save()
    body = json.dumps({"username": "therapist", "password": "[" * 500 + '"{'})
    response = _token_post(body)
    assert response.status_code == 200, response.content
    assert response.json()["token"]

    # 64 levels parse: the serializer, not the parser, answers (about the unknown field).
    response = _token_post('{"x": ' + "[" * 63 + "]" * 63 + "}")
    assert response.status_code == 400
    assert response.json()["x"] == ["Unknown field."]


def test_unknown_charset_is_refused_with_a_clear_error(therapist, api_client_for):
    body = json.dumps({"username": "therapist", "password": PASSWORD})
    response = _token_post(body, "application/json; charset=rot13")
    assert response.status_code == 415
    assert "rot13" in response.json()["detail"]

    client = api_client_for(therapist)
    for charset in ("rot13", "hex", "base64"):
        response = client.generic(
            "POST", "/api/v1/routines/", "{}", content_type=f"application/json; charset={charset}"
        )
        assert response.status_code == 415, charset
        assert charset in response.json()["detail"]

    # A real charset is decoded as declared; bytes it cannot decode are a 400.
    response = _token_post(body, "application/json; charset=utf-16")
    assert response.status_code == 400 and "utf-16" in response.json()["detail"]
    assert _token_post(body, "application/json; charset=latin-1").status_code == 200


# --- Production refuses a default secret; compose's defaults pass check --deploy ----------


def _production_env(**overrides: str | None) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "DATABASE_URL": "postgres://therapose@db.internal:5432/therapose",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "DJANGO_ALLOWED_HOSTS": "therapose.example.org",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "secret",
    [None, "", "change-me-in-production", "insecure-development-key-change-me", "x" * 49],
    ids=["unset", "empty", "compose-default", "base-default", "short"],
)
def test_production_refuses_to_start_without_a_real_secret(secret):
    result = _run(
        ["-c", "import django; django.setup()"], _production_env(DJANGO_SECRET_KEY=secret)
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def _compose_defaults() -> dict[str, str]:
    """The app's environment in docker-compose.yml, with each ``${VAR:-default}`` at its
    default (``${VAR:?message}``, a required variable, has none)."""
    app = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["x-app"]["environment"]
    values = {}
    for name, value in app.items():
        match = re.fullmatch(r"\$\{(\w+)(:-|:\?)(.*)\}", str(value), re.DOTALL)
        if match is None:
            values[name] = str(value)
        elif match[2] == ":-":
            values[name] = match[3]
    return values


def test_compose_requires_a_secret_and_its_defaults_pass_check_deploy():
    defaults = _compose_defaults()
    assert "DJANGO_SECRET_KEY" not in defaults  # required, no default
    env = _production_env()
    env.update(defaults)
    result = _run(["manage.py", "check", "--deploy"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    for warning in ("W008", "W009", "W012", "W016"):
        assert warning not in result.stdout + result.stderr


# --- A password change ends the user's tokens and other sessions ---------------------------

NEW_PASSWORD = "another-long-passphrase-42"


def _token_for(username: str, password: str = PASSWORD) -> APIClient:
    response = _token_post(json.dumps({"username": username, "password": password}))
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/routines/").status_code == 200
    return client


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    assert client.get("/api/v1/routines/").status_code == 200
    return client


def test_set_password_revokes_api_tokens_and_ends_sessions(users):
    patient, other = users["patient"], users["other_patient"]
    token_client, session_client = _token_for("patient"), _signed_in("patient")
    others_client = _token_for("other-patient")

    patient.set_password(NEW_PASSWORD)
    patient.save()

    assert token_client.get("/api/v1/routines/").status_code == 401
    assert session_client.get("/api/v1/routines/").status_code == 401  # signed out
    assert not ApiToken.objects.filter(user=patient, revoked_at=None).exists()
    assert others_client.get("/api/v1/routines/").status_code == 200  # only theirs
    assert _token_for("patient", NEW_PASSWORD)  # a new sign-in works

    # Saves that leave the password alone keep the tokens.
    fresh = _token_for("patient", NEW_PASSWORD)
    patient.first_name = "Renamed"
    patient.save()
    services.patient_privacy_set(patient=patient, privacy_mode=True)
    assert fresh.get("/api/v1/routines/").status_code == 200
    other.set_unusable_password()
    other.save()
    assert others_client.get("/api/v1/routines/").status_code == 401


def test_password_changed_in_the_admin_revokes_api_tokens(users, django_user_model):
    patient = users["patient"]
    token_client, session_client = _token_for("patient"), _signed_in("patient")
    staff = django_user_model.objects.create_superuser("admin", "a@example.org", PASSWORD)
    admin = Client()
    admin.force_login(staff)

    url = reverse("admin:auth_user_password_change", args=[patient.pk])
    response = admin.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content[:2000]
    patient.refresh_from_db()
    assert patient.check_password(NEW_PASSWORD)

    assert token_client.get("/api/v1/routines/").status_code == 401
    assert session_client.get("/api/v1/routines/").status_code == 401  # signed out
    assert admin.get(url).status_code == 200  # the admin's own session is untouched


def test_a_password_hash_upgrade_at_sign_in_keeps_the_tokens(users, settings):
    """Django re-hashes a password on sign-in when the preferred hasher changes: same
    password, new hash, not a password change."""
    token_client = _token_for("patient")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    _token_for("patient")  # signs in: the MD5 hash becomes PBKDF2
    users["patient"].refresh_from_db()
    assert users["patient"].password.startswith("pbkdf2_sha256$")
    assert token_client.get("/api/v1/routines/").status_code == 200


# --- Keypoint-track uploads: bounded memory --------------------------------------------------


def _largest_allowed_track(settings) -> bytes:
    """A device track of the longest clip allowed at 60 frames a second, written as the browser
    writes it (pixels to 0.01, scores to 0.0001): the biggest body a patient can send."""
    import numpy as np

    frames = int(settings.MAX_CLIP_SECONDS * settings.MAX_TRACK_FPS)
    rng = np.random.default_rng(0)
    kp = rng.uniform(1000, 1279.99, (frames, 17, 3)).round(2)
    kp[..., 2] = rng.uniform(0.1, 0.9999, (frames, 17)).round(4)
    track = {
        "video": {"width": 1280, "height": 1280},
        "timestamps": [round(i / settings.MAX_TRACK_FPS, 4) for i in range(frames)],
        "keypoints": kp.tolist(),
        "pose_scores": rng.uniform(0.1, 0.9999, frames).round(4).tolist(),
        "brightness": rng.uniform(100, 199.9, frames).round(1).tolist(),
    }
    return json.dumps(track, separators=(",", ":")).encode()


def test_the_largest_allowed_track_fits_the_limit_and_bounds_memory(settings, users, routine):
    """The size limit is derived from the longest clip (not a round 30 MB), and a web process
    handling the biggest allowed upload stays within a few hundred MB (it reached 734 MB for one
    22.5 MiB track before). Python's own allocations are measured with tracemalloc."""
    import tracemalloc

    from rest_framework.test import APIClient

    track = _largest_allowed_track(settings)
    item = routine.items.get()
    body = b'{"routine_item":%d,"keypoints":%s}' % (item.pk, track)
    assert len(body) <= settings.MAX_TRACK_BYTES <= 12 * 1024 * 1024
    client = APIClient()
    client.force_authenticate(users["patient"])
    tracemalloc.start()
    try:
        response = client.generic("POST", "/api/v1/sessions/", body, "application/json")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 202, response.content[:300]
    print(f"track {len(body) / 2**20:.1f} MiB: peak Python memory {peak / 2**20:.0f} MiB")
    assert peak < 350 * 2**20
    over = body[:-1] + b" " * (settings.MAX_TRACK_BYTES - len(body) + 2) + b"}"
    response = client.generic("POST", "/api/v1/sessions/", over, "application/json")
    assert response.status_code == 413
