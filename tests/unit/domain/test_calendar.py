"""The working-time calculator against the 2026 Vietnamese calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.domain.calendar import (
    VN_TZ,
    CalendarOverride,
    Duration,
    DurationUnit,
    OfficeHours,
    WorkingCalendar,
)

UTC = dt.UTC


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=VN_TZ)


WD = Duration.of_working_days
CAL = WorkingCalendar()
# Saturday 22/08/2026 is worked in exchange for Monday 31/08/2026 (which `holidays` knows).
MAKE_UP_SATURDAY = CalendarOverride(
    date=dt.date(2026, 8, 22), kind="working_day", decision="Thông báo nghỉ lễ Quốc khánh 2026 (làm bù thứ Bảy)"
)
CAL_MAKE_UP = WorkingCalendar(overrides=[MAKE_UP_SATURDAY])


# -- days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 2, 13), True),  # Friday before Tết
        *((dt.date(2026, 2, d), False) for d in range(16, 21)),  # Tết 16–20/02
        (dt.date(2026, 2, 23), True),
        (dt.date(2026, 4, 26), False),  # Hùng Kings (a Sunday)
        (dt.date(2026, 4, 27), False),  # … observed on Monday
        (dt.date(2026, 4, 28), True),
        (dt.date(2026, 4, 30), False),
        (dt.date(2026, 5, 1), False),
        (dt.date(2026, 8, 31), False),  # government swap day off
        (dt.date(2026, 9, 1), False),  # day adjacent to 2/9
        (dt.date(2026, 9, 2), False),
        (dt.date(2026, 9, 3), True),
        (dt.date(2026, 3, 7), False),  # an ordinary Saturday
        (dt.date(2026, 3, 9), True),
    ],
)
def test_statutory_days(day: dt.date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_make_up_saturday_is_a_working_day_with_standard_hours() -> None:
    assert not CAL.is_working_day(dt.date(2026, 8, 22))
    assert CAL_MAKE_UP.is_working_day(dt.date(2026, 8, 22))
    assert CAL_MAKE_UP.office_intervals(dt.date(2026, 8, 22)) == [
        (vn(2026, 8, 22, 7, 30), vn(2026, 8, 22, 11, 30)),
        (vn(2026, 8, 22, 13, 30), vn(2026, 8, 22, 17)),
    ]
    # Friday 09:00 + 1 working day lands on the make-up Saturday, not on Monday.
    assert CAL_MAKE_UP.add(vn(2026, 8, 21, 9), WD(1)) == vn(2026, 8, 22, 9)
    assert CAL.add(vn(2026, 8, 21, 9), WD(1)) == vn(2026, 8, 24, 9)


def test_extra_day_off_override() -> None:
    bridge = CalendarOverride(date=dt.date(2026, 1, 2), kind="day_off", decision="Quyết định nghỉ bù số 01/QĐ-BKHCN")
    cal = WorkingCalendar(overrides=[bridge])
    assert not cal.is_working_day(dt.date(2026, 1, 2))
    assert cal.add(vn(2025, 12, 31, 9), WD(1)) == vn(2026, 1, 5, 9)
    assert CAL.add(vn(2025, 12, 31, 9), WD(1)) == vn(2026, 1, 2, 9)
    assert cal.day_off_reason(dt.date(2026, 1, 2)) == "Quyết định nghỉ bù số 01/QĐ-BKHCN"


def test_day_off_reasons() -> None:
    assert CAL.day_off_reason(dt.date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert CAL.day_off_reason(dt.date(2026, 3, 7)) == "Nghỉ cuối tuần"
    assert CAL.day_off_reason(dt.date(2026, 3, 9)) is None


def test_duplicate_overrides_are_rejected() -> None:
    with pytest.raises(ValueError, match="two calendar overrides"):
        WorkingCalendar(overrides=[MAKE_UP_SATURDAY, MAKE_UP_SATURDAY])


def test_override_round_trips_through_json() -> None:
    assert CalendarOverride.model_validate_json(MAKE_UP_SATURDAY.model_dump_json()) == MAKE_UP_SATURDAY
    with pytest.raises(ValidationError):
        CalendarOverride.model_validate({"date": "2026-08-22", "kind": "holiday", "decision": "x"})
    with pytest.raises(ValidationError):
        CalendarOverride.model_validate({"date": "2026-08-22", "kind": "day_off", "decision": ""})


# -- adding working time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (vn(2026, 3, 2, 9), WD(3), vn(2026, 3, 5, 9)),  # Monday 09:00 + 3 → Thursday 09:00
        (vn(2026, 3, 2, 7, 30), WD(1), vn(2026, 3, 2, 17)),  # from the opening: the same day's close
        (vn(2026, 2, 13, 9), WD(3), vn(2026, 2, 25, 9)),  # across Tết
        (vn(2026, 2, 16, 10), WD(1), vn(2026, 2, 23, 17)),  # received during Tết
        (vn(2026, 4, 24, 9), WD(1), vn(2026, 4, 28, 9)),  # across Hùng Kings + observed Monday
        (vn(2026, 4, 29, 9), WD(1), vn(2026, 5, 4, 9)),  # across 30/4–1/5
        (vn(2026, 8, 28, 9), WD(1), vn(2026, 9, 3, 9)),  # across 31/8, 1/9, 2/9
        (vn(2026, 3, 8, 10), WD(1), vn(2026, 3, 9, 17)),  # received on a Sunday
        (vn(2026, 3, 2, 11), Duration.of_minutes(30), vn(2026, 3, 2, 11, 30)),  # ends on the lunch break: stays
        (vn(2026, 3, 2, 11), Duration.of_minutes(31), vn(2026, 3, 2, 13, 31)),
        (vn(2026, 3, 2, 12), Duration.of_minutes(1), vn(2026, 3, 2, 13, 31)),  # starts in the lunch break
        (vn(2026, 3, 2, 16), Duration.of_working_hours(2), vn(2026, 3, 3, 8, 30)),
        (vn(2026, 3, 2, 18), Duration.of_minutes(0), vn(2026, 3, 3, 7, 30)),
        (vn(2026, 3, 2, 9), Duration.of_calendar_days(3), vn(2026, 3, 5, 17)),
        (vn(2026, 2, 10, 9), Duration.of_calendar_days(5), vn(2026, 2, 23, 17)),  # ends in Tết → after it
        (vn(2026, 3, 6, 9), Duration.of_calendar_days(1), vn(2026, 3, 9, 17)),  # ends on Saturday → Monday
    ],
)
def test_add(start: dt.datetime, amount: Duration, expected: dt.datetime) -> None:
    assert CAL.add(start, amount) == expected


def test_results_are_in_vietnam_time_whatever_the_input_zone() -> None:
    result = CAL.add(dt.datetime(2026, 3, 2, 2, 0, tzinfo=UTC), WD(3))  # 09:00 in Hà Nội
    assert result == vn(2026, 3, 5, 9)
    assert result.tzinfo == VN_TZ
    assert CAL.next_working_moment(dt.datetime(2026, 3, 2, 5, 0, tzinfo=UTC)).tzinfo == VN_TZ


def test_naive_datetimes_are_refused() -> None:
    naive = dt.datetime(2026, 3, 2, 9)
    for call in (
        lambda: CAL.add(naive, WD(1)),
        lambda: CAL.next_working_moment(naive),
        lambda: CAL.appointment(naive, WD(1), cutoff_15h=True),
        lambda: CAL.working_minutes_between(naive, vn(2026, 3, 3)),
        lambda: CAL.working_days_between(vn(2026, 3, 1), naive),
        lambda: CAL.resume_deadline(vn(2026, 3, 9, 17), naive, vn(2026, 3, 5)),
        lambda: CAL.is_working_day(naive),
    ):
        with pytest.raises(ValueError, match="naive"):
            call()


def test_next_working_moment_boundaries() -> None:
    assert CAL.next_working_moment(vn(2026, 3, 2, 6)) == vn(2026, 3, 2, 7, 30)
    assert CAL.next_working_moment(vn(2026, 3, 2, 11, 30)) == vn(2026, 3, 2, 11, 30)
    assert CAL.next_working_moment(vn(2026, 3, 2, 11, 30, 1)) == vn(2026, 3, 2, 13, 30)
    assert CAL.next_working_moment(vn(2026, 3, 2, 13, 30)) == vn(2026, 3, 2, 13, 30)
    assert CAL.next_working_moment(vn(2026, 3, 6, 17, 0, 1)) == vn(2026, 3, 9, 7, 30)
    assert CAL.next_working_moment(vn(2026, 2, 14, 10)) == vn(2026, 2, 23, 7, 30)


# -- appointment and the 15:00 cut-off -----------------------------------------------------------


def test_cutoff_friday_after_15h_counts_from_monday() -> None:
    received = vn(2026, 3, 6, 15, 1)
    assert CAL.appointment(received, WD(1), cutoff_15h=True) == vn(2026, 3, 9, 17)
    # Without the setting the 59 office minutes left on Friday count.
    assert CAL.appointment(received, WD(1), cutoff_15h=False) == vn(2026, 3, 9, 15, 1)


def test_cutoff_at_exactly_15h_still_counts_today() -> None:
    assert CAL.appointment(vn(2026, 3, 6, 15), WD(1), cutoff_15h=True) == vn(2026, 3, 9, 15)


def test_cutoff_custom_time_and_calendar_days() -> None:
    received = vn(2026, 3, 2, 16, 30)
    assert CAL.appointment(received, WD(1), cutoff_15h=True, cutoff=dt.time(16, 0)) == vn(2026, 3, 3, 17)
    assert CAL.appointment(received, Duration.of_calendar_days(2), cutoff_15h=True) == vn(2026, 3, 5, 17)


def test_appointment_for_a_sunday_receipt() -> None:
    for cutoff in (True, False):
        assert CAL.appointment(vn(2026, 3, 8, 10), WD(2), cutoff_15h=cutoff) == vn(2026, 3, 10, 17)


def test_appointment_before_tet_with_cutoff() -> None:
    # Friday 13/02/2026 16:00, after the cut-off: counting starts Monday 23/02, after Tết.
    assert CAL.appointment(vn(2026, 2, 13, 16), WD(5), cutoff_15h=True) == vn(2026, 2, 27, 17)


# -- measuring ---------------------------------------------------------------------------------


def test_working_minutes_between() -> None:
    assert CAL.working_minutes_between(vn(2026, 3, 2, 11), vn(2026, 3, 2, 14)) == 60
    assert CAL.working_minutes_between(vn(2026, 3, 2, 14), vn(2026, 3, 2, 11)) == -60
    assert CAL.working_minutes_between(vn(2026, 3, 6, 16), vn(2026, 3, 9, 8)) == 90
    assert CAL.working_minutes_between(vn(2026, 2, 13, 17), vn(2026, 2, 23, 7, 30)) == 0
    assert CAL.working_minutes_between(vn(2026, 3, 2, 7, 30), vn(2026, 3, 9, 7, 30)) == 5 * 450


def test_working_days_between() -> None:
    assert CAL.working_days_between(vn(2026, 8, 14, 17), vn(2026, 8, 19, 10)) == 3
    assert CAL.working_days_between(vn(2026, 8, 19, 10), vn(2026, 8, 14, 17)) == -3
    assert CAL.working_days_between(vn(2026, 8, 14, 8), vn(2026, 8, 14, 17)) == 0
    assert CAL.working_days_between(vn(2026, 2, 13), vn(2026, 2, 23)) == 1
    assert CAL.working_days_between(vn(2026, 8, 28), vn(2026, 9, 3)) == 1
    assert CAL_MAKE_UP.working_days_between(vn(2026, 8, 21), vn(2026, 8, 24)) == 2


# -- pauses, recomputation, extension ---------------------------------------------------------------


def test_resume_deadline_pushes_by_the_paused_office_time() -> None:
    deadline = vn(2026, 3, 13, 17)
    assert CAL.resume_deadline(deadline, vn(2026, 3, 9, 9), vn(2026, 3, 11, 9)) == vn(2026, 3, 17, 17)


def test_resume_deadline_over_tet_counts_only_working_time() -> None:
    # Paused Thursday 12/02 10:00, resumed Tuesday 24/02 10:00: 2 working days consumed (12→13, 23→24).
    deadline = vn(2026, 2, 13, 17)
    assert CAL.resume_deadline(deadline, vn(2026, 2, 12, 10), vn(2026, 2, 24, 10)) == vn(2026, 2, 25, 17)


def test_resume_deadline_when_already_overdue_keeps_the_overdue_amount() -> None:
    deadline = vn(2026, 3, 2, 17)
    paused, resumed = vn(2026, 3, 4, 9), vn(2026, 3, 5, 9)
    new = CAL.resume_deadline(deadline, paused, resumed)
    assert new == vn(2026, 3, 3, 17)
    assert CAL.working_minutes_between(deadline, paused) == CAL.working_minutes_between(new, resumed)


def test_pause_without_office_time_changes_nothing() -> None:
    deadline = vn(2026, 3, 13, 12)  # even a deadline outside office hours stays as it is
    assert CAL.resume_deadline(deadline, vn(2026, 3, 7, 9), vn(2026, 3, 8, 18)) == deadline
    assert CAL.resume_deadline(deadline, vn(2026, 3, 9, 9), vn(2026, 3, 9, 9)) == deadline


def test_pause_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="pause"):
        CAL.resume_deadline(vn(2026, 3, 13, 17), vn(2026, 3, 10, 9), vn(2026, 3, 9, 9))


def test_recompute_after_supplement_starts_the_full_time_again() -> None:
    assert CAL.recompute_after_supplement(vn(2026, 3, 10, 10), WD(15)) == vn(2026, 3, 31, 10)
    # Supplement completed on the eve of Tết.
    assert CAL.recompute_after_supplement(vn(2026, 2, 13, 16), WD(2)) == vn(2026, 2, 24, 16)


def test_extend() -> None:
    assert CAL.extend(vn(2026, 3, 13, 17), WD(2)) == vn(2026, 3, 17, 17)
    assert CAL.extend(vn(2026, 4, 29, 17), Duration.of_working_hours(1)) == vn(2026, 5, 4, 8, 30)


# -- office hours and durations ----------------------------------------------------------------------


def test_unit_with_saturday_morning() -> None:
    std = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17)))
    hours = OfficeHours(weekly={**{d: std for d in range(5)}, 5: ((dt.time(7, 30), dt.time(11, 30)),)})
    cal = WorkingCalendar(office_hours=hours)
    assert cal.is_working_day(dt.date(2026, 3, 7))
    assert cal.add(vn(2026, 3, 6, 16), Duration.of_working_hours(2)) == vn(2026, 3, 7, 8, 30)
    assert hours.minutes_per_day == round((5 * 450 + 240) / 6)
    assert OfficeHours.model_validate_json(hours.model_dump_json()) == hours


def test_uniform_hours_from_a_units_interval_list() -> None:
    hours = OfficeHours.uniform([(dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))])
    cal = WorkingCalendar(office_hours=hours)
    assert hours.minutes_per_day == 480
    assert cal.add(vn(2026, 3, 2, 9), WD(1)) == vn(2026, 3, 3, 9)
    assert cal.next_working_moment(vn(2026, 3, 2, 7, 30)) == vn(2026, 3, 2, 8)


@pytest.mark.parametrize(
    "weekly",
    [
        {0: ((dt.time(11), dt.time(9)),)},  # ends before it starts
        {0: ((dt.time(7), dt.time(12)), (dt.time(11), dt.time(17)))},  # overlapping
        {0: ((dt.time(7, 0, 30), dt.time(12)),)},  # not a whole minute
        {7: ((dt.time(7), dt.time(12)),)},  # no such weekday
        {0: ()},  # never open
    ],
)
def test_bad_office_hours(weekly: dict[int, tuple[tuple[dt.time, dt.time], ...]]) -> None:
    with pytest.raises(ValidationError):
        OfficeHours(weekly=weekly)


def test_durations() -> None:
    assert WD(15).label == "15 ngày làm việc"
    assert Duration.of_calendar_days(30).label == "30 ngày"
    assert Duration.of_working_hours(4).working_minutes(450) == 240
    assert WD(2).working_minutes(450) == 900
    assert Duration.of_minutes(5).working_minutes(450) == 5
    with pytest.raises(ValueError, match="calendar days"):
        Duration.of_calendar_days(3).working_minutes(450)
    assert Duration.model_validate({"value": 3, "unit": "working_days"}) == WD(3)
    assert Duration.model_validate({"value": 3}).unit is DurationUnit.WORKING_DAYS
    with pytest.raises(ValidationError):
        Duration.model_validate({"value": -1, "unit": "minutes"})
    with pytest.raises(ValidationError):
        Duration.model_validate({"value": 1, "unit": "weeks"})


# -- properties ----------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=dt.datetime(2025, 12, 1), max_value=dt.datetime(2027, 2, 28), timezones=st.sampled_from([VN_TZ, UTC])
)
working_units = st.sampled_from([DurationUnit.WORKING_DAYS, DurationUnit.WORKING_HOURS, DurationUnit.MINUTES])
durations = st.builds(Duration, value=st.integers(0, 40), unit=st.sampled_from(list(DurationUnit)))
calendars = st.sampled_from([CAL, CAL_MAKE_UP])
PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(calendars, moments, st.integers(0, 15_000))
def test_add_then_measure_round_trips(cal: WorkingCalendar, start: dt.datetime, minutes: int) -> None:
    end = cal.add(start, Duration.of_minutes(minutes))
    assert cal.working_minutes_between(start, end) == minutes


@PROPERTY
@given(calendars, moments, moments, durations)
def test_later_start_never_gives_earlier_deadline(
    cal: WorkingCalendar, a: dt.datetime, b: dt.datetime, amount: Duration
) -> None:
    early, late = sorted((a, b))
    assert cal.add(early, amount) <= cal.add(late, amount)


@PROPERTY
@given(calendars, moments, st.integers(0, 40), st.integers(0, 40), st.sampled_from(list(DurationUnit)))
def test_more_time_never_gives_earlier_deadline(
    cal: WorkingCalendar, start: dt.datetime, x: int, y: int, unit: DurationUnit
) -> None:
    small, big = sorted((x, y))
    assert cal.add(start, Duration(value=small, unit=unit)) <= cal.add(start, Duration(value=big, unit=unit))


@PROPERTY
@given(calendars, moments, st.integers(0, 40), working_units)
def test_deadline_is_inside_office_hours_of_a_working_day(
    cal: WorkingCalendar, start: dt.datetime, value: int, unit: DurationUnit
) -> None:
    result = cal.add(start, Duration(value=value, unit=unit))
    assert result.tzinfo == VN_TZ
    assert cal.is_working_day(result.date())
    assert cal.is_office_time(result)
    assert result >= start


@PROPERTY
@given(calendars, moments, st.integers(0, 60))
def test_calendar_days_end_at_a_working_days_close(cal: WorkingCalendar, start: dt.datetime, days: int) -> None:
    result = cal.add(start, Duration.of_calendar_days(days))
    assert cal.is_working_day(result.date())
    assert result == cal.office_intervals(result.date())[-1][1]
    assert result.date() >= (start.astimezone(VN_TZ) + dt.timedelta(days=days)).date()


@PROPERTY
@given(calendars, moments, st.integers(0, 5_000), st.integers(0, 5_000))
def test_adding_minutes_is_additive(cal: WorkingCalendar, start: dt.datetime, a: int, b: int) -> None:
    once = cal.add(start, Duration.of_minutes(a + b))
    twice = cal.add(cal.add(start, Duration.of_minutes(a)), Duration.of_minutes(b))
    assert once == twice


@PROPERTY
@given(calendars, moments, moments)
def test_zero_pause_changes_nothing(cal: WorkingCalendar, deadline: dt.datetime, paused: dt.datetime) -> None:
    assert cal.resume_deadline(deadline, paused, paused) == deadline


@PROPERTY
@given(calendars, moments, st.integers(0, 5_000), st.integers(0, 5_000), st.integers(0, 5_000))
def test_resume_equals_remaining_time_counted_from_the_resumption(
    cal: WorkingCalendar, received: dt.datetime, before_pause: int, pause: int, budget: int
) -> None:
    deadline = cal.add(received, Duration.of_minutes(budget))
    paused = cal.add(received, Duration.of_minutes(min(before_pause, budget)))
    resumed = cal.add(paused, Duration.of_minutes(pause))
    remaining = cal.working_minutes_between(paused, deadline)
    expected = cal.add(resumed, Duration.of_minutes(remaining)) if pause else deadline
    assert cal.resume_deadline(deadline, paused, resumed) == expected
