"""Reminder rules (FR-20): which reminder a dossier earns at a moment, for whom, its once-key,
its words, and the e-mail/SMS digest."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain import engine
from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment
from chalicelib.domain.dossier import Actor, Applicant, Channel, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role
from chalicelib.notifications.reminders import (
    Reminder,
    ReminderKind,
    deadline_reminder,
    digest,
    dossier_horizon,
    new_work_reminder,
    recipients,
)

T0 = dt.datetime(2026, 8, 3, 9, 0, tzinfo=VN_TZ)  # a Monday; office hours 7:30–11:30, 13:30–17:00
CAL = WorkingCalendar()
UNIT, OTHER_UNIT = "000.00.13.H29", "000.00.13.H26"
APPLICANT = "Nguyễn Thị Ánh"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 8, day, hour, minute, tzinfo=VN_TZ)


FIFTEEN_DAYS = Duration.of_working_days(15)


def dossier(*, direct: bool = True, legal: Duration = FIFTEEN_DAYS, seq: int = 1) -> Dossier:
    blank = Dossier(
        code=f"{UNIT}-260803-{seq:04d}", procedure_code="1.001193", procedure_name="Đăng ký khai sinh",
        unit_code=UNIT, channel=Channel.DESK if direct else Channel.ONLINE,
        applicant=Applicant(name=APPLICANT, kind="1", id_number="079203001234"),
        status=1, step_id="", process_code="", process_version=0,
        submitted_at=T0, step_started_at=T0, created_at=T0, updated_at=T0,
    )
    actor = Actor(sub="desk-1", name="Cán bộ", role="desk", unit_code=UNIT)
    placed, _ = engine.start(blank, DEFAULT_PROCESS, direct=direct, actor=actor,
                             timing=engine.Timing(now=T0, calendar=CAL, legal_deadline=legal))
    return placed


def act(d: Dossier, action: str, when: dt.datetime, **fields: str) -> Dossier:
    actor = Actor(sub=d.assignee or "officer", name="Cán bộ", role="desk", unit_code=UNIT)
    after, _ = engine.apply(d, DEFAULT_PROCESS, engine.ActionRequest(action_id=action, **fields), actor=actor,
                            roles=set(Role), timing=engine.Timing(now=when, calendar=CAL,
                                                                  legal_deadline=FIFTEEN_DAYS))
    return after


def step_name(d: Dossier) -> str:
    return DEFAULT_PROCESS.step(d.step_id).name


def remind(d: Dossier, when: dt.datetime) -> Reminder | None:
    return deadline_reminder(d, step_name(d), CAL, when)


def test_nothing_is_due_right_after_receipt() -> None:
    assert remind(dossier(), T0) is None


def test_a_step_comes_near_due_then_overdue_with_its_deadline_in_words() -> None:
    d = dossier()  # forwarding step: 4 working hours from 09:00 → 15:00
    assert d.step_due_at == at(3, 15)
    assert remind(d, at(3, 10, 59)) is None  # two working hours from 10:59, across lunch, end at 14:59
    assert remind(d, at(3, 11)) is not None
    near = remind(d, at(3, 13, 30))
    assert near is not None and near.kind is ReminderKind.STEP_NEAR_DUE
    assert near.detail == f"bước “{step_name(d)}” hạn 15:00 03/08/2026, còn 1 giờ 30 phút"
    assert near.deadline == at(3, 15) and near.title == "Bước xử lý sắp đến hạn"
    late = remind(d, at(3, 15, 30))
    assert late is not None and late.kind is ReminderKind.STEP_OVERDUE
    assert late.detail.endswith("quá hạn 30 phút") and late.kind.urgent


def test_the_legal_deadline_outranks_the_step_when_it_is_past() -> None:
    d = dossier(legal=Duration.of_working_days(1))  # appointment Tuesday 09:00
    assert d.due_at == at(4, 9)
    near = remind(d, T0)
    assert near is not None and near.kind is ReminderKind.DOSSIER_NEAR_DUE
    assert near.detail == "Hạn xử lý 04/08/2026 - Còn 1 ngày"
    step_late = remind(d, at(3, 15, 30))
    assert step_late is not None and step_late.kind is ReminderKind.STEP_OVERDUE  # overdue beats near-due
    late = remind(d, at(4, 10))
    assert late is not None and late.kind is ReminderKind.DOSSIER_OVERDUE
    assert late.detail == "Hạn xử lý 04/08/2026 - Quá hạn 1 giờ"
    assert late.message == f"Hồ sơ {d.code} (Đăng ký khai sinh, {APPLICANT}): Hạn xử lý 04/08/2026 - Quá hạn 1 giờ."


def test_no_reminder_while_the_applicant_has_the_dossier_or_once_it_is_finished() -> None:
    d = act(dossier(legal=Duration.of_working_days(1)), "chuyen_phong", at(3, 10))
    d = act(d, "phan_cong", at(3, 10, 5), assignee="appraiser-1")
    supplement = act(d, "yeu_cau_bo_sung", at(3, 10, 10), reason="Bổ sung giấy chứng sinh")
    assert supplement.status == 5
    assert remind(supplement, at(20, 10)) is None
    finished = d.model_copy(update={"status": 9, "step_id": "tra_ket_qua", "finished_at": at(3, 11)})
    assert remind(finished, at(20, 10)) is None


def test_an_online_dossier_awaiting_the_desk_is_reminded_of_its_intake_step_only() -> None:
    d = dossier(direct=False)  # status 1: no appointment yet; intake step 8 working hours → Tuesday 09:30
    assert d.status == 1 and d.due_at is None
    late = remind(d, at(4, 10))
    assert late is not None and late.kind is ReminderKind.STEP_OVERDUE and late.deadline == at(4, 9, 30)


def test_deadline_reminders_come_once_a_day_per_dossier_and_step() -> None:
    d = dossier(legal=Duration.of_working_days(1))
    morning, evening, next_day = remind(d, at(4, 10)), remind(d, at(4, 16)), remind(d, at(5, 10))
    assert morning and evening and next_day
    assert morning.once == evening.once == f"dossier_overdue#{d.code}#20260804"
    assert next_day.once != morning.once
    step_late = remind(dossier(), at(3, 15, 30))
    assert step_late is not None and step_late.once == f"step_overdue#{dossier().code}#chuyen_xu_ly#20260803"


def test_new_work_is_announced_once_per_step_entry_and_only_while_recent() -> None:
    d = dossier(direct=False)
    first = new_work_reminder(d, step_name(d), at(3, 9, 15))
    again = new_work_reminder(d, step_name(d), at(3, 16))
    assert first is not None and again is not None and first.once == again.once
    assert first.kind is ReminderKind.NEW_WORK and not first.kind.urgent
    assert first.detail == f"chờ xử lý ở bước “{step_name(d)}”, hạn 09:30 04/08/2026"
    assert new_work_reminder(d, step_name(d), at(4, 9, 1)) is None  # entered more than a day ago
    received = act(d, "tiep_nhan", at(3, 10))
    moved = new_work_reminder(received, step_name(received), at(3, 10, 15))
    assert moved is not None and moved.once != first.once


def test_the_near_due_horizon_is_one_working_day_ahead() -> None:
    assert dossier_horizon(CAL, at(7, 16)) == at(10, 16)  # Friday 16:00 → Monday 16:00


def officer(sub: str, *roles: tuple[Role, str], active: bool = True) -> OfficerProfile:
    return OfficerProfile(sub=sub, name=sub, active=active,
                          assignments=[RoleAssignment(role=r, unit_code=u) for r, u in roles])


STAFF = [
    officer("desk-a", (Role.DESK, UNIT)),
    officer("desk-gone", (Role.DESK, UNIT), active=False),
    officer("desk-elsewhere", (Role.DESK, OTHER_UNIT)),
    officer("head", (Role.HEAD, UNIT)),
    officer("appraiser-1", (Role.APPRAISER, UNIT)),
    officer("appraiser-2", (Role.APPRAISER, UNIT), (Role.DESK, OTHER_UNIT)),
]


def subs(people: list[OfficerProfile]) -> list[str]:
    return [p.sub for p in people]


def test_the_holders_of_the_current_step_are_reminded() -> None:
    d = dossier(direct=False)
    assert subs(recipients(ReminderKind.NEW_WORK, d, STAFF)) == ["desk-a"]
    assigned = act(act(d, "tiep_nhan", T0), "chuyen_phong", T0)
    assigned = act(assigned, "phan_cong", T0, assignee="appraiser-2")
    assert subs(recipients(ReminderKind.STEP_NEAR_DUE, assigned, STAFF)) == ["appraiser-2"]


def test_an_overdue_dossier_also_reaches_the_heads_and_a_departed_assignee_is_replaced_by_them() -> None:
    d = dossier()
    assert subs(recipients(ReminderKind.DOSSIER_OVERDUE, d, STAFF)) == ["desk-a", "head"]
    orphan = act(act(d, "chuyen_phong", T0), "phan_cong", T0, assignee="someone-who-left")
    assert subs(recipients(ReminderKind.STEP_OVERDUE, orphan, STAFF)) == ["head"]
    assert subs(recipients(ReminderKind.DOSSIER_OVERDUE, orphan, STAFF)) == ["head"]


def test_the_digest_puts_overdue_work_first_and_keeps_applicants_out_of_email_and_sms() -> None:
    codes = [dossier(seq=n, legal=Duration.of_working_days(1)) for n in (1, 2, 3)]
    late = [remind(d, at(4, 10)) for d in codes]
    fresh = new_work_reminder(dossier(seq=4, direct=False), "Tiếp nhận hồ sơ", at(3, 9, 30))
    assert all(late) and fresh
    message = digest("Lê Minh Châu", [fresh, *late])  # type: ignore[list-item]
    assert message.subject == "[hoso] 3 việc quá hạn, 1 nhắc việc khác"
    lines = message.text.splitlines()
    assert lines[0] == "Kính gửi Lê Minh Châu," and "4 nhắc việc mới" in message.text
    assert lines[4].startswith(f"1. Hồ sơ quá hạn xử lý: hồ sơ {codes[0].code} (Đăng ký khai sinh) — Hạn xử lý")
    assert lines[7].startswith("4. Hồ sơ mới cần xử lý")
    assert message.sms == (f"hoso: 3 việc quá hạn ({codes[0].code}, {codes[1].code} và 1 hồ sơ khác). "
                           "Vui lòng xử lý trên hệ thống.")
    assert APPLICANT not in message.text and APPLICANT not in message.sms
    quiet = digest("Lê Minh Châu", [fresh])  # type: ignore[list-item]
    assert quiet.subject == "[hoso] 1 nhắc việc mới" and quiet.sms is None
    with pytest.raises(ValueError):
        digest("Lê Minh Châu", [])
