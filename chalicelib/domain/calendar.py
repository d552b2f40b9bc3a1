"""Working time in Asia/Ho_Chi_Minh: the one calculator for appointment dates, step
deadlines, pauses, extensions and overdue counts (SPEC §3.3, §9).

Days off are the statutory holidays known to the ``holidays`` package (Tết by the lunar
calendar, Hùng Kings, 30/4, 1/5, 2/9 and its adjacent day, days in lieu, the government's
swap days off) plus an admin-edited override table (:class:`CalendarOverride`): extra days
off and make-up working days (e.g. a Saturday worked in exchange for a bridge day), each
with the decision that ordered it. Office hours are per unit (:class:`OfficeHours`).

Conventions
-----------
* Every datetime going in must be timezone-aware (naive → ``ValueError``); every datetime
  coming out is in Asia/Ho_Chi_Minh.
* Office intervals are closed: 11:30 belongs to the morning interval 07:30–11:30, so a
  deadline that lands exactly on the end of an interval stays there (it is not pushed to
  13:30), and :meth:`WorkingCalendar.next_working_moment` of 11:30 is 11:30.
* Working days, working hours and (working) minutes are counted in office time from
  ``next_working_moment(start)``. One working day is :attr:`OfficeHours.minutes_per_day`
  minutes of office time, so a dossier received Monday 09:00 with 3 working days is due
  Thursday 09:00, and one received at the opening (07:30) with 1 working day is due at the
  closing (17:00) of the same day.
* Calendar days follow the Civil Code (art. 147–148): the first day is not counted, the
  period ends at the end of the last day — for an office, at the close of its office hours
  on ``start.date() + N`` — and when that day is not a working day the period ends at the
  close of the next working day.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Searching for the next working day gives up after this many days: a calendar with no
# working day in three years is misconfigured, not a slow week.
MAX_SEARCH_DAYS = 3 * 366


class DurationUnit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    MINUTES = "minutes"  # working minutes
    CALENDAR_DAYS = "calendar_days"


_UNIT_LABELS = {
    DurationUnit.WORKING_DAYS: "ngày làm việc",
    DurationUnit.WORKING_HOURS: "giờ làm việc",
    DurationUnit.MINUTES: "phút làm việc",
    DurationUnit.CALENDAR_DAYS: "ngày",
}


class Duration(BaseModel):
    """An amount of time: ``{"value": 15, "unit": "working_days"}``."""

    model_config = ConfigDict(frozen=True)

    value: int = Field(ge=0)
    unit: DurationUnit = DurationUnit.WORKING_DAYS

    @classmethod
    def of_working_days(cls, n: int) -> Duration:
        return cls(value=n, unit=DurationUnit.WORKING_DAYS)

    @classmethod
    def of_working_hours(cls, n: int) -> Duration:
        return cls(value=n, unit=DurationUnit.WORKING_HOURS)

    @classmethod
    def of_minutes(cls, n: int) -> Duration:
        return cls(value=n, unit=DurationUnit.MINUTES)

    @classmethod
    def of_calendar_days(cls, n: int) -> Duration:
        return cls(value=n, unit=DurationUnit.CALENDAR_DAYS)

    @property
    def is_working_time(self) -> bool:
        return self.unit is not DurationUnit.CALENDAR_DAYS

    def working_minutes(self, minutes_per_day: int) -> int:
        """Office minutes this duration stands for; calendar days have no fixed amount."""
        if self.unit is DurationUnit.WORKING_DAYS:
            return self.value * minutes_per_day
        if self.unit is DurationUnit.WORKING_HOURS:
            return self.value * 60
        if self.unit is DurationUnit.MINUTES:
            return self.value
        raise ValueError("calendar days do not convert to a fixed amount of working minutes")

    @property
    def label(self) -> str:
        return f"{self.value} {_UNIT_LABELS[self.unit]}"


Interval = tuple[dt.time, dt.time]

STANDARD_DAY: tuple[Interval, ...] = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0)))


def _check_intervals(intervals: tuple[Interval, ...]) -> tuple[Interval, ...]:
    previous_end: dt.time | None = None
    for start, end in intervals:
        for t in (start, end):
            if t.second or t.microsecond or t.tzinfo is not None:
                raise ValueError(f"office hours are whole local minutes, got {t.isoformat()}")
        if start >= end:
            raise ValueError(f"office interval {start:%H:%M}-{end:%H:%M} ends before it starts")
        if previous_end is not None and start <= previous_end:
            raise ValueError("office intervals must be sorted and separated")
        previous_end = end
    return intervals


def _interval_minutes(intervals: Iterable[Interval]) -> int:
    return sum((e.hour * 60 + e.minute) - (s.hour * 60 + s.minute) for s, e in intervals)


class OfficeHours(BaseModel):
    """A unit's office hours: intervals per weekday (0 = Monday … 6 = Sunday; a missing or
    empty weekday is closed), and the intervals of a make-up working day that falls on a
    normally closed weekday (a working Saturday)."""

    model_config = ConfigDict(frozen=True)

    weekly: dict[int, tuple[Interval, ...]]
    make_up_day: tuple[Interval, ...] = STANDARD_DAY

    @classmethod
    def uniform(cls, intervals: Iterable[Interval] = STANDARD_DAY, weekdays: Iterable[int] = range(5)) -> OfficeHours:
        """The same intervals every given weekday (Monday–Friday by default)."""
        day = tuple(intervals)
        return cls(weekly={w: day for w in weekdays}, make_up_day=day)

    @field_validator("weekly")
    @classmethod
    def _weekly(cls, weekly: dict[int, tuple[Interval, ...]]) -> dict[int, tuple[Interval, ...]]:
        for weekday, intervals in weekly.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"weekday {weekday} is not in 0..6")
            _check_intervals(intervals)
        if not any(weekly.values()):
            raise ValueError("at least one weekday must have office hours")
        return weekly

    @field_validator("make_up_day")
    @classmethod
    def _make_up_day(cls, intervals: tuple[Interval, ...]) -> tuple[Interval, ...]:
        if not intervals:
            raise ValueError("a make-up working day needs office hours")
        return _check_intervals(intervals)

    def for_weekday(self, weekday: int) -> tuple[Interval, ...]:
        return self.weekly.get(weekday, ())

    @property
    def minutes_per_day(self) -> int:
        """Office minutes in one working day: the mean over the open weekdays (450 for the
        standard 07:30–11:30, 13:30–17:00)."""
        open_days = [intervals for intervals in self.weekly.values() if intervals]
        return round(sum(_interval_minutes(d) for d in open_days) / len(open_days))


DEFAULT_OFFICE_HOURS = OfficeHours.uniform()


class CalendarOverride(BaseModel):
    """One day the statutory calendar gets wrong for us: an extra day off or an extra
    working day (a make-up Saturday), with the decision that ordered it."""

    model_config = ConfigDict(frozen=True)

    date: dt.date
    kind: Literal["day_off", "working_day"]
    decision: str = Field(min_length=1, description="Văn bản quyết định, ví dụ: Thông báo số 6150/TB-BLĐTBXH")
    note: str = ""


@lru_cache(maxsize=64)
def _statutory_days_off(year: int) -> dict[dt.date, str]:
    """Statutory holidays, days in lieu and government swap days off of ``year``, by name.

    ``holidays`` is imported here, by the first due-date computation: its package takes half a
    megabyte of source to compile, which the functions that never count working days (the outbox
    relay, uploads, receipts…) would otherwise pay at every cold start (bench/coldstart.py)."""
    import holidays  # noqa: PLC0415 - see the docstring

    return dict(holidays.country_holidays("VN", language="vi", years=year).items())


def ensure_aware(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Asia/Ho_Chi_Minh; a naive datetime is a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: every datetime must carry its time zone")
    return moment.astimezone(VN_TZ)


class WorkingCalendar:
    """Working-time arithmetic for one unit (its office hours) under one override table."""

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    ) -> None:
        self.office_hours = office_hours
        self.overrides: dict[dt.date, CalendarOverride] = {}
        for override in overrides:
            if override.date in self.overrides:
                raise ValueError(f"two calendar overrides for {override.date.isoformat()}")
            self.overrides[override.date] = override

    @property
    def minutes_per_day(self) -> int:
        return self.office_hours.minutes_per_day

    # -- days ---------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = ensure_aware(day).date()
        override = self.overrides.get(day)
        if override is not None:
            return override.kind == "working_day"
        if day in _statutory_days_off(day.year):
            return False
        return bool(self.office_hours.for_weekday(day.weekday()))

    def day_off_reason(self, day: dt.date) -> str | None:
        """Why ``day`` is not worked (holiday name, override decision, "Nghỉ cuối tuần"), or None."""
        if self.is_working_day(day):
            return None
        override = self.overrides.get(day)
        if override is not None:
            return override.note or override.decision
        return _statutory_days_off(day.year).get(day, "Nghỉ cuối tuần")

    def office_intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The office intervals of ``day`` as aware datetimes; empty on a day off."""
        if not self.is_working_day(day):
            return []
        intervals = self.office_hours.for_weekday(day.weekday()) or self.office_hours.make_up_day
        return [
            (dt.datetime.combine(day, s, tzinfo=VN_TZ), dt.datetime.combine(day, e, tzinfo=VN_TZ))
            for s, e in intervals
        ]

    def _working_days_after(self, day: dt.date) -> Iterable[dt.date]:
        """Working days strictly after ``day``, in order."""
        for offset in range(1, MAX_SEARCH_DAYS + 1):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                yield candidate
        raise ValueError(f"no working day within {MAX_SEARCH_DAYS} days after {day.isoformat()}")

    def _next_working_day(self, day: dt.date, *, inclusive: bool) -> dt.date:
        if inclusive and self.is_working_day(day):
            return day
        return next(iter(self._working_days_after(day)))

    def opening(self, day: dt.date) -> dt.datetime:
        """The first office instant of the first working day on or after ``day``."""
        return self.office_intervals(self._next_working_day(day, inclusive=True))[0][0]

    def closing(self, day: dt.date) -> dt.datetime:
        """The last office instant of the first working day on or after ``day``."""
        return self.office_intervals(self._next_working_day(day, inclusive=True))[-1][1]

    # -- instants -----------------------------------------------------------------------

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """The earliest instant at or after ``moment`` inside an office interval (closed)."""
        local = ensure_aware(moment)
        for start, end in self.office_intervals(local.date()):
            if local <= end:
                return max(start, local)
        return self.opening(local.date() + dt.timedelta(days=1))

    def is_office_time(self, moment: dt.datetime) -> bool:
        local = ensure_aware(moment)
        return any(s <= local <= e for s, e in self.office_intervals(local.date()))

    def _add_office_time(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        cursor = self.next_working_moment(start)
        remaining = amount
        day = cursor.date()
        while True:
            for s, e in self.office_intervals(day):
                if e < cursor:
                    continue
                begin = max(s, cursor)
                available = e - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day = self._next_working_day(day, inclusive=False)

    def add(self, start: dt.datetime, amount: Duration) -> dt.datetime:
        """``start`` + ``amount`` under the conventions of this module."""
        local = ensure_aware(start)
        if amount.unit is DurationUnit.CALENDAR_DAYS:
            due = self.closing(local.date() + dt.timedelta(days=amount.value))
            # 0 days from after the close of office: due at the next close, never before ``start``.
            return due if due >= local else self.closing(local.date() + dt.timedelta(days=amount.value + 1))
        minutes = amount.working_minutes(self.minutes_per_day)
        return self._add_office_time(local, dt.timedelta(minutes=minutes))

    def appointment(
        self,
        received_at: dt.datetime,
        duration: Duration,
        cutoff_15h: bool = False,
        cutoff: dt.time = dt.time(15, 0),
    ) -> dt.datetime:
        """The appointment (ngày hẹn trả) of a dossier received at ``received_at``.

        With ``cutoff_15h`` (a per-procedure setting), a dossier received after ``cutoff``
        (15:00) or on a day off counts from the opening of the next working day; without it,
        time counts from the next working moment.
        """
        local = ensure_aware(received_at)
        start = local
        if cutoff_15h and (not self.is_working_day(local.date()) or local.time() > cutoff):
            start = self.opening(local.date() + dt.timedelta(days=1))
        return self.add(start, duration)

    # -- measuring ----------------------------------------------------------------------

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Office time from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        start, end = ensure_aware(a), ensure_aware(b)
        if end < start:
            return -self.working_time_between(end, start)
        total = dt.timedelta()
        day = start.date()
        while day <= end.date():
            for s, e in self.office_intervals(day):
                lo, hi = max(s, start), min(e, end)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total

    def working_minutes_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Whole office minutes from ``a`` to ``b`` (truncated toward zero; negative if b < a)."""
        seconds = self.working_time_between(a, b).total_seconds()
        return int(seconds / 60)

    def working_days_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Working days after ``a``'s date up to and including ``b``'s date (negative if b's
        date is earlier): the day count of "Quá hạn 3 ngày" / "Còn 2 ngày"."""
        first, last = ensure_aware(a).date(), ensure_aware(b).date()
        if last < first:
            return -self.working_days_between(b, a)
        count = 0
        day = first + dt.timedelta(days=1)
        while day <= last:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count

    # -- pauses and extensions ------------------------------------------------------------

    def resume_deadline(
        self, original_deadline: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime
    ) -> dt.datetime:
        """The deadline after a pause: pushed by the office time the pause consumed.

        Use it when the clock merely stops and resumes — waiting for fees (status 6), an
        inter-agency hand-over — so the time already spent stays spent. A pause that consumed
        no office time returns ``original_deadline`` unchanged.
        """
        if ensure_aware(resumed_at) < ensure_aware(paused_at):
            raise ValueError("a pause cannot end before it starts")
        consumed = self.working_time_between(paused_at, resumed_at)
        if not consumed:
            return ensure_aware(original_deadline)
        return self._add_office_time(ensure_aware(original_deadline), consumed)

    def recompute_after_supplement(self, complete_at: dt.datetime, duration: Duration) -> dt.datetime:
        """A fresh full deadline counted from the moment the complete supplement arrived.

        FR-15.8: when a dossier goes back to the applicant for supplement, its processing time
        is recomputed from the complete dossier — the whole ``duration`` starts again.
        """
        return self.add(complete_at, duration)

    def extend(self, deadline: dt.datetime, duration: Duration) -> dt.datetime:
        """The deadline after an extension (gia hạn) of ``duration``."""
        return self.add(deadline, duration)
