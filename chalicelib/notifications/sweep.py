"""The ``deadline_sweep`` schedule (every 15 minutes): near-due and overdue steps and dossiers,
and new work, become officers' notifications (FR-20); officers who gave an address also get
one e-mail digest per sweep, and an SMS when something is overdue.

The schedule only plans: one task per unit (``catalogue.list_units``) on the job's queue
(``chalicelib.jobs.runner``); the worker walks a unit page by page, at most ``PAGE_SIZE``
dossiers a page, the cursor (which list, where in it) carried in the continuation. Everything
is read by key or index, never scanned. Per unit:

- status 1 (online dossiers awaiting the desk) and 2 (received, awaiting forwarding): the whole
  ``gsi1`` partition — the desk's queues, short by nature; new work (status 1) and the desk
  steps' deadlines;
- status 4 (processing): ``gsi1`` sorted by legal deadline, read only up to the near-due
  horizon (``gsi1sk <= now + 1 working day``) — dossiers near or past their legal deadline;
- the consultations sent to the unit (``chalicelib.store.consultations``, its open list sorted by
  deadline, read only up to the near-due horizon): the unit's appraisers, heads and leaders are
  reminded as the deadline nears and once it passed, and then the appraiser who asked too;
- each of the unit's appraisers' own worklist (``gsi2``, ``ASSIGNEE#<sub>``): new assignments
  and the appraisal steps' deadlines.

The unit's officers are those of its province (``list_officers_of_province``: an officer's
profile belongs to the province of the units they work in) holding a role in the unit.

What this does not see: the step deadline of a head's, leader's or clerk's step whose dossier
is not yet near its legal deadline — no index is sorted by those steps' deadlines.

Delivery is at most once: a notification is written with its once-marker in one conditional
transaction, and e-mail/SMS go only for notifications this page created (one digest per officer
per page: a unit's dossiers usually fit one page). A gateway failure is logged and counted; the
in-app notification stays. A page done again (a redelivered message) creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.calendar import WorkingCalendar
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.roles import Role
from chalicelib.jobs.runner import Page, Task, drain, start
from chalicelib.notifications import gateway as messaging
from chalicelib.notifications import store
from chalicelib.notifications.reminders import (
    DEFAULT_POLICY,
    Policy,
    Reminder,
    consultation_recipients,
    consultation_reminder,
    deadline_reminder,
    digest,
    dossier_horizon,
    new_work_reminder,
    recipients,
)
from chalicelib.observability import logger
from chalicelib.services import dossiers as dossier_service
from chalicelib.store import catalogue
from chalicelib.store import consultations as consultation_lists


@dataclass
class SweepReport:
    units: int = 0
    dossiers: int = 0
    notifications: int = 0
    emails: int = 0
    sms: int = 0
    delivery_failures: int = 0


@dataclass
class _Sweep:
    now: dt.datetime
    policy: Policy
    officers: list[OfficerProfile]
    report: SweepReport = field(default_factory=SweepReport)
    created: dict[str, list[tuple[Reminder, store.Notification]]] = field(default_factory=dict)
    calendars: dict[str, WorkingCalendar] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)  # dossiers whose deadlines were assessed

    def calendar(self, unit_code: str) -> WorkingCalendar:
        if unit_code not in self.calendars:
            self.calendars[unit_code] = dossier_service.calendar_for(unit_code)
        return self.calendars[unit_code]

    def consider(self, dossier: Dossier, *, new_work: bool) -> None:
        first_time = dossier.code not in self.checked
        self.checked.add(dossier.code)
        if first_time:
            self.report.dossiers += 1
        step_name = _step_name(dossier)
        found = [deadline_reminder(dossier, step_name, self.calendar(dossier.unit_code), self.now, self.policy)
                 if first_time else None]
        if new_work:
            found.append(new_work_reminder(dossier, step_name, self.now, self.policy))
        for reminder in found:
            if reminder is None:
                continue
            for officer in recipients(reminder.kind, dossier, self.officers):
                notification = store.deliver(officer.sub, reminder, self.now)
                if notification is not None:
                    self.created.setdefault(officer.sub, []).append((reminder, notification))
                    self.report.notifications += 1


def _step_name(dossier: Dossier) -> str:
    process = catalogue.get_process(dossier.process_code, dossier.process_version)
    if process is None:
        return dossier.step_id
    try:
        return process.step(dossier.step_id).name
    except KeyError:
        return dossier.step_id


JOB = "deadline_sweep"
PAGE_SIZE = 100  # dossiers read in one page (one message): bounds every invocation's work
_STATUS_PARTS = ("S1", "S2", "S4", "C")  # then "A<sub>" per appraiser of the unit; "C": consultations to it


def plan(now: dt.datetime) -> list[Task]:
    """One task per unit, all of the run at ``now``."""
    run = now.isoformat()
    return [Task(JOB, run, unit.code, args={"now": run, "province": unit.province_code})
            for unit in catalogue.list_units()]


def _unit_officers(unit_code: str, province_code: str) -> list[OfficerProfile]:
    return [o for o in catalogue.list_officers_of_province(province_code) if o.active and o.roles_in(unit_code)]


def _read(sweep: _Sweep, unit_code: str, part: str, limit: int, after: store.Cursor) -> tuple[list[Dossier],
                                                                                                store.Cursor]:
    if part.startswith("A"):
        return store.assigned_page(part[1:], limit, after)
    status = int(part[1:])
    due_until = dossier_horizon(sweep.calendar(unit_code), sweep.now, sweep.policy) if status == 4 else None
    return store.dossiers_page(unit_code, status, limit, after, due_until=due_until)


def _consultations(sweep: _Sweep, unit_code: str, limit: int, after: store.Cursor) -> tuple[int, store.Cursor]:
    """The open consultations sent to the unit whose deadline is near or past (the unit's open list is
    sorted by deadline: read up to the horizon only): their reminders, delivered here — no dossier is read."""
    horizon = dossier_horizon(sweep.calendar(unit_code), sweep.now, sweep.policy)
    found, cursor = consultation_lists.due_by(unit_code, horizon.isoformat(), limit, after)
    for listed in found:
        reminder = consultation_reminder(listed.code, listed.consultation, sweep.calendar(unit_code), sweep.now,
                                         sweep.policy)
        if reminder is None:
            continue
        for sub in consultation_recipients(reminder.kind, listed.consultation, sweep.officers):
            notification = store.deliver(sub, reminder, sweep.now)
            if notification is not None:
                sweep.created.setdefault(sub, []).append((reminder, notification))
                sweep.report.notifications += 1
    return len(found), cursor


def page(task: Task, *, policy: Policy = DEFAULT_POLICY,
         connect: Callable[[], messaging.MessagingGateway] | None = None) -> Page:
    """Up to ``PAGE_SIZE`` dossiers of the task's unit from its cursor: reminders, then digests."""
    unit_code = task.chain
    officers = _unit_officers(unit_code, str(task.args.get("province", "")))
    sweep = _Sweep(now=dt.datetime.fromisoformat(task.args["now"]), policy=policy, officers=officers)
    sweep.report.units = 1 if task.page == 0 else 0
    parts = [*_STATUS_PARTS, *sorted(f"A{o.sub}" for o in officers if Role.APPRAISER in o.roles_in(unit_code))]
    part, after = int((task.cursor or {}).get("part", 0)), (task.cursor or {}).get("after")
    budget, cursor = PAGE_SIZE, None
    while part < len(parts):
        if budget == 0:
            cursor = {"part": part, "after": after}
            break
        if parts[part] == "C":
            read, after = _consultations(sweep, unit_code, budget, after)
            budget -= read
        else:
            found, after = _read(sweep, unit_code, parts[part], budget, after)
            budget -= len(found)
            for dossier in found:
                sweep.consider(dossier, new_work=parts[part] == "S1" or parts[part].startswith("A"))
        if after is None:
            part += 1
    _send_digests(sweep, connect or messaging.connect)
    return Page(sweep.report, cursor)


