"""Shared fixtures: four users (a therapist, their patient, another therapist, another patient)
plus anonymous, a routine for each patient, and media sent to a temporary folder."""

from __future__ import annotations

import pytest

from tests.support.shared_data import (  # noqa: F401  (re-exported)
    PASSWORD,
    TESTDATA,
    require_testdata,
)


@pytest.fixture
def testdata_file():
    """``testdata_file(name)``: see :func:`require_testdata`."""
    return require_testdata


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After migrating the test database, write the built-in exercises as deployments do
    (``manage.py sync_catalog``)."""
    from exercises.services import exercise_catalog_sync

    with django_db_blocker.unblock():
        exercise_catalog_sync()


@pytest.fixture
def exercises_catalog(db):
    """The built-in catalog by slug. Synced again here because transactional tests flush the
    rows that the session's set-up wrote."""
    from exercises.models import Exercise
    from exercises.services import exercise_catalog_sync

    exercise_catalog_sync()
    return {e.slug: e for e in Exercise.objects.filter(is_builtin=True)}


def _make_user(username: str, role: str, therapist=None):
    from therapy.models import User

    user = User(username=username, role=role, therapist=therapist, first_name=username.title())
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def therapist(db):
    return _make_user("therapist", "therapist")


@pytest.fixture
def patient(therapist):
    return _make_user("patient", "patient", therapist=therapist)


@pytest.fixture
def other_therapist(db):
    return _make_user("other-therapist", "therapist")


@pytest.fixture
def other_patient(other_therapist):
    return _make_user("other-patient", "patient", therapist=other_therapist)


@pytest.fixture
def users(therapist, patient, other_therapist, other_patient):
    """The four users by role name, plus anonymous as None."""
    return {
        "therapist": therapist,
        "patient": patient,
        "other_therapist": other_therapist,
        "other_patient": other_patient,
        "anonymous": None,
    }


@pytest.fixture
def routine(therapist, patient, exercises_catalog):
    from therapy import services

    return services.routine_create(
        therapist=therapist,
        patient=patient,
        title="Shoulder rehab",
        items=[{"exercise": exercises_catalog["shoulder_abduction"], "reps": 10, "per_week": 3}],
    )


@pytest.fixture
def other_routine(other_therapist, other_patient, exercises_catalog):
    from therapy import services

    return services.routine_create(
        therapist=other_therapist,
        patient=other_patient,
        title="Other rehab",
        items=[{"exercise": exercises_catalog["squat"], "per_week": 2}],
    )


@pytest.fixture
def api_client_for():
    """``api_client_for(user)``: an APIClient with a real token (anonymous for None)."""
    from rest_framework.test import APIClient

    from therapy import services

    def make(user):
        client = APIClient()
        if user is not None:
            _, key = services.token_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def eager_celery():
    """Celery tasks run in-process when sent (``.delay()``), errors raised to the caller."""
    from config.celery_app import app

    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old
