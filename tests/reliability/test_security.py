"""Security: who may see what on every route, sign-in lockout, rate limits, tokens, CSRF,
production settings, Content-Security-Policy, the audit log, and the life of stored clips."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from exercises.services import exercise_create_custom
from tests.support.sessions import MP4_HEADER, done_session, make_clip_session
from therapy import services
from therapy.models import ApiToken, AuditEvent, ExerciseSession, SessionStatus

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"  # tests/conftest.py's users
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(users, routine, other_routine, exercises_catalog):
    item, other_item = routine.items.get(), other_routine.items.get()
    return {
        **users,
        "routine": routine,
        "other_routine": other_routine,
        "item": item,
        "other_item": other_item,
        "session": done_session(users["patient"], item),
        "other_session": done_session(users["other_patient"], other_item),
        "custom": exercise_create_custom(
            therapist=users["therapist"], base=exercises_catalog["squat"], name="Mine"
        ),
        "other_custom": exercise_create_custom(
            therapist=users["other_therapist"], base=exercises_catalog["squat"], name="Theirs"
        ),
    }


# --- Every route, four users and anonymous -------------------------------------------------

# Routes anyone may read; everything else needs a signed-in user.
PUBLIC = {"healthz", "healthz/", "api-schema", "api-docs", "login", "home", "api:auth-token"}
# Links opened from an email: what they reach follows from a secret in the link (an invitation,
# a password reset), not from an object id; anyone may open them.
SECRET_LINKS = {"invite-accept", "password_reset_confirm"}
PUBLIC |= SECRET_LINKS | {"password_reset", "password_reset_done", "password_reset_complete"}
SECRET_PARAMETERS = {"token", "uidb64"}
# The parameter's kind follows from the path segment before it.
KIND_BY_SEGMENT = {
    "patients": "patient",
    "routines": "routine",
    "sessions": "session",
    "items": "item",
    "exercise": "item",
    "exercises": "custom",
}


def _routes():
    """(name, route template) for every URL of ours (the admin has its own test)."""

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}{p.name}" if p.name else None
                yield name, prefix + str(p.pattern)

    return sorted(set(walk(get_resolver().url_patterns)), key=lambda r: r[1])


def _fill(route: str, world: dict, owner: str) -> str:
    """The route with ids of objects belonging to ``owner`` ("" or "other_")."""

    def sub(match):
        if match.group(1) in SECRET_PARAMETERS:
            return secrets.token_urlsafe(16)
        before = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        kind = KIND_BY_SEGMENT.get(before)
        if kind is None:
            pytest.fail(
                f"route {route!r}: cannot tell what <{match.group(1)}> names; add the "
                f"segment {before!r} to KIND_BY_SEGMENT"
            )
        obj = world[owner + kind]
        return obj.slug if kind == "custom" else str(obj.pk)

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", sub, route)


def _ours():
    return [(n, r) for n, r in _routes() if not r.startswith(("static/", "media"))]


def test_anonymous_gets_nothing_but_public_routes(world):
    client = Client()
    for name, route in _ours():
        url = _fill(route, world, "")
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if (name or route) in PUBLIC:
                assert response.status_code < 500, (url, response.status_code)
                continue
            assert response.status_code in (302, 401, 403, 405), (method, url, response.status_code)
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"], (url, response["Location"])


@pytest.mark.parametrize("who", ["therapist", "patient"])
def test_nobody_reaches_another_patients_objects_on_any_route(world, who):
    """Every route that names an object, filled with the *other* practice's objects."""
    client = Client()
    client.force_login(world[who])
    checked = 0
    for name, route in _ours():
        if "<" not in route or name in SECRET_LINKS:
            continue
        url = _fill(route, world, "other_")
        for method in ("get", "post", "patch"):
            response = client.generic(method.upper(), url, "{}", "application/json")
            assert response.status_code in (400, 403, 404, 405), (
                who,
                method,
                url,
                response.status_code,
            )
            checked += 1
    assert checked >= 30


def test_retry_endpoint_permissions(world, api_client_for):
    failed = make_clip_session(
        patient=world["patient"], routine_item=world["item"], status=SessionStatus.FAILED
    )
    url = f"/api/v1/sessions/{failed.pk}/retry/"
    expected = {
        "anonymous": 401,
        "therapist": 403,
        "other_therapist": 403,
        "other_patient": 404,
        "patient": 202,
    }
    got = {who: api_client_for(world[who]).post(url).status_code for who in expected}
    assert got == expected
    failed.refresh_from_db()
    assert failed.status == SessionStatus.QUEUED and failed.attempts == 0
    # A session that is not failed cannot be retried.
    assert api_client_for(world["patient"]).post(url).status_code == 400


