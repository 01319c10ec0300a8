"""A patient scores a session 9/10 for pain in Chromium; their therapist's dashboard lists them
first, with the flag's label and detail, and the therapist got exactly one email about it.

Celery runs in-process (``eager_analysis``) so the email task sends into Django's locmem
outbox. The browser and page helpers are tests/browser/conftest.py's.
"""

from __future__ import annotations

import pytest
from django.core import mail

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.support.sessions import make_done_session
from tests.support.shared_data import PASSWORD
from therapy import services
from therapy.models import Role, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_pain_nine_flags_the_patient_first_and_emails_once(
    browser, live_server, therapist, patient, routine, exercises_catalog, eager_analysis
):
    therapist.email = "therapist@clinic.example"
    therapist.save()
    patient.last_name = "Zimmer"  # last by name: only urgency can put them first
    patient.save()
    calm = User(username="aaron", role=Role.PATIENT, therapist=therapist, last_name="Aaronson")
    calm.set_password(PASSWORD)
    calm.save()
    services.routine_create(
        therapist=therapist,
        patient=calm,
        title="Knees",
        items=[{"exercise": exercises_catalog["squat"], "per_week": 2}],
    )
    session = make_done_session(patient=patient, routine_item=routine.items.get())
    base = live_server.url

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, base, patient.username)
    page.goto(f"{base}/patient/sessions/{session.pk}/")
    page.get_by_label("Pain during this exercise").select_option("9")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert "your pain score and comment were saved" in page.content()
    context.close()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["therapist@clinic.example"]
    assert "High pain" in mail.outbox[0].subject

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, base, therapist.username)
    page.goto(f"{base}/therapist/")
    rows = page.get_by_test_id("patient-row")
    assert rows.count() == 2
    first = rows.nth(0)
    assert "Zimmer" in first.inner_text()
    flag = first.get_by_test_id("flag")
    assert flag.get_attribute("data-flag") == "pain_high"
    assert flag.get_attribute("data-level") == "urgent"
    assert flag.is_visible() and "High pain" in flag.inner_text()
    assert "Pain 9/10" in flag.inner_text()
    # The flag's text is not cut off at phone width: the page does not scroll sideways.
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    box = flag.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    context.close()
    assert len(mail.outbox) == 1  # viewing the dashboard sends nothing more


def test_trend_chart_spaces_sessions_by_time_with_pain_on_its_own_axis(
    browser, live_server, therapist, patient, routine
):
    import datetime as dt

    from therapy.models import Clinic, ExerciseSession

    clinic = Clinic.objects.create(name="Harbour Physio", time_zone="Pacific/Auckland")
    therapist.clinic = clinic
    therapist.save()
    start = dt.datetime(2026, 1, 5, 22, 0, tzinfo=dt.UTC)
    for days, pain in ((0, 2), (1, 3), (10, 4)):  # gaps of 1 day, then 9 days
        s = make_done_session(patient=patient, routine_item=routine.items.get())
        ExerciseSession.objects.filter(pk=s.pk).update(
            created_at=start + dt.timedelta(days=days), pain_score=pain
        )
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(20_000)
    log_in(page, live_server.url, therapist.username)
    page.goto(f"{live_server.url}/therapist/patients/{patient.pk}/")
    canvas = page.locator("canvas.trend-chart").first
    canvas.wait_for()
    page.locator("canvas.trend-chart[data-ready='true']").first.wait_for()
    assert canvas.get_attribute("data-x-scale") == "time"
    chart = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.querySelector('canvas.trend-chart'));
          const pain = chart.data.datasets.findIndex((d) => d.yAxisID === 'pain');
          const xs = chart.getDatasetMeta(pain).data.map((p) => p.x);
          return { xs, painMax: chart.scales.pain.max, painMin: chart.scales.pain.min,
                   axes: chart.data.datasets.map((d) => d.yAxisID),
                   xTitle: chart.options.scales.x.title.text,
                   firstLabel: chart.scales.x.getLabelForValue(
                     chart.scales.x.parse(chart.data.datasets[pain].data[0].x)) };
        }"""
    )
    assert not errors, errors
    first_gap, second_gap = chart["xs"][1] - chart["xs"][0], chart["xs"][2] - chart["xs"][1]
    assert second_gap / first_gap == pytest.approx(9, rel=0.02)  # real time, not even steps
    assert (chart["painMin"], chart["painMax"]) == (0, 10)
    assert chart["axes"].count("pain") == 1  # pain alone on its 0-10 axis
    # In the clinic's zone: 22:00 UTC on 5 January is 11:00 on the 6th in Auckland.
    assert chart["xTitle"] == "Date (Pacific/Auckland)"
    assert chart["firstLabel"].startswith("6 Jan 2026, 11:00"), chart["firstLabel"]
    context.close()
