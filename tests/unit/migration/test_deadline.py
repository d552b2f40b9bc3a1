"""The in-flight dossier's remaining deadline after migration (chalicelib/migration/deadline.py): the legal
deadline on hoso's working-day calendar, the time already used on the old system counted, pauses not."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.migration.deadline import Phase, remaining

CAL = WorkingCalendar()
START = dt.datetime(2026, 1, 2, 0, 0, tzinfo=VN_TZ)

moments = st.integers(min_value=0, max_value=300 * 24 * 60).map(lambda m: START + dt.timedelta(minutes=m))
gaps = st.integers(min_value=1, max_value=20 * 24 * 60).map(lambda m: dt.timedelta(minutes=m))
legal_days = st.integers(min_value=1, max_value=20)


def _minutes(days: int) -> int:
    return Duration.of_working_days(days).working_minutes(CAL.minutes_per_day)


@settings(max_examples=60, deadline=None)
@given(received=moments, days=legal_days, to_export=gaps, cutoff=st.booleans())
def test_no_pause_the_appointment_and_used_plus_left_is_the_legal_deadline(
        received: dt.datetime, days: int, to_export: dt.timedelta, cutoff: bool) -> None:
    legal = Duration.of_working_days(days)
    d = remaining(CAL, legal, received_at=received, cutoff_15h=cutoff, phases=[], exported_at=received + to_export,
                  recompute_after_supplement=True)
    assert d.due_at == CAL.appointment(received, legal, cutoff)
    assert d.paused_at is None
    assert d.used_minutes + d.remaining_minutes == _minutes(days)


@settings(max_examples=60, deadline=None)
@given(received=moments, days=legal_days, before=gaps, pause=gaps, after=gaps, supplement=st.booleans(),
       recompute=st.booleans())
def test_a_pause_does_not_count_and_a_supplement_may_restart_the_deadline(
        received: dt.datetime, days: int, before: dt.timedelta, pause: dt.timedelta, after: dt.timedelta,
        supplement: bool, recompute: bool) -> None:
    legal = Duration.of_working_days(days)
    paused, resumed = received + before, received + before + pause
    phases = [Phase(at=paused, paused=True, supplement=supplement), Phase(at=resumed, paused=False)]
    d = remaining(CAL, legal, received_at=received, cutoff_15h=False, phases=phases, exported_at=resumed + after,
                  recompute_after_supplement=recompute)
    assert d.used_minutes + d.remaining_minutes == _minutes(days)
    if supplement and recompute:  # FR-15.8: the full deadline again from the complete supplement
        assert d.due_at == CAL.add(resumed, legal)
    else:  # the clock stood still while waiting: the deadline moved by the office time the pause took
        assert d.due_at == CAL.resume_deadline(CAL.appointment(received, legal), paused, resumed)


@settings(max_examples=40, deadline=None)
@given(received=moments, days=legal_days, before=gaps, waiting=gaps)
def test_waiting_on_the_applicant_at_the_export_keeps_the_pause_open(
        received: dt.datetime, days: int, before: dt.timedelta, waiting: dt.timedelta) -> None:
    legal = Duration.of_working_days(days)
    paused = received + before
    d = remaining(CAL, legal, received_at=received, cutoff_15h=False,
                  phases=[Phase(at=paused, paused=True, supplement=True)], exported_at=paused + waiting,
                  recompute_after_supplement=True)
    assert d.paused_at == paused and d.remaining_minutes == 0
    assert d.due_at == CAL.appointment(received, legal)
    assert d.used_minutes == max(0, CAL.working_minutes_between(CAL.next_working_moment(received), paused))


def test_an_overdue_dossier_has_negative_time_left() -> None:
    received = dt.datetime(2026, 6, 1, 9, 0, tzinfo=VN_TZ)  # Monday; 1 working day → due Tuesday 9:00
    d = remaining(CAL, Duration.of_working_days(1), received_at=received, cutoff_15h=False, phases=[],
                  exported_at=dt.datetime(2026, 6, 3, 9, 0, tzinfo=VN_TZ), recompute_after_supplement=True)
    assert d.due_at == dt.datetime(2026, 6, 2, 9, 0, tzinfo=VN_TZ)
    assert d.remaining_minutes == -CAL.minutes_per_day and d.used_minutes == 2 * CAL.minutes_per_day
