"""Clinics: the time zone a user's dates are shown, exported and emailed in."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from therapy.models import User

logger = logging.getLogger(__name__)


def clinic_zone(user: User | None) -> ZoneInfo:
    """The time zone of ``user``'s clinic (a patient without one: their therapist's clinic);
    ``settings.TIME_ZONE`` when there is no clinic or its zone is unknown to this system."""
    clinic = None
    if user is not None and getattr(user, "is_authenticated", False):
        clinic = user.clinic
        if clinic is None and user.therapist_id is not None:
            clinic = user.therapist.clinic
    name = clinic.time_zone if clinic is not None else settings.TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning(
            "clinic %s: unknown time zone %r, using %s", clinic, name, settings.TIME_ZONE
        )
        return ZoneInfo(settings.TIME_ZONE)
