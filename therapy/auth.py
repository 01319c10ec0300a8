"""Sign-in limits. Every sign-in path (pages, admin, API token) goes through ``authenticate()``,
which applies two counters of *failed* sign-ins, both kept in Django's cache:

- per username and client address: after ``LOGIN_LOCKOUT_ATTEMPTS`` wrong passwords, that
  pair is refused for ``LOGIN_LOCKOUT_SECONDS`` (even with the right password);
- per client address: after ``LOGIN_THROTTLE_ADDRESS_FAILURES`` failures for any usernames
  within ``LOGIN_THROTTLE_SECONDS``, that address is refused (password spraying). The sign-in
  page answers 429 before reading the form.

A refused attempt never reaches the password hasher, so it costs no CPU. Nothing is ever
counted per username alone: a stranger cannot lock a patient out, who can still sign in from
any other address. The API's ``login`` throttle also bounds token requests per address.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache


@functools.cache
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _trusted(address: str) -> bool:
    """Is ``address`` one of ``TRUSTED_PROXIES`` (addresses or networks such as 10.0.0.0/8)?"""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, unless that is one of ``TRUSTED_PROXIES`` (addresses
    or networks); then the nearest address in X-Forwarded-For that is not itself a trusted
    proxy (the addresses to its left were written by the client and may be forged)."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for address in reversed([a.strip() for a in forwarded if a.strip()]):
        if not _trusted(address):
            return address
    return remote


def cache_key(prefix: str, raw: str) -> str:
    """A cache key for ``raw`` (a username, an address) that does not store it in clear."""
    return prefix + hashlib.sha256(raw.encode()).hexdigest()


def _pair_key(username: str, request) -> str:
    return cache_key("login-failures:", f"{(username or '').strip().lower()}|{client_ip(request)}")


def _address_key(request) -> str:
    return cache_key("login-failures-from:", client_ip(request))


def count_in_window(key: str, seconds: int) -> None:
    """One more event (a failed sign-in, a reset request) in a window of ``seconds`` that
    starts at the first one."""
    if not cache.add(key, 1, timeout=seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=seconds)


def login_is_locked(*, username: str, request) -> bool:
    return cache.get(_pair_key(username, request), 0) >= settings.LOGIN_LOCKOUT_ATTEMPTS


def login_address_is_throttled(*, request) -> bool:
    """Whether the request's client address is over its limit of failed sign-ins."""
    if request is None:  # authenticate() called from code, not for a client
        return False
    return cache.get(_address_key(request), 0) >= settings.LOGIN_THROTTLE_ADDRESS_FAILURES


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field(), "")
        key = _pair_key(username, request)
        if login_address_is_throttled(request=request):
            return None
        if cache.get(key, 0) >= settings.LOGIN_LOCKOUT_ATTEMPTS:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            count_in_window(key, settings.LOGIN_LOCKOUT_SECONDS)
            if request is not None:
                count_in_window(_address_key(request), settings.LOGIN_THROTTLE_SECONDS)
        else:
            # The address counter stays: one known password must not buy more guesses.
            cache.delete(key)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
