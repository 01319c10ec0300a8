"""What the browser test modules share: one Playwright driver for the whole run (its sync API
keeps an event loop open in this thread, so two drivers cannot be open at once)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while it is open; the ORM calls
    # the tests themselves make (fixtures, assertions) are still synchronous and safe. Allowed
    # only while the driver is open (until the end of the run, as before).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        yield pw
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