def test_media_files_have_no_public_url(world, client):
    name = world["session"].clip.name
    client.force_login(world["patient"])
    for url in (f"/media/{name}", f"/media-not-served/{name}", f"/{name}"):
        assert client.get(url).status_code == 404


# --- Sign-in lockout and rate limits -------------------------------------------------------


def _token(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
    )


def test_login_lockout_after_repeated_failures(world, settings):
    from rest_framework.test import APIClient

    settings.LOGIN_LOCKOUT_ATTEMPTS = 5
    client = APIClient()
    for _ in range(5):
        assert _token(client, "patient", "wrong").status_code == 400
    locked = _token(client, "patient", PASSWORD)
    assert locked.status_code == 400  # the right password no longer works from here
    assert "Wrong username or password" in str(locked.json())
    assert _token(client, "patient", PASSWORD, ip="10.0.0.2").status_code == 200  # elsewhere
    # The web sign-in page goes through the same backend.
    web = Client(REMOTE_ADDR="10.0.0.1")
    response = web.post("/accounts/login/", {"username": "patient", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in web.session
    # Another account from the same address is not affected.
    assert _token(client, "therapist", PASSWORD).status_code == 200


def test_lockout_expires(world, settings):
    from django.core.cache import cache
    from rest_framework.test import APIClient

    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    client = APIClient()
    for _ in range(2):
        _token(client, "patient", "wrong")
    assert _token(client, "patient", PASSWORD).status_code == 400
    cache.clear()  # what LOGIN_LOCKOUT_SECONDS does by expiring the counter
    assert _token(client, "patient", PASSWORD).status_code == 200


def test_token_requests_are_throttled_per_address(world, settings):
    from rest_framework.test import APIClient

    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "login": "3/min"}
    client = APIClient()
    codes = [_token(client, f"user{i}", "x").status_code for i in range(4)]
    assert codes == [400, 400, 400, 429]
    blocked = _token(client, "patient", PASSWORD)
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert _token(client, "patient", PASSWORD, ip="10.9.9.9").status_code == 200


def test_api_rate_limits(world, settings, api_client_for):
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "user": "5/min",
        "anon": "2/min",
        "upload": "2/hour",
    }
    patient = api_client_for(world["patient"])
    assert [patient.get("/api/v1/routines/").status_code for _ in range(6)] == [200] * 5 + [429]
    # Anonymous requests to private endpoints are refused (401) before any throttle; public
    # ones are limited per address.
    anonymous = api_client_for(None)
    assert [anonymous.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]

    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "100/min"}
    other = api_client_for(world["other_patient"])
    item = world["other_item"].pk
    track = {
        "video": {"width": 100, "height": 100},
        "timestamps": [0.0, 0.1],
        "keypoints": [[[50.0, 50.0, 0.9]] * 17] * 2,
    }
    codes = [
        other.post(
            "/api/v1/sessions/", {"routine_item": item, "keypoints": track}, format="json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [202, 202, 429]
    assert other.get("/api/v1/sessions/").status_code == 200  # reading is not an upload


def test_forwarded_for_does_not_evade_the_throttle(world, settings):
    from rest_framework.test import APIClient

    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "login": "2/min"}
    client = APIClient()
    codes = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "x", "password": "y"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        ).status_code
        for i in range(3)
    ]
    assert codes[-1] == 429


# --- Tokens ----------------------------------------------------------------------------------


