"""What is due today: sessions spread evenly over the week, a daily cap, the next due day, the
routine's end, and the patient's own time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from therapy import services
from therapy.models import Clinic, ExerciseSession, SessionSource, SessionStatus
from therapy.selectors.schedule import due_items, patient_local_date

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 11, 30)  # a Monday
UTC = dt.UTC


def day(n: int) -> dt.date:
    return MON + dt.timedelta(days=n)


@pytest.fixture
def make_routine(therapist, patient, exercises_catalog):
    def make(per_week: int, *, start=MON - dt.timedelta(days=14), end=None):
        routine = services.routine_create(
            therapist=therapist,
            patient=patient,
            title="Knee",
            items=[{"exercise": exercises_catalog["squat"], "reps": 10, "per_week": per_week}],
        )
        routine.start_date, routine.end_date = start, end
        routine.save()
        return routine

    return make


def record(patient, routine, when: dt.datetime, status=SessionStatus.DONE) -> ExerciseSession:
    item = routine.items.get(retired_at=None)
    session = ExerciseSession.objects.create(
        patient=patient, routine_item=item, source=SessionSource.CLIP, status=status
    )
    ExerciseSession.objects.filter(pk=session.pk).update(created_at=when)
    return session


def at(d: dt.date, hour: int = 10, tz=UTC) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(hour), tzinfo=tz)


def only(patient, d):
    (row,) = due_items(patient=patient, day=d)
    return row


@pytest.fixture(autouse=True)
def utc_patient(patient):
    patient.time_zone = "UTC"
    patient.save()


def test_three_a_week_is_monday_wednesday_friday(patient, make_routine):
    routine = make_routine(3)
    row = only(patient, day(0))
    assert (row.due_today, row.next_due, row.done_this_week, row.per_week) == (True, MON, 0, 3)
    record(patient, routine, at(day(0)))
    row = only(patient, day(0))
    assert (row.due_today, row.done_today, row.next_due) == (False, 1, day(2))
    assert only(patient, day(1)).due_today is False  # target by Tuesday: ceil(6/7) = 1
    assert only(patient, day(1)).next_due == day(2)
    assert only(patient, day(2)).due_today is True  # ceil(9/7) = 2
    record(patient, routine, at(day(2)))
    assert only(patient, day(3)).due_today is False  # ceil(12/7) = 2
    assert only(patient, day(3)).next_due == day(4)
    assert only(patient, day(4)).due_today is True  # ceil(15/7) = 3
    record(patient, routine, at(day(4)))
    row = only(patient, day(5))
    assert (row.due_today, row.done_this_week, row.next_due) == (False, 3, day(7))


def test_a_missed_day_stays_due_but_only_once_a_day(patient, make_routine):
    make_routine(3)
    # Nothing done by Friday: 3 behind, but 3 a week allows one a day.
    row = only(patient, day(4))
    assert row.due_today is True
    routine = patient.routines.get()
    record(patient, routine, at(day(4), 9))
    row = only(patient, day(4))
    assert (row.due_today, row.next_due) == (False, day(5))


def test_daily(patient, make_routine):
    routine = make_routine(7)
    for n in range(3):
        assert only(patient, day(n)).due_today is True
        record(patient, routine, at(day(n)))
        row = only(patient, day(n))
        assert (row.due_today, row.next_due) == (False, day(n + 1))
    record(patient, routine, at(day(6)))
    row = only(patient, day(6))
    assert (row.due_today, row.next_due) == (False, day(7))


def test_twice_a_day(patient, make_routine):
    routine = make_routine(14)
    assert only(patient, day(0)).due_today is True
    record(patient, routine, at(day(0), 8))
    row = only(patient, day(0))
    assert (row.due_today, row.done_today) == (True, 1)
    record(patient, routine, at(day(0), 18))
    row = only(patient, day(0))
    assert (row.due_today, row.done_today, row.next_due) == (False, 2, day(1))


def test_done_ahead_is_not_due_until_the_target_catches_up(patient, make_routine):
    routine = make_routine(3)
    record(patient, routine, at(day(0), 8))
    record(patient, routine, at(day(0), 9))  # two on Monday
    row = only(patient, day(1))
    assert (row.due_today, row.done_this_week, row.next_due) == (False, 2, day(4))
    assert only(patient, day(2)).due_today is False


def test_queued_counts_failed_does_not(patient, make_routine):
    routine = make_routine(3)
    record(patient, routine, at(day(0)), SessionStatus.FAILED)
    assert only(patient, day(0)).due_today is True
    record(patient, routine, at(day(0), 11), SessionStatus.QUEUED)
    assert only(patient, day(0)).due_today is False


def test_last_week_does_not_count(patient, make_routine):
    routine = make_routine(7)
    record(patient, routine, at(day(-1)))
    assert only(patient, day(0)).done_this_week == 0


def test_routine_ending(patient, make_routine):
    make_routine(3, end=day(3))
    routine = patient.routines.get()
    record(patient, routine, at(day(2)))
    record(patient, routine, at(day(0)))
    # Done 2 by Wednesday; Friday would be next but the routine ends on Thursday.
    assert only(patient, day(2)).next_due is None
    assert due_items(patient=patient, day=day(4)) == []


def test_routine_running_next_week(patient, make_routine):
    routine = make_routine(1)
    record(patient, routine, at(day(0)))
    assert only(patient, day(0)).next_due == day(7)


def test_retired_items_are_left_out(patient, make_routine):
    routine = make_routine(3)
    routine.items.update(retired_at=at(day(0)))
    assert due_items(patient=patient, day=day(0)) == []


def test_zone_crossing_midnight(patient, make_routine):
    """A session at 23:30 on Monday in Los Angeles is Tuesday in UTC: it counts on Monday."""
    patient.time_zone = "America/Los_Angeles"
    patient.save()
    la = zoneinfo.ZoneInfo("America/Los_Angeles")
    routine = make_routine(7)
    record(patient, routine, at(day(0), 23, la).replace(minute=30))
    assert only(patient, day(0)).done_today == 1
    assert only(patient, day(1)).done_today == 0
    assert only(patient, day(1)).due_today is True
    now = dt.datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # Tuesday 06:00 UTC = Monday 22:00 LA
    assert patient_local_date(patient, now) == day(0)
    # A Sunday-evening session in LA is still last week there, though Monday in UTC.
    record(patient, routine, at(day(-1), 20, la))
    assert only(patient, day(0)).done_this_week == 1


def test_zone_falls_back_to_clinic_then_site(patient, settings):
    patient.time_zone = ""
    patient.clinic = Clinic.objects.create(name="Far", time_zone="Pacific/Auckland")
    patient.save()
    now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # Tuesday 01:00 in Auckland
    assert patient_local_date(patient, now) == day(1)
    patient.clinic = None
    patient.therapist.clinic = None
    patient.therapist.save()
    patient.save()
    settings.TIME_ZONE = "UTC"
    assert patient_local_date(patient, now) == day(0)
