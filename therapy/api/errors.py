"""API errors: Django's ValidationError (raised by services) becomes a DRF 400; an upload over
the limit is a 413; storage that cannot be written (a full, read-only or missing media
folder) is a 503 in JSON, logged, instead of a 500 page."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

# Modules whose OSErrors mean "the stored files cannot be reached": Django's file storage and
# django-storages (S3).
_STORAGE_MODULES = ("django.core.files", "storages")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."
    default_code = "too_large"


class StorageUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "Storage is unavailable; your recording was not saved — try again in a few minutes."
    )
    default_code = "storage_unavailable"


def _raised_by_storage(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(_STORAGE_MODULES):
            return True
        tb = tb.tb_next
    return False


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, OSError) and _raised_by_storage(exc):
        view = context.get("view")
        logger.error(
            "Storage unavailable in %s: %s", type(view).__name__ if view else "?", exc, exc_info=exc
        )
        exc = StorageUnavailable()
    return drf_exception_handler(exc, context)
