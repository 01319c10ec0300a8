"""Tests run against real PostgreSQL and Redis (both on 127.0.0.1 on developers' machines)."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/therapose")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")

from .base import *  # noqa: E402, F403
from .base import celery_transport_options, env  # noqa: E402

SECRET_KEY = "test-only-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=os.environ["REDIS_URL"])
CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport_options(CELERY_BROKER_URL)
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
# Rate limits and the login lockout are counted in a per-process cache that no test clears:
# keep them out of the way here; tests/reliability/test_security.py,
# test_login_and_storage.py and tests/therapy/test_password_reset_limits.py set real values.
API_THROTTLE_RATES = {scope: "100000/min" for scope in API_THROTTLE_RATES}  # noqa: F405
LOGIN_LOCKOUT_ATTEMPTS = 1000
LOGIN_THROTTLE_ADDRESS_FAILURES = 100000
PASSWORD_RESET_ADDRESS_LIMIT = 100000
PASSWORD_RESET_EMAIL_SECONDS = 0
