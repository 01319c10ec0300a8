"""The Celery application. Settings come from Django's settings (``CELERY_*``).

Start a worker for the analysis queue with::

    celery -A config worker -Q pose -c 1 --pool prefork
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("therapose")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
