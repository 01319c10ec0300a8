"""Fixtures for the reliability suite: a clean cache (rate limits, lockouts) per test, the
patient's routine item, and media builders."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def clean_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def item(routine):
    return routine.items.get()
