"""The ``deadline_sweep`` schedule (every 15 minutes): near-due and overdue steps and dossiers,
and new work, become officers' notifications (FR-20); officers who gave an address also get
one e-mail digest per sweep, and an SMS when something is overdue.

Everything is read by key or index, never scanned. Per unit (``catalogue.list_units``):

- status 1 (online dossiers awaiting the desk) and 2 (received, awaiting forwarding): the whole
  ``gsi1`` partition — the desk's queues, short by nature; new work (status 1) and the desk
  steps' deadlines;
- status 4 (processing): ``gsi1`` sorted by legal deadline, read only up to the near-due
  horizon (``gsi1sk <= now + 1 working day``) — dossiers near or past their legal deadline;
- each appraiser's own worklist (``gsi2``, ``ASSIGNEE#<sub>``): new assignments and the
  appraisal steps' deadlines.

What this does not see: the step deadline of a head's, leader's or clerk's step whose dossier
is not yet near its legal deadline — no index is sorted by those steps' deadlines.

Delivery is at most once: a notification is written with its once-marker in one conditional
transaction, and e-mail/SMS go only for notifications this sweep created. A gateway failure
is logged and counted; the in-app notification stays.
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
from chalicelib.notifications import gateway as messaging
from chalicelib.notifications import store
from chalicelib.notifications.reminders import (
    DEFAULT_POLICY,
    Policy,
    Reminder,
    deadline_reminder,
    digest,
    dossier_horizon,
    new_work_reminder,
    recipients,
)
from chalicelib.observability import logger
from chalicelib.services import dossiers as dossier_service
from chalicelib.store import catalogue


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


def run(now: dt.datetime | None = None, *, policy: Policy = DEFAULT_POLICY,
        connect: Callable[[], messaging.MessagingGateway] | None = None) -> SweepReport:
    """One sweep at ``now`` (default: the current time)."""
    sweep = _Sweep(now=now or dossier_service.now(), policy=policy,
                   officers=[o for o in catalogue.list_officers() if o.active])
    for unit in catalogue.list_units():
        sweep.report.units += 1
        for dossier in store.dossiers_in(unit.code, 1):
            sweep.consider(dossier, new_work=True)
        for dossier in store.dossiers_in(unit.code, 2):
            sweep.consider(dossier, new_work=False)
        horizon = dossier_horizon(sweep.calendar(unit.code), sweep.now, policy)
        for dossier in store.dossiers_in(unit.code, 4, due_until=horizon):
            sweep.consider(dossier, new_work=False)
    for appraiser in (o for o in sweep.officers if Role.APPRAISER in o.roles):
        for dossier in store.assigned_dossiers(appraiser.sub):
            sweep.consider(dossier, new_work=True)
    _send_digests(sweep, connect or messaging.connect)
    logger.info("deadline sweep finished", extra={"sweep": asdict(sweep.report)})
    return sweep.report


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
