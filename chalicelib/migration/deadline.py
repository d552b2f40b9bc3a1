"""The in-flight dossier's deadline after migration (docs/migration.md, "Thời hạn còn lại"). Pure.

The legal deadline is the procedure's (``Procedure.legal_deadline``), counted on hoso's working-day
calendar (chalicelib.domain.calendar) exactly as hoso counts its own dossiers: from the receipt (the
15:00 cut-off rule of the procedure included); a pause (supplement asked, fees awaited) stops the clock
and the time spent waiting is not counted; a complete supplement received restarts the full deadline
when the process says so (FR-15.8, ``recompute_deadline``). The working time the dossier already used
on the old system, up to the export, is therefore counted: ``used + remaining == legal`` whenever the
dossier is not waiting on the applicant at the export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chalicelib.domain.calendar import Duration, WorkingCalendar, ensure_aware


@dataclass(frozen=True)
class Phase:
    """From ``at`` on, the dossier was in a status that pauses the clock (``paused``) or not; ``supplement``:
    the pause is a supplement round (its end may restart the deadline)."""

    at: dt.datetime
    paused: bool
    supplement: bool = False


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime  # ngày hẹn trả in hoso
    paused_at: dt.datetime | None  # still waiting on the applicant at the export: since when
    used_minutes: int  # working minutes of the legal deadline used on the old system up to the export
    remaining_minutes: int  # working minutes left after the export (negative: overdue); 0 while paused


def remaining(calendar: WorkingCalendar, legal: Duration, *, received_at: dt.datetime, cutoff_15h: bool,
              phases: list[Phase], exported_at: dt.datetime, recompute_after_supplement: bool) -> Deadline:
    """The deadline of a dossier received at ``received_at`` whose status history (after the receipt) is
    ``phases`` (in time order), as it stands at ``exported_at``."""
    received, export = ensure_aware(received_at), ensure_aware(exported_at)
    due = calendar.appointment(received, legal, cutoff_15h)
    # where the clock (re)started and the office time it stood still since then
    clock_from = _clock_start(calendar, received, cutoff_15h)
    paused_minutes = 0
    paused_at: dt.datetime | None = None
    paused_supplement = False
    for phase in sorted(phases, key=lambda p: p.at):
        at = ensure_aware(phase.at)
        if at < received or at > export:
            continue
        if phase.paused and paused_at is None:
            paused_at, paused_supplement = at, phase.supplement
        elif not phase.paused and paused_at is not None:
            if paused_supplement and recompute_after_supplement:
                due = calendar.recompute_after_supplement(at, legal)
                clock_from, paused_minutes = at, 0
            else:
                due = calendar.resume_deadline(due, paused_at, at)
                paused_minutes += calendar.working_minutes_between(paused_at, at)
            paused_at = None
    until = paused_at if paused_at is not None else export
    used = calendar.working_minutes_between(clock_from, until) - paused_minutes if until > clock_from else 0
    if paused_at is not None:
        return Deadline(due_at=due, paused_at=paused_at, used_minutes=used, remaining_minutes=0)
    return Deadline(due_at=due, paused_at=None, used_minutes=used,
                    remaining_minutes=calendar.working_minutes_between(max(export, clock_from), due))


def _clock_start(calendar: WorkingCalendar, received: dt.datetime, cutoff_15h: bool) -> dt.datetime:
    """Where the legal clock starts for a dossier received at ``received`` (WorkingCalendar.appointment's rule)."""
    if cutoff_15h and (not calendar.is_working_day(received.date()) or received.time() > dt.time(15, 0)):
        return calendar.opening(received.date() + dt.timedelta(days=1))
    return calendar.next_working_moment(received)
