"""Transfer to the competent unit in the browser: TP.HCM's one-stop officer opens a dossier that is not
theirs to decide, picks Hà Nội's unit in "Chuyển hồ sơ đến đơn vị có thẩm quyền" (typed without
diacritics), gives the reason and confirms; the dossier leaves TP.HCM (its page now says it is not
found) and Hà Nội's head finds it in their list with the transfer in its history. Every screen is
checked with axe-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer
from tests.e2e.web.conftest import OfficerSession

HANOI_NAME = "Sở Khoa học và Công nghệ thành phố Hà Nội"
REASON = "Người nộp thường trú tại Hà Nội, hồ sơ thuộc thẩm quyền của Hà Nội."


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_the_desk_transfers_a_dossier_to_the_competent_unit_which_sees_it(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    desk_api = Officer(stack, "desk", HCMC_UNIT)
    code = _ok(desk_api.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)["dossier"]["code"]

    desk = officers("desk")
    page = desk.page
    desk.open(f"ho-so/{code}")
    expect(desk.heading()).to_have_text(f"Hồ sơ {code}", timeout=30_000)
    panel = page.get_by_role("region", name="Chuyển đơn vị có thẩm quyền")
    panel.get_by_role("button", name="Chuyển hồ sơ đến đơn vị có thẩm quyền").click()
    dialog = page.get_by_role("dialog", name="Chuyển hồ sơ đến đơn vị có thẩm quyền")
    expect(dialog).to_be_visible()

    # nothing chosen: both problems said, the focus on the first
    dialog.get_by_role("button", name="Xác nhận chuyển").click()
    expect(dialog).to_contain_text("Vui lòng chọn đơn vị có thẩm quyền nhận hồ sơ.")
    expect(dialog).to_contain_text("Vui lòng nhập lý do chuyển hồ sơ.")
    expect(dialog.get_by_label("Tìm đơn vị")).to_be_focused()

    # the picker matches without diacritics: "ha noi" leaves Hà Nội's unit, not the ministry
    dialog.get_by_label("Tìm đơn vị").fill("ha noi")
    units = dialog.get_by_role("group", name="Đơn vị có thẩm quyền nhận hồ sơ")
    expect(units.get_by_role("radio")).to_have_count(1)
    units.get_by_role("radio", name=HANOI_NAME).check()
    dialog.get_by_label("Lý do chuyển").fill(REASON)
    desk.check("Hồ sơ: chuyển đơn vị có thẩm quyền")
    screenshot(page, "ho-so-chuyen-don-vi-co-tham-quyen")
    dialog.get_by_role("button", name="Xác nhận chuyển").click()

    expect(desk.heading()).to_have_text("Việc cần làm", timeout=30_000)
    expect(page.locator(".flash")).to_contain_text(f"Đã chuyển hồ sơ {code} đến {HANOI_NAME}")
    desk.open(f"ho-so/{code}")
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ", timeout=30_000)

    head = officers("head", HANOI_UNIT)
    head.open("danh-sach/4")
    expect(head.page.get_by_role("link", name=code)).to_be_visible(timeout=30_000)
    head.check("Danh sách: hồ sơ được chuyển đến")
    head.page.get_by_role("link", name=code).click()
    expect(head.heading()).to_have_text(f"Hồ sơ {code}", timeout=30_000)
    trail = head.page.get_by_role("region", name="Nhật ký xử lý")
    expect(trail).to_contain_text("Chuyển hồ sơ đến đơn vị có thẩm quyền giải quyết")
    expect(trail).to_contain_text(REASON)
    # the competent unit's head carries on with the process (assignment), and may not transfer it on
    expect(head.page.get_by_role("button", name="Phân công")).to_be_visible()
    expect(head.page.get_by_role("region", name="Chuyển đơn vị có thẩm quyền")).to_have_count(0)
    head.check("Hồ sơ được chuyển đến: nhật ký")
