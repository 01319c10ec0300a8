"""Sign-in with a lockout: after ``LOGIN_LOCKOUT_ATTEMPTS`` wrong passwords for one username
from one address, that pair is refused for ``LOGIN_LOCKOUT_SECONDS`` (even with the right
password). Every sign-in path (pages, admin, API token) goes through ``authenticate()``.

Keyed by username *and* address so that a stranger cannot lock a patient out from elsewhere;
the API's ``login`` throttle bounds guessing across usernames from one address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache


def client_ip(request) -> str:
    """The peer address. Behind a proxy, configure it to set REMOTE_ADDR (we do not trust
    X-Forwarded-For from clients)."""
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "") or ""


def _key(username: str, request) -> str:
    raw = f"{(username or '').strip().lower()}|{client_ip(request)}"
    return "login-failures:" + hashlib.sha256(raw.encode()).hexdigest()


def login_is_locked(*, username: str, request) -> bool:
    return cache.get(_key(username, request), 0) >= settings.LOGIN_LOCKOUT_ATTEMPTS


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field(), "")
        key = _key(username, request)
        if cache.get(key, 0) >= settings.LOGIN_LOCKOUT_ATTEMPTS:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        else:
            cache.delete(key)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
