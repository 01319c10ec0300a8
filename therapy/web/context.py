"""Template context for every page: the signed-in user's unread messages (the nav badge and
the dashboard's per-patient counts). Lazy and cached on the request: at most one query."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from therapy.selectors.messages import UnreadCounts, unread_count_for


def unread_for_request(request) -> UnreadCounts:
    """The signed-in user's unread counts, computed once per request."""
    cached = getattr(request, "_unread_messages", None)
    if cached is None:
        cached = unread_count_for(user=request.user)
        request._unread_messages = cached
    return cached


def unread_messages(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.is_patient or user.is_therapist):
        return {}
    return {"unread_messages": SimpleLazyObject(lambda: unread_for_request(request))}
