"""Project configuration. Importing it makes the Celery app available to ``shared_task``."""

from config.celery_app import app as celery_app

__all__ = ("celery_app",)
