"""Access helpers shared by the API and the pages.

Objects outside the asking user's scope are reported as missing (404), never as forbidden, so
that an outsider cannot tell another clinic's ids from ids that do not exist. DRF turns
``Http404`` into its JSON 404, so one helper serves both layers.
"""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404

T = TypeVar("T")


def get_or_404(obj: T | None) -> T:
    """``obj`` itself, or a 404 when a selector found nothing in the user's scope."""
    if obj is None:
        raise Http404
    return obj


def has_role(user, role: str) -> bool:
    """Whether ``user`` is signed in with this role (``"therapist"`` or ``"patient"``)."""
    return bool(user is not None and user.is_authenticated and user.role == role)
