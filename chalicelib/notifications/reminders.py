"""What to remind whom, and in which words (FR-20: overdue and new-work reminders). Pure:
the sweep (``chalicelib.notifications.sweep``) loads dossiers, officers and calendars and
stores what this module decides.

Kinds, most pressing first: the dossier's legal deadline passed, the current step's deadline
passed, the legal deadline within ``Policy.dossier_window`` of working time, the step's within
``Policy.step_window``; and new work (a dossier that entered an officer's step recently). A
dossier gets at most one deadline reminder per sweep — the most pressing — and each reminder
carries a ``once`` key: the same key is never notified twice to the same officer, so the
deadline kinds come at most once a day per dossier (and step), new work once per step entry.

The clock only counts in the statuses the status chart says (2, 4): the legal deadline is not
reminded while the dossier waits for the applicant (5, 6), and nothing is reminded once the
dossier is finished.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Consultation, Dossier
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DEFAULT_CHART, StatusChart, overdue_label


class ReminderKind(enum.StrEnum):
    NEW_WORK = "new_work"
    STEP_NEAR_DUE = "step_near_due"
    STEP_OVERDUE = "step_overdue"
    DOSSIER_NEAR_DUE = "dossier_near_due"
    DOSSIER_OVERDUE = "dossier_overdue"
    CONSULTATION_NEAR_DUE = "consultation_near_due"
    CONSULTATION_OVERDUE = "consultation_overdue"

    @property
    def title(self) -> str:  # type: ignore[override]  # the reminder's heading, shadowing str.title on purpose
        return _TITLES[self]

    @property
    def urgent(self) -> bool:
        """Past a deadline: worth an SMS as well as the in-app notice and the e-mail."""
        return self in (ReminderKind.STEP_OVERDUE, ReminderKind.DOSSIER_OVERDUE, ReminderKind.CONSULTATION_OVERDUE)

    @property
    def daily(self) -> bool:
        return self is not ReminderKind.NEW_WORK


_TITLES = {
    ReminderKind.NEW_WORK: "Hồ sơ mới cần xử lý",
    ReminderKind.STEP_NEAR_DUE: "Bước xử lý sắp đến hạn",
    ReminderKind.STEP_OVERDUE: "Bước xử lý đã quá hạn",
    ReminderKind.DOSSIER_NEAR_DUE: "Hồ sơ sắp đến hạn trả kết quả",
    ReminderKind.DOSSIER_OVERDUE: "Hồ sơ quá hạn xử lý",
    ReminderKind.CONSULTATION_NEAR_DUE: "Yêu cầu xin ý kiến sắp đến hạn trả lời",
    ReminderKind.CONSULTATION_OVERDUE: "Yêu cầu xin ý kiến đã quá hạn trả lời",
}


@dataclass(frozen=True)
class Policy:
    dossier_window: Duration = Duration.of_working_days(1)
    step_window: Duration = Duration.of_working_hours(2)
    # New work is announced only for step entries this recent: a sweep that missed a while (or a
    # first deployment) never floods officers with old work, and once-markers need not live long.
    new_work_lookback: dt.timedelta = dt.timedelta(days=1)


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    dossier_code: str
    unit_code: str
    procedure_name: str
    applicant: str
    step_id: str
    step_name: str
    detail: str  # what is due when, in words, without personal data
    deadline: dt.datetime | None
    once: str  # never notified twice to the same officer

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def message(self) -> str:
        """The in-app text (officers of the unit may see the applicant's name; a consulted unit's
        reminder carries neither the procedure nor the applicant: they are not shared with it)."""
        if not self.applicant:
            return f"Hồ sơ {self.dossier_code}: {self.detail}."
        return f"Hồ sơ {self.dossier_code} ({self.procedure_name}, {self.applicant}): {self.detail}."

    @property
    def line(self) -> str:
        """The e-mail line: no applicant name leaves the system."""
        if not self.procedure_name:
            return f"{self.title}: hồ sơ {self.dossier_code} — {self.detail}."
        return f"{self.title}: hồ sơ {self.dossier_code} ({self.procedure_name}) — {self.detail}."


def _vn(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(VN_TZ)


def _time_text(moment: dt.datetime) -> str:
    return f"{_vn(moment):%H:%M %d/%m/%Y}"


def _remaining(deadline: dt.datetime, now: dt.datetime, calendar: WorkingCalendar) -> str:
    """"còn 2 giờ" / "quá hạn 1 ngày" — the tail of the TT11 deadline line, lower-cased."""
    tail = overdue_label(deadline, now, calendar).split(" - ", 1)[1]
    return tail[:1].lower() + tail[1:]


def _reminder(kind: ReminderKind, dossier: Dossier, step_name: str, detail: str, deadline: dt.datetime | None,
              once: str) -> Reminder:
    return Reminder(kind=kind, dossier_code=dossier.code, unit_code=dossier.unit_code,
                    procedure_name=dossier.procedure_name, applicant=dossier.applicant.name, step_id=dossier.step_id,
                    step_name=step_name, detail=detail, deadline=deadline, once=once)


def dossier_horizon(calendar: WorkingCalendar, now: dt.datetime, policy: Policy = DEFAULT_POLICY) -> dt.datetime:
    """Legal deadlines up to this instant are near (or past): the sweep reads the unit's
    deadline-sorted worklist up to here and no further."""
    return calendar.add(now, policy.dossier_window)


def deadline_reminder(dossier: Dossier, step_name: str, calendar: WorkingCalendar, now: dt.datetime,
                      policy: Policy = DEFAULT_POLICY, chart: StatusChart = DEFAULT_CHART) -> Reminder | None:
    """The most pressing deadline reminder for ``dossier`` at ``now``, or None."""
    if dossier.finished_at is not None or chart.is_terminal(dossier.status) or chart.pauses_clock(dossier.status):
        return None
    day = f"{_vn(now):%Y%m%d}"
    legal = dossier.due_at if chart.counts_time(dossier.status) else None
    step = dossier.step_due_at

    def on_legal(kind: ReminderKind, due: dt.datetime) -> Reminder:
        return _reminder(kind, dossier, step_name, overdue_label(due, now, calendar), due,
                         f"{kind.value}#{dossier.code}#{day}")

    def on_step(kind: ReminderKind, due: dt.datetime) -> Reminder:
        detail = f"bước “{step_name}” hạn {_time_text(due)}, {_remaining(due, now, calendar)}"
        return _reminder(kind, dossier, step_name, detail, due, f"{kind.value}#{dossier.code}#{dossier.step_id}#{day}")

    if legal is not None and now > legal:
        return on_legal(ReminderKind.DOSSIER_OVERDUE, legal)
    if step is not None and now > step:
        return on_step(ReminderKind.STEP_OVERDUE, step)
    if legal is not None and legal <= calendar.add(now, policy.dossier_window):
        return on_legal(ReminderKind.DOSSIER_NEAR_DUE, legal)
    if step is not None and step <= calendar.add(now, policy.step_window):
        return on_step(ReminderKind.STEP_NEAR_DUE, step)
    return None


def new_work_reminder(dossier: Dossier, step_name: str, now: dt.datetime,
                      policy: Policy = DEFAULT_POLICY) -> Reminder | None:
    """New work: the dossier entered its current step within ``policy.new_work_lookback``."""
    entered = dossier.step_started_at
    if dossier.finished_at is not None or entered < now - policy.new_work_lookback or entered > now:
        return None
    detail = f"chờ xử lý ở bước “{step_name}”"
    if dossier.step_due_at is not None:
        detail += f", hạn {_time_text(dossier.step_due_at)}"
    once = f"{ReminderKind.NEW_WORK.value}#{dossier.code}#{dossier.step_id}#{entered.astimezone(dt.UTC):%Y%m%dT%H%M%S}"
    return _reminder(ReminderKind.NEW_WORK, dossier, step_name, detail, dossier.step_due_at, once)


def consultation_reminder(code: str, consultation: Consultation, calendar: WorkingCalendar, now: dt.datetime,
                          policy: Policy = DEFAULT_POLICY) -> Reminder | None:
    """The consulted unit's reminder of an open consultation: its deadline within
    ``policy.dossier_window`` of working time, or past — once a day each."""
    due = consultation.due_at
    if not consultation.open or due is None or due > calendar.add(now, policy.dossier_window):
        return None
    kind = ReminderKind.CONSULTATION_OVERDUE if now > due else ReminderKind.CONSULTATION_NEAR_DUE
    detail = (f"xin ý kiến “{consultation.content[:80]}”, hạn trả lời {_time_text(due)}, "
              f"{_remaining(due, now, calendar)}")
    return Reminder(kind=kind, dossier_code=code, unit_code=consultation.unit_code, procedure_name="", applicant="",
                    step_id="", step_name="", detail=detail, deadline=due,
                    once=f"{kind.value}#{code}#{consultation.id}#{_vn(now):%Y%m%d}")


def consultation_recipients(kind: ReminderKind, consultation: Consultation,
                            officers: Iterable[OfficerProfile]) -> list[str]:
    """Who is reminded of a consultation: the consulted unit's appraisers, heads and leaders (who may
    answer); once it is overdue, also the appraiser who asked (who may now continue without it)."""
    unit = consultation.unit_code
    answering = {Role.APPRAISER, Role.HEAD, Role.LEADER}
    subs = [o.sub for o in officers if o.active and o.roles_in(unit) & answering]
    if kind is ReminderKind.CONSULTATION_OVERDUE:
        subs.append(consultation.requested_by)
    return list(dict.fromkeys(subs))


def recipients(kind: ReminderKind, dossier: Dossier, officers: Iterable[OfficerProfile]) -> list[OfficerProfile]:
    """Who is reminded: whoever holds the dossier's current step (its assignee for an assigned
    appraiser step; the unit's heads when that assignee no longer works there, so they can
    re-assign), and for an overdue dossier the unit's heads as well."""
    unit = dossier.unit_code
    in_unit = [o for o in officers if o.active and o.roles_in(unit)]
    heads = [o for o in in_unit if Role.HEAD in o.roles_in(unit)]
    holders = [o for o in in_unit if dossier.step_role in o.roles_in(unit)]
    if dossier.step_role == Role.APPRAISER.value and dossier.assignee:
        holders = [o for o in holders if o.sub == dossier.assignee] or heads
    chosen = holders + (heads if kind is ReminderKind.DOSSIER_OVERDUE else [])
    return list({o.sub: o for o in chosen}.values())


