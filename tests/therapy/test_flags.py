"""Safety flags: each rule with a value on both sides of its threshold, the dashboard's order
by urgency, and the therapist's email, sent once per flag and event even when two workers
raise the same flag at once."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.support.concurrency import uncommitted_row
from tests.support.sessions import engine_result, graded_result, make_done_session
from therapy import services
from therapy.models import ExerciseSession, FlagNotice, Role, RoutineItem, User
from therapy.selectors.flags import Severity, missed_gap_days, patient_flags
from therapy.selectors.reporting import dashboard_rows
from therapy.services.notifications import flag_notice_send, flags_check, flags_check_all
from therapy.services.sessions import session_update_feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(routine, patient, therapist):
    therapist.email = "therapist@clinic.example"
    therapist.save()
    return routine.items.get()


def _session(patient, item, *, pain=None, days_ago=0.0, rom=None, trusted=True):
    output = engine_result()
    if rom is not None:
        m = output.measures
        output = replace(
            output,
            measures=replace(
                m, summary=replace(m.summary, figures={**m.summary.figures, "range_of_motion": rom})
            ),
        )
    if not trusted:
        output = graded_result(output, range=("unreliable", ["The arm left the picture."]))
    s = make_done_session(patient=patient, routine_item=item, output=output)
    ExerciseSession.objects.filter(pk=s.pk).update(
        pain_score=pain, created_at=timezone.now() - timedelta(days=days_ago)
    )
    s.refresh_from_db()
    return s


def _codes(patient):
    return {f.code: f for f in patient_flags(patient=patient)}


# --- Pain ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("pain", "flagged"), [(9, True), (7, True), (6, False)])
def test_one_high_pain_score_flags_on_its_own(patient, item, pain, flagged):
    _session(patient, item, pain=pain)
    flags = _codes(patient)
    assert ("pain_high" in flags) is flagged
    if flagged:
        assert flags["pain_high"].severity == Severity.URGENT
        assert f"Pain {pain}/10" in flags["pain_high"].detail


@pytest.mark.parametrize(
    ("before", "after", "flagged"), [(2, 5, True), (1, 5, True), (2, 4, False)]
)
def test_a_jump_of_three_points_flags(patient, item, before, after, flagged):
    _session(patient, item, pain=before, days_ago=2)
    s = _session(patient, item, pain=after, days_ago=1)
    flags = _codes(patient)
    assert ("pain_jump" in flags) is flagged
    if flagged:
        assert flags["pain_jump"].severity == Severity.URGENT
        assert flags["pain_jump"].event == f"session:{s.pk}"
        assert f"{before} → {after}/10" in flags["pain_jump"].detail


def test_high_pain_after_a_jump_is_one_flag_saying_both(patient, item):
    _session(patient, item, pain=3, days_ago=1)
    _session(patient, item, pain=8)
    flags = patient_flags(patient=patient)
    pain = [f for f in flags if f.code.startswith("pain")]
    assert [f.code for f in pain] == ["pain_high"]
    assert "Pain 8/10, up from 3" in pain[0].detail


# --- Missed sessions ------------------------------------------------------------------------


def test_gap_threshold_follows_the_routines_days_per_week():
    assert missed_gap_days(3) == 5  # every 2.3 days expected: twice that, rounded up
    assert missed_gap_days(1) == 14
    assert missed_gap_days(7) == 3  # never below three days
    assert missed_gap_days(21) == 3


def test_missed_sessions_flag_after_twice_the_expected_interval(patient, item, routine):
    # per_week 3 in the fixture: 5 days without a session are missed, 4 are not.
    routine.start_date = timezone.localdate() - timedelta(days=4)
    routine.save()
    assert "missed_sessions" not in _codes(patient)
    routine.start_date = timezone.localdate() - timedelta(days=5)
    routine.save()
    flag = _codes(patient)["missed_sessions"]
    assert flag.severity == Severity.ATTENTION
    assert "5 days without a session since the routine started" in flag.detail
    assert flag.event == f"gap:{routine.start_date.isoformat()}"


def test_missed_sessions_flag_for_a_short_last_week(patient, item, routine):
    from therapy.selectors.adherence import week_start_of

    routine.start_date = timezone.localdate() - timedelta(days=30)
    routine.save()
    RoutineItem.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(days=30))
    last_monday = week_start_of() - timedelta(days=7)
    _session(patient, item, days_ago=(timezone.localdate() - last_monday).days - 0.5)
    _session(patient, item, days_ago=0)  # active today: no gap
    flag = _codes(patient)["missed_sessions"]
    assert "1 of 3 sessions done in the week of" in flag.detail
    assert flag.event == f"week:{last_monday.isoformat()}"
    for day in (1, 2):  # three sessions in that week: nothing missed
        _session(patient, item, days_ago=(timezone.localdate() - last_monday).days - day - 0.5)
    assert "missed_sessions" not in _codes(patient)


# --- Declining measure (trusted sessions only) ------------------------------------------------


def test_declining_measure_on_trusted_sessions(patient, item):
    for n, rom in enumerate((130.0, 132.0, 128.0)):
        _session(patient, item, rom=rom, days_ago=5 - n)
    _session(patient, item, rom=125.0, days_ago=1)
    assert "measure_declining" not in _codes(patient)  # 5 below the median: noise
    latest = _session(patient, item, rom=115.0)
    flag = _codes(patient)["measure_declining"]
    assert "latest 115, earlier median 129" in flag.detail
    assert flag.event == f"session:{latest.pk}"


def test_an_untrusted_session_never_reads_as_a_decline(patient, item):
    for n, rom in enumerate((130.0, 132.0, 128.0)):
        _session(patient, item, rom=rom, days_ago=5 - n)
    _session(patient, item, rom=90.0, trusted=False)
    flags = _codes(patient)
    assert "measure_declining" not in flags
    assert flags["quality"].severity == Severity.INFO


# --- The dashboard's order ------------------------------------------------------------------


def _another_patient(therapist, name, exercises_catalog):
    p = User.objects.create(username=name, role=Role.PATIENT, therapist=therapist, last_name=name)
    r = services.routine_create(
        therapist=therapist,
        patient=p,
        title="Rehab",
        items=[{"exercise": exercises_catalog["shoulder_abduction"], "reps": 10, "per_week": 3}],
    )
    return p, r.items.get()


def test_dashboard_sorted_by_urgency(client, therapist, exercises_catalog):
    # By name: Adams, Baker, Clark. By urgency: Clark (high pain), Baker (quality), Adams.
    adams, adams_item = _another_patient(therapist, "Adams", exercises_catalog)
    baker, baker_item = _another_patient(therapist, "Baker", exercises_catalog)
    clark, clark_item = _another_patient(therapist, "Clark", exercises_catalog)
    _session(adams, adams_item, pain=2)
    _session(baker, baker_item, rom=120.0, trusted=False)
    _session(clark, clark_item, pain=9)
    from therapy.selectors.patients import patient_list

    rows = dashboard_rows(patients=list(patient_list(therapist=therapist)))
    assert [r.patient.last_name for r in rows] == ["Clark", "Baker", "Adams"]
    client.force_login(therapist)
    body = client.get("/therapist/").content.decode()
    assert body.index("Clark") < body.index("Baker") < body.index("Adams")
    assert "High pain" in body and "Pain 9/10" in body and "Urgent:" in body


# --- Email, once per flag and event -------------------------------------------------------------


def test_saving_a_high_pain_score_emails_the_therapist_once(
    patient, item, eager_celery, django_capture_on_commit_callbacks
):
    session = _session(patient, item)
    with django_capture_on_commit_callbacks(execute=True):
        session_update_feedback(session=session, pain_score=9)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["therapist@clinic.example"]
    assert "High pain" in message.subject and "urgent" in message.subject
    assert f"/therapist/patients/{patient.pk}/" in message.body
    # Privacy: neither the patient's name nor the score travels by email.
    assert patient.first_name not in message.body + message.subject
    assert "9" not in message.subject and "9/10" not in message.body
    notice = FlagNotice.objects.get()
    assert notice.sent_at is not None and notice.event_key == f"session:{session.pk}"

    # The same event again (the score saved a second time, the periodic check, a redelivered
    # task) sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        session_update_feedback(session=session, pain_score=9, comment="still hurts")
        flags_check_all()
    assert flag_notice_send(notice_id=notice.pk) is False
    assert len(mail.outbox) == 1

    # A new event (another session scored 8) is a new email.
    later = _session(patient, item)
    with django_capture_on_commit_callbacks(execute=True):
        session_update_feedback(session=later, pain_score=8)
    assert len(mail.outbox) == 2 and FlagNotice.objects.count() == 2


def test_a_low_score_or_a_quality_flag_sends_nothing(
    patient, item, eager_celery, django_capture_on_commit_callbacks
):
    session = _session(patient, item, rom=100.0, trusted=False)
    with django_capture_on_commit_callbacks(execute=True):
        session_update_feedback(session=session, pain_score=3)
    assert mail.outbox == [] and not FlagNotice.objects.exists()


def test_missed_sessions_are_emailed_by_the_periodic_check(
    patient, item, routine, eager_celery, django_capture_on_commit_callbacks
):
    routine.start_date = timezone.localdate() - timedelta(days=8)
    routine.save()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = flags_check_all()
        flags_check_all()
    assert outcome["raised"] == 1
    assert len(mail.outbox) == 1 and "Missed sessions" in mail.outbox[0].subject


def test_no_email_address_means_no_email_and_no_retry(patient, item, therapist, eager_celery):
    therapist.email = ""
    therapist.save()
    _session(patient, item, pain=9)
    [notice] = flags_check(patient=patient)
    assert flag_notice_send(notice_id=notice.pk) is False
    notice.refresh_from_db()
    assert notice.failed and notice.sent_at is None and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_check_cannot_record_the_same_notice_twice(patient, item):
    """Worker A has inserted the notice but not committed yet; worker B's check does not see
    it, tries to insert the same (patient, flag, event), waits on the unique index, and gets
    nothing to send once A commits: one notice, one email."""
    session = _session(patient, item, pain=9)
    new_notice = dict(
        patient=patient,
        code="pain_high",
        event_key=f"session:{session.pk}",
        recipient=patient.therapist,
    )
    # A commits while B waits on the index
    with uncommitted_row(lambda: FlagNotice.objects.create(**new_notice)):
        started = time.monotonic()
        recorded = flags_check(patient=patient)
        waited = time.monotonic() - started
    assert recorded == []
    assert waited >= 0.4  # B really met A's uncommitted row
    assert FlagNotice.objects.filter(patient=patient, code="pain_high").count() == 1


def test_email_time_is_in_the_clinics_zone(
    patient, item, therapist, eager_celery, django_capture_on_commit_callbacks
):
    from zoneinfo import ZoneInfo

    from therapy.models import Clinic

    clinic = Clinic.objects.create(name="Harbour Physio", time_zone="Pacific/Auckland")
    patient.clinic = therapist.clinic = clinic
    patient.save()
    therapist.save()
    _session(patient, item, pain=8)
    with django_capture_on_commit_callbacks(execute=True):
        [notice] = flags_check(patient=patient)
    [message] = mail.outbox
    when = timezone.localtime(notice.created_at, ZoneInfo("Pacific/Auckland"))
    assert f"Raised {when:%-d %b %Y, %H:%M} {when.tzname()}." in message.body