def schedule() -> int:
    """The 15-minute schedule: the sweep planned on the job's queue."""
    return start(plan(dossier_service.now()))


def run(now: dt.datetime | None = None, *, policy: Policy = DEFAULT_POLICY,
        connect: Callable[[], messaging.MessagingGateway] | None = None) -> SweepReport:
    """A whole sweep at ``now`` (default: the current time) in this process: every unit's pages
    one after the other, the same pages the worker runs from the queue."""
    at = now or dossier_service.now()
    total = SweepReport()
    for done in drain(plan(at), lambda task: page(task, policy=policy, connect=connect)):
        for name, value in asdict(done.summary).items():
            setattr(total, name, getattr(total, name) + value)
    logger.info("deadline sweep finished", extra={"sweep": asdict(total)})
    return total


def _send_digests(sweep: _Sweep, connect: Callable[[], messaging.MessagingGateway]) -> None:
    names = {o.sub: o.name for o in sweep.officers}
    gateway: messaging.MessagingGateway | None = None
    unavailable = False
    for sub, created in sweep.created.items():
        preferences = store.get_preferences(sub)
        if not (preferences.email or preferences.phone):
            continue
        message = digest(names.get(sub, ""), [reminder for reminder, _ in created])
        planned = [("email", preferences.email)] if preferences.email else []
        if preferences.phone and message.sms:
            planned.append(("sms", preferences.phone))
        if not planned:
            continue
        if gateway is None and not unavailable:
            try:
                gateway = connect()
            except (ClientError, BotoCoreError, KeyError, TypeError, ValueError):
                logger.exception("messaging gateway not configured; reminders stay in-app only")
                unavailable = True
        reference = f"{sub}:{created[0][1].id}"
        for channel, address in planned:
            try:
                if gateway is None:
                    raise messaging.DeliveryError("gateway not configured")
                if channel == "email":
                    gateway.send_email(address, message.subject, message.text, f"{reference}:email")
                    sweep.report.emails += 1
                else:
                    gateway.send_sms(address, message.sms or "", f"{reference}:sms")
                    sweep.report.sms += 1
            except messaging.DeliveryError as err:
                logger.warning("reminder not delivered", extra={"channel": channel, "officer": sub, "error": str(err)})
                sweep.report.delivery_failures += 1
