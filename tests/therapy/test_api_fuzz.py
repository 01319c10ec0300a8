"""Schemathesis against our own OpenAPI schema: no request it generates may cause a 5xx."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
import hypothesis  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

# Schemathesis 3.x breaks with Hypothesis > 6.131.14 ("'many' object has no attribute 'more'",
# fixed upstream in schemathesis PR #2832, i.e. 4.x).
if tuple(int(p) for p in hypothesis.__version__.split(".")[:3]) > (6, 131, 14):
    pytest.skip(
        f"schemathesis {schemathesis.__version__} needs hypothesis<=6.131.14, "
        f"found {hypothesis.__version__}",
        allow_module_level=True,
    )

from config.wsgi import application  # noqa: E402

schema = schemathesis.from_wsgi("/api/schema/", application)


@pytest.fixture
def keep_db_connection():
    """Like Django's test client: requests must not close the test's DB connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def patient_token(routine, patient, keep_db_connection):
    from therapy import services

    return services.token_create(user=patient)[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, patient_token):
    response = case.call_wsgi(headers={"Authorization": f"Token {patient_token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.get_data()[:500])
