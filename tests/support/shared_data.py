"""Where the reference clips live (``../shared/testdata`` beside the checkout) and how tests reach them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PASSWORD = "correct-horse-battery-staple"  # every test user's password

TESTDATA = Path(
    os.environ.get(
        "THERAPOSE_TESTDATA", Path(__file__).resolve().parents[3] / "shared" / "testdata"
    )
)


def require_testdata(name: str) -> Path:
    """The path of a reference file; skip with a reason when absent, but fail under CI=true."""
    path = TESTDATA / name
    if not path.is_file():
        skip_or_fail(f"reference test data {path} not found (shared/testdata beside the checkout)")
    return path


def skip_or_fail(message: str) -> None:
    """Skip with ``message`` on a developer's machine; fail under CI=true (nothing may skip there)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
