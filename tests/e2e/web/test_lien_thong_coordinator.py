"""The coordination system in the browser (SPEC §7.7), on the local stack with its simulators:

- a step of a chain another ministry heads, sent by the coordinator simulator to TP.HCM's unit: the
  desk sees it in "Mới đăng ký" marked "Liên thông từ …", and its page says where it came from and
  that its result has not gone back yet;
- a birth chain received at TP.HCM: once the unit's own step and the police's are done, the social
  insurance step is handed to another ministry's system through the coordinator — the desk sees on
  the parent's page which step went where and that this one waits for its result.

Every screen is checked with axe-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from local.seed import BIRTH_CHAIN_CODE
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator
from tests.e2e.test_lien_thong import _agency_answers, _child, _handle_child, _received, _until
from tests.e2e.web.conftest import OfficerSession

HEAD_AGENCY = "Bộ Công an — Công an TP. Hồ Chí Minh (mô phỏng)"


def test_the_desk_sees_an_inbound_lien_thong_dossier_in_its_list_and_where_it_came_from(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    sent = requests.post(f"{simulator(stack, 'coordinator')}/_sim/lien-thong/send-dossier", json={
        "MaDonViTiepNhan": HCMC_UNIT,
        "LienThong": {"CoQuanChuTri": HEAD_AGENCY, "MaHoSoGoc": "000.00.00.G09-261207-0042"}}, timeout=60).json()
    assert sent["status"] == 201, sent
    code = sent["body"]["MaHoSo"]

    desk = officers("desk")
    page = desk.page
    desk.open("danh-sach/1")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=code))
    expect(row).to_contain_text(f"Liên thông từ {HEAD_AGENCY}", timeout=30_000)
    desk.check("Danh sách: hồ sơ liên thông chuyển đến")
    row.get_by_role("link", name=code).click()
    expect(desk.heading()).to_have_text(f"Hồ sơ {code}", timeout=30_000)
    panel = page.get_by_role("region", name="Liên thông", exact=True)
    expect(panel).to_contain_text(f"do {HEAD_AGENCY} chủ trì")
    expect(panel).to_contain_text("000.00.00.G09-261207-0042")
    expect(panel).to_contain_text("Chưa chuyển — kết quả được chuyển về Hệ thống điều phối")
    screenshot(page, "ho-so-lien-thong-chuyen-den")
    desk.check("Hồ sơ liên thông chuyển đến")


def _coordinator_handover(stack: LocalStack, code: str) -> dict[str, Any] | None:
    records = requests.get(f"{simulator(stack, 'coordinator')}/_sim/records", timeout=10).json()["handovers"]
    return next((h for h in records if h["MaHoSo"] == code), None)


def test_the_desk_sees_a_step_handed_to_another_ministry_through_the_coordinator(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    operator = Officer(stack, "operator", MINISTRY_UNIT)
    code = _received(stack, {"MaTTHC": BIRTH_CHAIN_CODE})
    _handle_child(stack, _child(operator, code, "khai_sinh"), "Đồng ý đăng ký khai sinh.")
    _agency_answers(stack, code, "thuong_tru")
    _until("the social insurance step at the coordinator", lambda: _coordinator_handover(stack, code))

    desk = officers("desk")
    page = desk.page
    desk.open(f"ho-so/{code}")
    expect(desk.heading()).to_have_text(f"Hồ sơ {code}", timeout=30_000)
    steps = page.get_by_role("region", name="Các bước liên thông")
    card = steps.get_by_role("row").filter(has_text="Bảo hiểm xã hội: cấp thẻ BHYT cho trẻ dưới 6 tuổi")
    expect(card).to_contain_text("qua Hệ thống điều phối")
    expect(card).to_contain_text("Đã chuyển, chờ kết quả")
    police = steps.get_by_role("row").filter(has_text="Công an xã: đăng ký thường trú")
    expect(police).to_contain_text("kết nối trực tiếp")
    expect(police).to_contain_text("Đã có kết quả")
    screenshot(page, "ho-so-lien-thong-qua-he-thong-dieu-phoi")
    desk.check("Hồ sơ: các bước liên thông")

    # The coordinator returns the result: the step shows it, the flow completes
    answer = requests.post(f"{simulator(stack, 'coordinator')}/_sim/lien-thong/complete/{code}",
                           json={"KetQua": "success"}, timeout=60).json()  # fmt: skip
    assert answer["result"]["status"] == 200, answer
    page.reload()
    expect(steps.get_by_role("row").filter(has_text="Bảo hiểm xã hội")).to_contain_text("Đã có kết quả",
                                                                                       timeout=30_000)
