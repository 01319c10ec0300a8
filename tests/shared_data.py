"""Where the reference clips live (``../shared/testdata`` beside the checkout) and how tests reach them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTDATA = Path(
    os.environ.get("THERAPOSE_TESTDATA", Path(__file__).resolve().parents[2] / "shared" / "testdata")
)


def require_testdata(name: str) -> Path:
    """The path of a reference file; skip with a reason when absent, but fail under CI=true."""
    path = TESTDATA / name
    if not path.is_file():
        message = f"reference test data {path} not found (shared/testdata beside the checkout)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
