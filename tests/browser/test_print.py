"""Printing in Chromium: the progress report prints on A4 landscape (its charts beside the
tables); every other page keeps the printer's own size and orientation."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

A4_LANDSCAPE = (842, 595)  # PostScript points, rounded
LETTER_PORTRAIT = (612, 792)  # Chromium's own size when a page asks for none


def _page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """The MediaBox (width, height) of every page of a PDF Chromium printed."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


def test_only_the_report_prints_landscape(plain_browser, live_server, therapist, patient, routine):
    context = plain_browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server.url, therapist.username)

    page.goto(f"{live_server.url}/therapist/patients/{patient.pk}/report/")
    page.emulate_media(media="print")
    report = _page_sizes(page.pdf(prefer_css_page_size=True))
    assert report and all(size == A4_LANDSCAPE for size in report), report

    page.goto(f"{live_server.url}/therapist/patients/{patient.pk}/")
    other = _page_sizes(page.pdf(prefer_css_page_size=True))
    assert other and all(size == LETTER_PORTRAIT for size in other), other
    context.close()
