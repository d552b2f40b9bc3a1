"""A specialised software down, in the browser (issue 17 item 7; docs/specialised-outage.md): the demo
software of 1.000105 (simulator :8111) goes down; a received dossier's hand-over fails its retries, so
an incident opens. TP.HCM's one-stop officer sees the banner, the dossier marked in the worklist and on
its page (where hoso holds the processing until someone decides), and continues it in hoso with a
reason (refused without one). The software comes back: the watch resolves the incident and sends the
dossier's state; the banner is gone and the officer's work stands. Every screen is checked with axe-core."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.specialised import model
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator
from tests.e2e.web.conftest import OfficerSession

REASON = "Phần mềm cấp phép không nhận hồ sơ từ sáng; người nộp cần kết quả đúng hẹn."
BANNER = "Sự cố phần mềm chuyên ngành"
MARK = "Chờ phần mềm chuyên ngành"


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _mode(stack: LocalStack, **mode: Any) -> None:
    requests.post(f"{simulator(stack, 'specialised')}/_sim/mode", json=mode, timeout=10).raise_for_status()


def _until(what: str, check: Callable[[], Any], timeout_s: float = 120) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"{what}: not within {timeout_s} s")


def _watch(stack: LocalStack) -> None:
    assert stack.dispatcher is not None
    stack.dispatcher.fire_schedule("specialised_watch")


def _waiting(desk: Officer, code: str) -> bool:
    incidents = _ok(desk.get("/v1/specialised/incidents"))["incidents"]
    return any(d["code"] == code and not d["continued"] for i in incidents for d in i["dossiers"])


def _fail_hand_over(stack: LocalStack, desk: Officer, code: str) -> None:
    """The outbox's signal of the receipt fails (the software is down); the redeliveries SQS would make
    minutes apart are sent now, so the hand-over reaches its last try at once."""
    assert stack.dispatcher is not None
    sqs = stack.dispatcher.client("sqs")
    (queue,) = [e.queue_url for e in stack.dispatcher.provisioned.function("dossier_changes").events_of("SQS")]
    for seq in range(1, model.HANDOVER_ATTEMPTS + 2):
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"code": code, "seq": seq}))
        time.sleep(1)
    _until(f"{code} queued under the software's incident", lambda: _waiting(desk, code))


def test_the_officer_sees_the_outage_and_continues_the_dossier_in_hoso(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    desk_api = Officer(stack, "desk", HCMC_UNIT)
    _mode(stack, down=True)
    try:
        body = {**DESK_EXAMPLE, "MaTTHC": "1.000105", "MaDonViTiepNhan": HCMC_UNIT, "LoaiDoiTuong": "2"}
        created = _ok(desk_api.post("/v1/dossiers", body), 201)["dossier"]
        code, status = created["code"], created["status"]
        _fail_hand_over(stack, desk_api, code)

        desk = officers("desk")
        page = desk.page
        banner = page.get_by_role("region", name=BANNER)
        expect(banner).to_contain_text("đang gặp sự cố (không nhận được hồ sơ chuyển sang)", timeout=30_000)
        expect(banner).to_contain_text("Hồ sơ bị ảnh hưởng có thể tiếp tục xử lý trên hoso.")
        desk.check("Việc cần làm: sự cố phần mềm chuyên ngành")

        desk.open(f"danh-sach/{status}")
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=code))
        expect(row).to_contain_text(MARK, timeout=30_000)
        desk.check("Danh sách: hồ sơ chờ phần mềm chuyên ngành")
        screenshot(page, "danh-sach-cho-phan-mem-chuyen-nganh")

        # hoso holds the processing until an officer decides
        held = desk_api.act(code, "chuyen_phong")
        assert held.status_code == 409 and held.json()["error_code"] == "SPECIALISED_INCIDENT", held.text
        row.get_by_role("link", name=code).click()
        expect(desk.heading()).to_have_text(f"Hồ sơ {code}", timeout=30_000)
        panel = page.get_by_role("region", name=MARK)
        expect(panel).to_contain_text("đang gặp sự cố")
        panel.get_by_role("button", name="Tiếp tục xử lý trên hoso").click()
        dialog = page.get_by_role("dialog", name="Tiếp tục xử lý trên hoso")
        dialog.get_by_role("button", name="Xác nhận tiếp tục").click()
        expect(dialog).to_contain_text("Vui lòng nhập lý do tiếp tục xử lý trên hoso.")
        expect(dialog.get_by_label("Lý do tiếp tục xử lý trên hoso")).to_be_focused()
        dialog.get_by_label("Lý do tiếp tục xử lý trên hoso").fill(REASON)
        desk.check("Hồ sơ: tiếp tục xử lý trên hoso")
        screenshot(page, "ho-so-tiep-tuc-xu-ly-tren-hoso")
        dialog.get_by_role("button", name="Xác nhận tiếp tục").click()
        expect(dialog).to_be_hidden()
        expect(page.locator(".flash")).to_contain_text(f"Hồ sơ {code} được tiếp tục xử lý trên hoso.")
        expect(panel).to_have_count(0)
        trail = page.get_by_role("region", name="Nhật ký xử lý")
        expect(trail).to_contain_text("Tiếp tục xử lý trên hoso (phần mềm chuyên ngành gặp sự cố)")
        expect(trail).to_contain_text(REASON)
        expect(banner).to_contain_text("đã được tiếp tục xử lý trên hoso")
        desk.check("Hồ sơ: đã tiếp tục xử lý trên hoso")
        _ok(desk_api.act(code, "chuyen_phong"))  # processing goes on

        # the software is back: the watch resolves the incident and sends the dossier's state
        _mode(stack, down=False)
        _watch(stack)
        records = requests.get(f"{simulator(stack, 'specialised')}/_sim/records", timeout=10).json()["dossiers"]
        (sent,) = records[code]["states"]
        assert sent["state"]["step"] == "phan_cong" and sent["state"]["continued_in_hoso"]["reason"] == REASON
        desk.open(f"ho-so/{code}")
        expect(trail).to_contain_text("Đồng bộ trạng thái hồ sơ sang phần mềm chuyên ngành", timeout=30_000)
        expect(banner).to_have_count(0)
        desk.check("Hồ sơ: phần mềm chuyên ngành hoạt động trở lại")
    finally:
        _mode(stack, down=False)
        _watch(stack)  # whatever happened above, nothing stays queued for the next tests
