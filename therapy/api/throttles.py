"""API rate limits. Rates come from ``settings.API_THROTTLE_RATES`` at each request (DRF's own
classes read them once, at import), so they can be changed per environment and in tests."""

from __future__ import annotations

from django.conf import settings
from rest_framework import throttling

from therapy.auth import client_ip


class _SettingsRate:
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        """The client address as the sign-in limits see it (``TRUSTED_PROXIES``)."""
        return client_ip(request) or super().get_ident(request)


class AnonThrottle(_SettingsRate, throttling.AnonRateThrottle):
    scope = "anon"


class UserThrottle(_SettingsRate, throttling.UserRateThrottle):
    scope = "user"


class LoginThrottle(_SettingsRate, throttling.SimpleRateThrottle):
    """Token requests per client address, whoever they claim to be."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UploadThrottle(_SettingsRate, throttling.UserRateThrottle):
    """Sessions created per account (uploads are the expensive requests)."""

    scope = "upload"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)