def test_token_expiry_and_revocation(world, api_client_for):
    from rest_framework.test import APIClient

    token, key = services.token_create(user=world["patient"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/sessions/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/sessions/").status_code == 401

    token, key = services.token_create(user=world["patient"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/sessions/").status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert ApiToken.objects.filter(key_hash=key).count() == 0  # only hashes are stored

    world["patient"].is_active = False
    world["patient"].save()
    _, key = services.token_create(user=world["patient"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/sessions/").status_code == 401


# --- CSRF ----------------------------------------------------------------------------------


def test_csrf_is_enforced_on_every_form_and_session_api_write(world):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post("/accounts/login/", {"username": "patient", "password": PASSWORD}).status_code
        == 403
    )
    page = client.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    signed_in = client.post(
        "/accounts/login/",
        {"username": "therapist", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed_in.status_code == 302

    # Every route that accepts a POST refuses one without the token (none is csrf_exempt).
    refused = 0
    for name, route in _ours():
        if name in ("api:auth-token",):  # token sign-in takes no cookie: nothing to forge
            continue
        url = _fill(route, world, "")
        if url.startswith("/api/"):  # the API takes JSON bodies only (uploads: multipart)
            response = client.post(url, '{"x": "1"}', content_type="application/json")
        else:
            response = client.post(url, {"x": "1"})
        if response.status_code == 405:
            continue
        assert response.status_code == 403, (url, response.status_code)
        refused += 1
    assert refused >= 8

    # The API with a session cookie needs the token too; with a token header it does not.
    response = client.patch(
        f"/api/v1/sessions/{world['session'].pk}/",
        '{"pain_score": 2}',
        content_type="application/json",
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


# --- Production settings ------------------------------------------------------------------


def test_manage_py_check_deploy_is_clean_under_production_settings():
    env = {
        # The browser tests allow Django's ORM under Playwright's event loop in this process;
        # a deployment never sets that, so neither does this check.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://therapose@db.internal:5432/therapose",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "DJANGO_ALLOWED_HOSTS": "therapose.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_values():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://therapose@db.internal:5432/therapose",
        "REDIS_URL": "redis://redis.internal:6379/0",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.X_FRAME_OPTIONS,"
        " s.CACHES['default']['BACKEND'].endswith('RedisCache'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "True",
        "DENY",
        "True",
    ], result.stderr


# --- Content-Security-Policy ---------------------------------------------------------------

ALLOWED_SOURCES = {"'self'", "'none'", "'wasm-unsafe-eval'", "data:", "blob:"}


def _csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def test_csp_allows_only_our_own_origin(world, client):
    client.force_login(world["therapist"])
    responses = [
        client.get("/therapist/"),
        client.get("/api/v1/sessions/"),
        client.get("/api/docs/"),
        client.get("/accounts/login/"),
        client.get("/no-such-page/"),
        client.get("/healthz"),
    ]
    for response in responses:
        policy = _csp(response)
        assert policy["default-src"] == ["'self'"]
        # blob:: the WASM backend's thread workers (config/settings/base.py)
        assert policy["script-src"] == ["'self'", "blob:", "'wasm-unsafe-eval'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        for directive, sources in policy.items():
            assert set(sources) <= ALLOWED_SOURCES, (directive, sources)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


ASSET = re.compile(
    r"""<(?:script|link|img|iframe|source|video)\b[^>]*?\b(?:src|href)=["']([^"']+)""", re.I
)


def test_pages_load_no_third_party_script(world, client):
    pages = {
        "therapist": [
            "/therapist/",
            f"/therapist/patients/{world['patient'].pk}/",
            f"/therapist/sessions/{world['session'].pk}/",
            "/api/docs/",
        ],
        "patient": [
            "/patient/",
            f"/patient/exercise/{world['item'].pk}/",
            "/patient/history/",
            f"/patient/sessions/{world['session'].pk}/",
        ],
        None: ["/accounts/login/", "/admin/login/"],
    }
    seen = 0
    for who, urls in pages.items():
        client.logout()
        if who:
            client.force_login(world[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            html = response.content.decode()
            for ref in ASSET.findall(html):
                seen += 1
                assert not re.match(r"^(https?:)?//", ref), (url, ref)
            assert "<script>" not in html.replace(" ", "") or url == "/admin/login/", url
    assert seen > 5


# --- Audit log -----------------------------------------------------------------------------


def test_audit_log_records_who_viewed_or_changed_which_patients_data(world, api_client_for):
    session = world["session"]
    therapist = api_client_for(world["therapist"])
    before = timezone.now()
    assert therapist.get(f"/api/v1/sessions/{session.pk}/").status_code == 200
    response = therapist.get(f"/api/v1/sessions/{session.pk}/clip/")
    b"".join(response.streaming_content)
    assert therapist.get(f"/api/v1/patients/{world['patient'].pk}/").status_code == 200
    assert (
        therapist.patch(
            f"/api/v1/routines/{world['routine'].pk}/", {"title": "New"}, format="json"
        ).status_code
        == 200
    )
    assert (
        api_client_for(world["patient"])
        .patch(f"/api/v1/sessions/{session.pk}/", {"pain_score": 4}, format="json")
        .status_code
        == 200
    )
    # Refused requests leave no "viewed" event.
    assert (
        api_client_for(world["other_therapist"]).get(f"/api/v1/sessions/{session.pk}/").status_code
        == 404
    )

    events = list(AuditEvent.objects.order_by("id"))
    rows = [(e.actor_username, e.action, e.target, e.target_id, e.patient_username) for e in events]
    assert rows == [
        ("therapist", "view", "session", str(session.pk), "patient"),
        ("therapist", "download", "clip", str(session.pk), "patient"),
        ("therapist", "view", "patient", str(world["patient"].pk), "patient"),
        ("therapist", "update", "routine", str(world["routine"].pk), "patient"),
        ("patient", "update", "session", str(session.pk), "patient"),
    ]
    assert all(before <= e.at <= timezone.now() for e in events)
    assert all(e.ip == "127.0.0.1" for e in events)
    # The web page's clip download is logged the same way.
    web = Client()
    web.force_login(world["patient"])
    b"".join(web.get(f"/sessions/{session.pk}/clip/").streaming_content)
    last = AuditEvent.objects.first()
    assert (last.actor_id, last.action, last.target) == (world["patient"].pk, "download", "clip")


def test_audit_log_is_visible_to_staff_and_read_only(world, api_client_for, django_user_model):
    api_client_for(world["therapist"]).get(f"/api/v1/sessions/{world['session'].pk}/")
    event = AuditEvent.objects.get()
    staff = django_user_model.objects.create_superuser("auditor", "a@example.org", PASSWORD)
    client = Client()
    client.force_login(staff)
    listing = client.get("/admin/therapy/auditevent/")
    assert listing.status_code == 200 and b"therapist" in listing.content
    assert client.get(f"/admin/therapy/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/therapy/auditevent/add/").status_code == 403
    assert client.post(f"/admin/therapy/auditevent/{event.pk}/delete/").status_code == 403
    client.post(f"/admin/therapy/auditevent/{event.pk}/change/", {"action": "delete"})
    event.refresh_from_db()
    assert event.action == "view"
    # Therapists and patients are not staff: the admin sends them to its login.
    client.force_login(world["therapist"])
    assert client.get("/admin/therapy/auditevent/").status_code == 302


# --- Stored clips ----------------------------------------------------------------------------


def test_deleting_a_patient_deletes_their_clips_from_storage(
    world, media_root, django_capture_on_commit_callbacks
):
    patient = world["patient"]
    track = services.session_create_from_track(
        patient=patient,
        routine_item=world["item"],
        track={
            "video": {"width": 100, "height": 100},
            "timestamps": [0.0, 0.1],
            "keypoints": [[[50.0, 50.0, 0.9]] * 17] * 2,
        },
    )
    sessions = [world["session"], track]
    files = [
        Path(world["session"].clip.path),
        Path(world["session"].result.keypoint_track.path),
        Path(track.uploaded_track.path),
    ]
    other_clip = Path(world["other_session"].clip.path)
    assert all(f.is_file() for f in files + [other_clip])
    assert all(re.fullmatch(r"[0-9a-f]{32}\.(mp4|json)", f.name) for f in files)

    with django_capture_on_commit_callbacks(execute=True):
        services.patient_delete(patient=patient)
    assert not ExerciseSession.objects.filter(pk__in=[s.pk for s in sessions]).exists()
    assert [f for f in files if f.exists()] == []
    assert other_clip.is_file()  # someone else's clip is untouched


def test_clip_bytes_are_served_only_after_the_check(world, api_client_for):
    session = world["session"]
    assert (
        api_client_for(world["other_patient"])
        .get(f"/api/v1/sessions/{session.pk}/clip/")
        .status_code
        == 404
    )
    response = api_client_for(world["patient"]).get(f"/api/v1/sessions/{session.pk}/clip/")
    assert b"".join(response.streaming_content).startswith(MP4_HEADER)
    assert response["Cache-Control"] == "private, no-store"


def test_staff_can_delete_a_patient_in_the_admin_and_their_clips_go(
    world, media_root, client, django_capture_on_commit_callbacks
):
    from therapy.models import User

    staff = User.objects.create_user(
        "auditor-admin", password="x" * 12, is_staff=True, is_superuser=True, role="staff"
    )
    patient = world["patient"]
    clip = Path(world["session"].clip.path)
    client.force_login(staff)
    page = client.get(f"/admin/therapy/user/{patient.pk}/delete/")
    assert page.status_code == 200 and b"Cannot delete" not in page.content
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/admin/therapy/user/{patient.pk}/delete/", {"post": "yes"})
    assert done.status_code == 302
    assert not User.objects.filter(pk=patient.pk).exists()
    assert not clip.exists()


def test_clip_view_serves_byte_ranges_for_seeking(world, api_client_for):
    session = world["session"]
    whole = b"".join(
        api_client_for(world["patient"])
        .get(f"/api/v1/sessions/{session.pk}/clip/")
        .streaming_content
    )
    client = api_client_for(world["patient"])
    url = f"/api/v1/sessions/{session.pk}/clip/"
    part = client.get(url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-11/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[4:12]
    tail = client.get(url, HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == whole[-5:]
    open_ended = client.get(url, HTTP_RANGE="bytes=10-")
    assert b"".join(open_ended.streaming_content) == whole[10:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(whole)}-").status_code == 416
    # The range is served only after the same permission check as the whole clip.
    assert (
        api_client_for(world["other_patient"]).get(url, HTTP_RANGE="bytes=0-1").status_code == 404
    )
