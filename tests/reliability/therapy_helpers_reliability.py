"""Sessions in a known state for the reliability tests (reuses tests/therapy's builders)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "therapy"))

from therapy_helpers import (  # noqa: E402
    MP4_HEADER,
    fake_output,
    make_clip_session,
    make_done_session,
)

__all__ = ["MP4_HEADER", "fake_output", "make_clip_session", "done_session"]


def done_session(patient, item):
    return make_done_session(patient=patient, routine_item=item)
