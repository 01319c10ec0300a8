"""Pages, the API and errors are served cross-origin isolated (COOP same-origin + COEP
require-corp, therapy/middleware.py), so the live page's WASM backend may use threads; every
response says it may be embedded by our own origin only (CORP). The browser side
(``crossOriginIsolated`` true, threads and SIMD on) is tests/browser/test_live_backend.py."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/no-such-page/"])
def test_anonymous_responses_are_isolated(client, path):
    response = client.get(path)
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_signed_in_pages_and_api_are_isolated(client, patient, routine):
    client.force_login(patient)
    item = routine.items.get()
    for path in ("/patient/", f"/patient/exercise/{item.pk}/", "/api/v1/sessions/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cross-Origin-Embedder-Policy"] == "require-corp", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path


def test_the_embedder_policy_is_a_setting(client, settings):
    settings.CROSS_ORIGIN_EMBEDDER_POLICY = ""
    response = client.get("/accounts/login/")
    assert "Cross-Origin-Embedder-Policy" not in response
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
