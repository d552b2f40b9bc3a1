"""Reminders in the web app (issue 12 #10) and the private note (#11), in the browser on the local
stack: the header's bell counts the officer's unread reminders, lists them with links to their
dossiers, marks one or all read (the count drops, and says so to screen readers); the settings
dialog decides where the deadline sweep's e-mail and SMS go (the messaging simulator receives
exactly that); the dashboard shows the supplemented and due-soon counters; "Người xử lý" names who
holds the dossier now; a private note is kept for its author only. axe on every state."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e import backdate
from tests.e2e.conftest import Officer, simulator
from tests.e2e.web import flow_reminders as flow
from tests.e2e.web.conftest import OfficerSession

PHONE_WIDTH = {"width": 390, "height": 844}
NOTE = "Chị Hà sẽ nộp bản chính giấy chứng sinh chiều thứ Sáu."


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _desk_dossier(desk: Officer) -> str:
    """A birth registration received at the desk (one working day)."""
    return str(_ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)["dossier"]["code"])


def _overdue(code: str) -> None:
    """Its deadline two days ago (received ten days before), recorded through the dossier services."""
    backdate.overdue(code, HCMC_UNIT)


def _sweep(stack: LocalStack) -> None:
    [outcome] = stack.dispatcher.fire_schedule("deadline_sweep")
    assert outcome.ok, outcome.error
    assert stack.dispatcher.wait_idle("deadline_sweep_pages"), "the sweep's pages are done"


def _unread(officer: Officer) -> int:
    return int(_ok(officer.get("/v1/me/notifications", limit=1))["unread"])


def test_the_bell_counts_lists_and_marks_reminders_read(stack: LocalStack, officers: Callable[..., OfficerSession],
                                                        screenshot: Callable[[Page, str], None]) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    _ok(desk.post("/v1/me/notifications/read-all", {}))
    first, second = _desk_dossier(desk), _desk_dossier(desk)
    for code in (first, second):
        _overdue(code)
    _sweep(stack)
    unread = _unread(desk)
    assert unread >= 2

    officer = officers("desk")
    page = officer.page
    flow.expect_bell_count(page, unread)
    assert flow.bell_count(page) == unread
    officer.check("Việc cần làm với chuông thông báo")

    panel = flow.open_bell(page)
    for code in (first, second):
        expect(panel.get_by_role("link", name=f"Mở hồ sơ {code}")).to_be_visible()
    expect(panel).to_contain_text("Hồ sơ quá hạn xử lý")
    expect(panel).to_contain_text(f"{unread} thông báo chưa đọc")
    officer.check("Chuông: danh sách thông báo")
    screenshot(page, "thong-bao")

    flow.mark_notification_read(page, first)
    flow.expect_bell_count(page, unread - 1)
    expect(page.locator(".bell-announcement")).to_have_text(f"{unread - 1} thông báo chưa đọc")
    assert _unread(desk) == unread - 1
    officer.check("Chuông: một thông báo đã đọc")
    flow.close_bell(page)

    flow.open_notified_dossier(page, second)
    flow.expect_bell_count(page, unread - 2)
    assert _unread(desk) == unread - 2

    if unread > 2:
        flow.mark_all_notifications_read(page)
    flow.expect_bell_count(page, 0)
    panel = flow.open_bell(page)
    expect(panel).to_contain_text("Không có thông báo chưa đọc")
    expect(panel.get_by_role("button", name=re.compile("^Đánh dấu"))).to_have_count(0)
    officer.check("Chuông: không còn thông báo chưa đọc")
    assert _unread(desk) == 0

    page.set_viewport_size(PHONE_WIDTH)
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH["width"]
    officer.check("Chuông: màn hình điện thoại")
    screenshot(page, "thong-bao-dien-thoai")


def test_the_settings_decide_where_email_and_sms_reminders_go(stack: LocalStack,
                                                               officers: Callable[..., OfficerSession],
                                                               screenshot: Callable[[Page, str], None]) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    officer = officers("desk")
    page = officer.page

    dialog = flow.open_notification_settings(page)
    dialog.get_by_label("Thư điện tử").fill("mot.cua@")
    dialog.get_by_label("Số điện thoại di động").fill("0241234567")
    dialog.get_by_role("button", name="Lưu cài đặt").click()
    expect(dialog.get_by_text("Địa chỉ thư điện tử không hợp lệ.")).to_be_visible()
    expect(dialog.get_by_text("Số điện thoại di động không hợp lệ (ví dụ 0912345678).")).to_be_visible()
    expect(dialog.get_by_label("Thư điện tử")).to_be_focused()
    officer.check("Cài đặt nhận thông báo: lỗi")
    screenshot(page, "cai-dat-thong-bao-loi")
    dialog.get_by_role("button", name="Hủy").click()
    flow.close_bell(page)

    flow.save_notification_settings(page, "Mot.Cua.Nhac.Viec@HCM.gov.vn", "")
    stored = "Mot.Cua.Nhac.Viec@hcm.gov.vn"  # the domain is case-insensitive, the mailbox may not be
    expect(page.locator("main").get_by_role("status").first).to_contain_text(f"thư điện tử {stored}")
    assert _ok(desk.get("/v1/me/notification-settings")) == {"email": stored, "phone": None}
    dialog = flow.open_notification_settings(page)
    expect(dialog.get_by_label("Thư điện tử")).to_have_value(stored)
    officer.check("Cài đặt nhận thông báo")
    screenshot(page, "cai-dat-thong-bao")
    dialog.get_by_role("button", name="Hủy").click()

    messaging = simulator(stack, "messaging")

    def received(**params: str) -> list[dict[str, Any]]:
        answer = requests.get(f"{messaging}/_sim/messages", params=params, timeout=10)
        answer.raise_for_status()
        return list(answer.json()["messages"])

    sms_before = len(received(channel="sms", to=desk.account["SoDienThoai"]))
    code = _desk_dossier(desk)
    _overdue(code)
    _sweep(stack)
    [mail] = received(to=stored)
    assert mail["channel"] == "email" and code in mail["text"]
    assert len(received(channel="sms", to=desk.account["SoDienThoai"])) == sms_before, "no phone given, no SMS"


def test_counters_holder_and_a_private_note_only_its_author_sees(stack: LocalStack,
                                                                 officers: Callable[..., OfficerSession],
                                                                 screenshot: Callable[[Page, str], None]) -> None:
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    code = _desk_dossier(desk)
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    _ok(appraiser.act(code, "yeu_cau_bo_sung", reason="Thiếu bản sao giấy chứng sinh."))
    _ok(desk.act(code, "nhan_bo_sung"))
    counters = _ok(appraiser.get(f"/v1/units/{HCMC_UNIT}/counters"))
    waiting = counters["supplemented_by_role"]["appraiser"]
    assert waiting >= 1

    officer = officers("appraiser")
    page = officer.page
    assert flow.dashboard_counter(page, "Chuyên viên thẩm định", "Đã bổ sung, chờ thẩm định lại") == waiting
    assert flow.dashboard_counter(page, "Toàn đơn vị", "Đang xử lý sắp đến hạn") == counters["due_soon_in_process"]
    assert flow.dashboard_counter(page, "Toàn đơn vị", "Đang xử lý đã quá hạn") == counters["overdue_in_process"]
    resolved = counters["resolved_this_month"]
    assert flow.dashboard_counter(page, "Toàn đơn vị", "Quá hạn") == resolved["late"]
    appraisal = page.get_by_role("region", name="Chuyên viên thẩm định")
    expect(appraisal).to_contain_text(re.compile(r"Trong hạn \d+ · quá hạn \d+"))
    officer.check("Việc cần làm: bộ đếm đã bổ sung, sắp đến hạn, đã giải quyết")
    screenshot(page, "viec-can-lam-bo-dem")

    officer.open(f"ho-so/{code}")
    expect(officer.heading()).to_have_text(f"Hồ sơ {code}")
    assert flow.holder(page) == appraiser.account["HoVaTen"]
    assert flow.private_note(page) == ""
    flow.save_private_note(page, NOTE)
    officer.check("Hồ sơ: ghi chú riêng đã lưu")
    screenshot(page, "ghi-chu-rieng")
    officer.open(f"ho-so/{code}")
    assert flow.private_note(page) == NOTE

    _ok(appraiser.act(code, "trinh"))
    other = officers("head")
    other.open(f"ho-so/{code}")
    expect(other.heading()).to_have_text(f"Hồ sơ {code}")
    assert re.fullmatch(r"Trưởng phòng.* \(chưa giao cho cá nhân\)", flow.holder(other.page)), flow.holder(other.page)
    assert flow.private_note(other.page) == "", "another officer never sees it"
    flow.save_private_note(other.page, "Xem lại căn cứ pháp lý.")
    other.check("Hồ sơ: ghi chú riêng của cán bộ khác")
    assert _ok(appraiser.get(f"/v1/dossiers/{code}/note"))["text"] == NOTE
    officer.open(f"ho-so/{code}")
    assert flow.private_note(page) == NOTE
