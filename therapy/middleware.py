"""Content-Security-Policy on every response: our own origin only (no third-party script); the
clinic's time zone for signed-in users."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from therapy.selectors.clinics import clinic_zone


class ContentSecurityPolicyMiddleware:
    """Adds ``settings.CONTENT_SECURITY_POLICY`` unless a view already set its own."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class CrossOriginIsolationMiddleware:
    """Cross-origin isolation, so the live page's WASM backend may use threads (SharedArrayBuffer).

    ``Cross-Origin-Opener-Policy`` comes from Django's SecurityMiddleware
    (``SECURE_CROSS_ORIGIN_OPENER_POLICY``); this adds ``Cross-Origin-Embedder-Policy``
    (``settings.CROSS_ORIGIN_EMBEDDER_POLICY``) and, on every response including static files,
    ``Cross-Origin-Resource-Policy: same-origin``: every asset is our own.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        embedder = getattr(settings, "CROSS_ORIGIN_EMBEDDER_POLICY", "require-corp")
        if embedder:
            response.headers.setdefault("Cross-Origin-Embedder-Policy", embedder)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class ClinicTimeZoneMiddleware:
    """Dates on the pages and in exports in the signed-in user's clinic's time zone."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(clinic_zone(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
