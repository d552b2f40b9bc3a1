"""The deadline sweep against moto and the messaging simulator: who gets which notification,
once; e-mail and SMS digests; what the sweep reads (indexes, never a Scan); gateway trouble
leaves the in-app notifications in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.client import BaseClient

from chalicelib.notifications import store, sweep
from chalicelib.notifications.reminders import ReminderKind
from tests.integration.notifications.conftest import World, account

EMAIL = {"desk": "desk.h29@example.gov.vn", "head": "head.h29@example.gov.vn"}


def kinds(role: str, code: str) -> list[str]:
    return [n.kind.value for n in store.page(account(role)["sub"], limit=100).items if n.dossier_code == code]


def test_an_overdue_dossier_reminds_its_handler_and_the_head_in_app_by_email_and_sms(world: World) -> None:
    dossier = world.desk_dossier()  # 1.001193: one working day; at the desk's forwarding step
    assert dossier.due_at is not None
    store.put_preferences(account("desk")["sub"], store.Preferences(email=EMAIL["desk"], phone="0912004101"))
    store.put_preferences(account("head")["sub"], store.Preferences(email=EMAIL["head"]))
    overdue_at = dossier.due_at + dt.timedelta(minutes=5)

    report = sweep.run(overdue_at)

    assert kinds("desk", dossier.code) == ["dossier_overdue"]
    assert kinds("head", dossier.code) == ["dossier_overdue"]
    assert kinds("appraiser", dossier.code) == [] and kinds("leader", dossier.code) == []
    note = store.page(account("desk")["sub"]).items[0]
    assert note.title == "Hồ sơ quá hạn xử lý" and dossier.applicant.name in note.message
    assert f"Hạn xử lý {dossier.due_at:%d/%m/%Y}" in note.message and "quá hạn" in note.message.lower()
    assert note.read_at is None
    assert report.notifications == 2 and report.emails == 2 and report.sms == 1 and report.delivery_failures == 0

    desk_mail = world.messages(channel="email", to=EMAIL["desk"])
    assert len(desk_mail) == 1 and desk_mail[0]["subject"] == "[hoso] 1 việc quá hạn"
    assert dossier.code in desk_mail[0]["text"] and dossier.applicant.name not in desk_mail[0]["text"]
    [sms] = world.messages(channel="sms")
    assert sms["to"] == "0912004101" and dossier.code in sms["text"] and sms["encoding"] == "UCS-2"
    assert len(world.messages(channel="email", to=EMAIL["head"])) == 1

    again = sweep.run(overdue_at + dt.timedelta(minutes=15))
    assert again.notifications == 0 and again.emails == 0 and again.sms == 0
    assert len(world.messages()) == 3, "nothing is sent twice the same day"

    next_day = sweep.run(overdue_at + dt.timedelta(days=1))
    assert next_day.notifications == 2
    assert kinds("desk", dossier.code) == ["dossier_overdue", "dossier_overdue"]


def test_new_online_dossiers_and_new_assignments_are_announced_once(world: World) -> None:
    online = world.online_dossier("G22.99-NOTIFY-0001")
    assert online.status == 1
    received = world.desk_dossier("1.000105")
    world.act(received.code, "desk", "chuyen_phong")
    assigned = world.act(received.code, "head", "phan_cong", assignee=account("appraiser")["sub"])
    now = assigned.step_started_at + dt.timedelta(minutes=1)

    sweep.run(now)

    assert kinds("desk", online.code) == ["new_work"]
    assert kinds("appraiser", received.code) == ["new_work"]
    assert kinds("head", received.code) == [] and kinds("appraiser", online.code) == []
    [note] = [n for n in store.page(account("appraiser")["sub"]).items if n.dossier_code == received.code]
    assert note.title == "Hồ sơ mới cần xử lý" and "Thẩm định" in note.message
    sweep.run(now + dt.timedelta(minutes=15))
    assert kinds("desk", online.code) == ["new_work"], "announced once per step entry"


def test_the_appraisers_step_deadline_is_found_on_their_own_worklist(world: World) -> None:
    dossier = world.desk_dossier("1.000105")  # fifteen working days: the legal deadline is far
    world.act(dossier.code, "desk", "chuyen_phong")
    assigned = world.act(dossier.code, "head", "phan_cong", assignee=account("appraiser")["sub"])
    assert assigned.step_due_at is not None and assigned.due_at is not None
    past_step = assigned.step_due_at + dt.timedelta(minutes=1)
    assert past_step < assigned.due_at

    sweep.run(past_step)

    assert kinds("appraiser", dossier.code) == ["step_overdue"]
    assert kinds("head", dossier.code) == []


def test_no_reminder_while_the_applicant_has_the_dossier(world: World) -> None:
    dossier = world.desk_dossier()
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=account("appraiser")["sub"])
    paused = world.act(dossier.code, "appraiser", "yeu_cau_bo_sung", reason="Bổ sung bản sao giấy chứng sinh")
    assert paused.status == 5 and dossier.due_at is not None

    report = sweep.run(dossier.due_at + dt.timedelta(days=10))

    assert all(kinds(role, dossier.code) == [] for role in ("desk", "head", "appraiser"))
    assert report.dossiers == 0


def test_the_sweep_reads_indexes_and_never_scans(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = world.desk_dossier()
    assert dossier.due_at is not None
    operations: list[str] = []
    original = BaseClient._make_api_call

    def spy(self: Any, operation: str, params: dict[str, Any]) -> Any:
        operations.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", spy)
    sweep.run(dossier.due_at + dt.timedelta(hours=1))
    assert "Scan" not in operations and "Query" in operations


def test_a_gateway_that_is_down_leaves_the_reminders_in_app(world: World) -> None:
    dossier = world.desk_dossier()
    assert dossier.due_at is not None
    store.put_preferences(account("desk")["sub"], store.Preferences(email=EMAIL["desk"], phone="0912004101"))
    world.mode(world.sims.messaging, down=True)

    report = sweep.run(dossier.due_at + dt.timedelta(minutes=5))

    assert report.notifications == 2 and report.emails == 0 and report.delivery_failures == 2
    assert kinds("desk", dossier.code) == [ReminderKind.DOSSIER_OVERDUE.value]
    world.mode(world.sims.messaging, down=False)
    assert world.messages() == []


def test_without_gateway_credentials_reminders_stay_in_app(world: World) -> None:
    dossier = world.desk_dossier()
    assert dossier.due_at is not None
    store.put_preferences(account("desk")["sub"], store.Preferences(email=EMAIL["desk"]))

    def unconfigured() -> Any:
        raise KeyError("token")

    report = sweep.run(dossier.due_at + dt.timedelta(minutes=5), connect=unconfigured)

    assert report.notifications == 2 and report.emails == 0 and report.delivery_failures == 1
    assert kinds("desk", dossier.code) == ["dossier_overdue"]