# -- e-mail and SMS -------------------------------------------------------------------------------

MAX_EMAIL_LINES = 50
SMS_CODES = 2


@dataclass(frozen=True)
class Digest:
    """One e-mail (and, when something is overdue, one SMS) per officer per sweep."""

    subject: str
    text: str
    sms: str | None


def digest(name: str, reminders: Sequence[Reminder]) -> Digest:
    if not reminders:
        raise ValueError("a digest needs at least one reminder")
    ordered = sorted(reminders, key=lambda r: (not r.kind.urgent, r.deadline or dt.datetime.max.replace(tzinfo=dt.UTC)))
    urgent = [r for r in ordered if r.kind.urgent]
    others = len(ordered) - len(urgent)
    if urgent:
        subject = f"[hoso] {len(urgent)} việc quá hạn" + (f", {others} nhắc việc khác" if others else "")
    else:
        subject = f"[hoso] {others} nhắc việc mới"
    lines = [f"{i}. {r.line}" for i, r in enumerate(ordered[:MAX_EMAIL_LINES], start=1)]
    if len(ordered) > MAX_EMAIL_LINES:
        lines.append(f"… và {len(ordered) - MAX_EMAIL_LINES} nhắc việc khác.")
    text = "\n".join([
        f"Kính gửi {name},", "",
        f"Hệ thống thông tin giải quyết thủ tục hành chính có {len(ordered)} nhắc việc mới:", "",
        *lines, "",
        "Vui lòng đăng nhập hệ thống để xử lý.",
        "Thư này được gửi tự động, vui lòng không trả lời.",
    ])
    sms = None
    if urgent:
        codes = list(dict.fromkeys(r.dossier_code for r in urgent))
        listed = ", ".join(codes[:SMS_CODES]) + (f" và {len(codes) - SMS_CODES} hồ sơ khác" if len(codes) > SMS_CODES
                                                 else "")
        sms = f"hoso: {len(urgent)} việc quá hạn ({listed}). Vui lòng xử lý trên hệ thống."
    return Digest(subject=subject, text=text, sms=sms)
