"""Password-reset limits. Django's reset page sends an email for every request, for any address,
as often as asked; two counters in Django's cache (the windowed counters of ``therapy.auth``)
bound that:

- per client address: after ``PASSWORD_RESET_ADDRESS_LIMIT`` reset requests within
  ``PASSWORD_RESET_WINDOW_SECONDS``, that address is answered 429 (with Retry-After) and nothing
  is sent: one machine cannot make the site mail a list of addresses;
- per email address: at most one reset email every ``PASSWORD_RESET_EMAIL_SECONDS``. A further
  request for that address within the window shows the same "if an account uses that address,
  we have sent it a link" page and sends nothing, so a stranger cannot mail-bomb a patient. Nor
  can they keep the patient from resetting: the first email of the window did leave, with a
  working link, and a request after the window sends a new one.

The email counter is kept for every address asked for, with or without an account, so neither
answer tells whether an account exists. Nothing here is counted per account: a patient's own
request from another network is limited only by the email window.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from therapy.auth import cache_key, client_ip, count_in_window


def reset_request_admit(*, request) -> bool:
    """Count one reset request against the client's address; False (and not counted) when the
    address has used up its requests of the window."""
    key = cache_key("password-reset-from:", client_ip(request))
    if cache.get(key, 0) >= settings.PASSWORD_RESET_ADDRESS_LIMIT:
        return False
    count_in_window(key, settings.PASSWORD_RESET_WINDOW_SECONDS)
    return True


def reset_email_claim(*, email: str) -> bool:
    """Whether a reset email may go to ``email`` now; True claims the window for it (the caller
    then sends). ``PASSWORD_RESET_EMAIL_SECONDS`` = 0 turns this limit off."""
    seconds = settings.PASSWORD_RESET_EMAIL_SECONDS
    if seconds <= 0:
        return True
    return cache.add(cache_key("password-reset-to:", email.strip().lower()), 1, timeout=seconds)
