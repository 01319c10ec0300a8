"""The health check: do the database and the broker answer? (No sign-in needed.)"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("healthz: database unreachable", exc_info=True)
        return False


def _broker_ok() -> bool:
    from django.conf import settings

    from config.celery_app import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True
    except Exception:
        logger.warning("healthz: broker unreachable", exc_info=True)
        return False


@never_cache
@require_GET
def healthz(request):
    database, broker = _database_ok(), _broker_ok()
    ok = database and broker
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "database": database, "broker": broker},
        status=200 if ok else 503,
    )
