"""Fees on the dossier page (issue 11 #4, issue 12 #6): in status 6 the officer sends the payment
request for the catalogue's amount from the page, which then shows the open request — its
reference, amount and the applicant's payment link — instead of offering to create another (on
the API a second request answers the same one); when the citizen pays on the payment platform
the page shows it without reloading, with the e-receipt, and the dossier moves on. Cash at the
desk is the only manual confirmation: the desk officer enters the amount (the catalogue's) and
the receipt number."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import expect

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.specialised.push import PUSHED_ACTION
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.flow_fees_post_delivery import cash_payment, fees_panel, to_top


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _handed_to_its_specialised_software(desk: Officer, code: str, timeout_s: float = 60) -> None:
    """1.000105 is handed to the demo specialised software once received, and that hand-over is
    recorded on the dossier: wait for it, so the officers' next actions do not race it (409)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        events = _ok(desk.get(f"/v1/dossiers/{code}"))["events"]
        if any(e["action"] == PUSHED_ACTION for e in events):
            return
        time.sleep(0.5)
    raise AssertionError(f"{code} was not handed to its specialised software within {timeout_s} s")


def _awaiting_payment(stack: LocalStack) -> str:
    """A 1.000105 dossier (a 2 000 000 đ fee in the catalogue) waiting for its fee (status 6)."""
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    body = {**DESK_EXAMPLE, "MaTTHC": "1.000105", "MaDonViTiepNhan": HCMC_UNIT, "LoaiDoiTuong": "2"}
    code = _ok(desk.post("/v1/dossiers", body), 201)["dossier"]["code"]
    _handed_to_its_specialised_software(desk, code)
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    _ok(appraiser.act(code, "yeu_cau_nop_phi", reason="Nộp phí thẩm định."))
    return str(code)


def test_the_open_payment_request_is_shown_instead_of_a_second_one(
        stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[..., None]) -> None:
    desk, appraiser = Officer(stack, "desk", HCMC_UNIT), Officer(stack, "appraiser", HCMC_UNIT)
    code = _awaiting_payment(stack)

    officer = officers("appraiser")
    page = officer.page
    officer.open(f"ho-so/{code}")
    fees = page.get_by_role("region", name="Phí, lệ phí")
    request = fees.get_by_role("button", name="Gửi yêu cầu thanh toán (2.000.000 đồng)")  # the catalogue's amount
    expect(request).to_be_visible()
    officer.check("Hồ sơ: phí, lệ phí (chờ nộp)")
    request.click()
    expect(fees.get_by_role("status")).to_contain_text("đang chờ người nộp thanh toán")
    expect(fees).to_contain_text("Yêu cầu thanh toán đang chờ kết quả")
    link = fees.get_by_role("link")
    expect(link).to_have_attribute("href", re.compile(r"/pay/HS\d+$"))
    expect(fees.get_by_role("button", name="Gửi yêu cầu thanh toán")).to_have_count(0)
    expect(fees).to_contain_text("Phí thẩm định cấp giấy phép tiến hành công việc bức xạ: 2.000.000")
    officer.check("Hồ sơ: yêu cầu thanh toán đang chờ")

    # the open request, not a second charge: on the API and after reloading the page
    open_ref = _ok(appraiser.get(f"/v1/dossiers/{code}/payments"))["open"][0]["ref"]
    again = _ok(desk.post(f"/v1/dossiers/{code}/payments", {}), 200)
    assert again["ref"] == open_ref
    officer.open(f"ho-so/{code}")
    expect(page.get_by_role("region", name="Phí, lệ phí")).to_contain_text(open_ref)
    expect(page.get_by_role("region", name="Phí, lệ phí").get_by_role("button")).to_have_count(0)

    # the citizen pays on the platform: the open page shows it paid, with the e-receipt, unreloaded
    payment_url = fees_panel(page).get_by_role("link").get_attribute("href")
    assert payment_url is not None
    assert requests.post(payment_url, timeout=30).status_code == 200
    fees = fees_panel(page)
    expect(fees).to_contain_text("Đã thanh toán", timeout=30_000)
    expect(fees.get_by_role("link", name=re.compile("^Xem biên lai điện tử"))).to_have_attribute(
        "href", re.compile(rf"/bien-lai/{open_ref}$"))
    expect(fees).to_contain_text("đã nộp")
    expect(page.get_by_role("status").filter(has_text="Cổng thanh toán báo đã thanh toán")).to_be_visible()
    expect(page.locator(".lead .badge")).not_to_have_text(re.compile("thực hiện nghĩa vụ tài chính"))
    officer.check("Hồ sơ: đã thanh toán, biên lai điện tử")
    to_top(fees)
    screenshot(page, "ho-so-phi-da-thanh-toan")


def test_the_desk_records_cash_with_the_catalogue_amount_and_the_receipt_number(
        stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[..., None]) -> None:
    code = _awaiting_payment(stack)
    officer = officers("desk")
    page = officer.page
    officer.open(f"ho-so/{code}")
    fees = fees_panel(page)
    form = fees.get_by_role("form", name="Nộp tiền mặt tại Bộ phận Một cửa")
    expect(form.get_by_label("Số tiền đã thu (đồng)")).to_have_value("2000000")
    expect(page.get_by_role("button", name="Xác nhận đã thực hiện nghĩa vụ tài chính")).to_have_count(0)
    form.get_by_label("Số tiền đã thu (đồng)").fill("200000")
    form.get_by_role("button", name="Xác nhận đã thu tiền mặt").click()
    expect(form.get_by_label("Số tiền đã thu (đồng)")).to_be_focused()
    expect(form).to_contain_text("Số tiền phải bằng tổng phí, lệ phí phải nộp (2.000.000 đồng)")
    expect(form).to_contain_text("Vui lòng nhập số biên lai thu tiền.")
    officer.check("Hồ sơ: nộp tiền mặt (lỗi)")
    to_top(form)
    screenshot(page, "ho-so-nop-tien-mat")
    cash_payment(page, code, 2_000_000, "0000815", "BL/26P")
    expect(fees).to_contain_text("tiền mặt tại Bộ phận Một cửa")
    expect(fees.get_by_role("form")).to_have_count(0)
    officer.check("Hồ sơ: đã nộp tiền mặt")
    paid = _ok(Officer(stack, "desk", HCMC_UNIT).get(f"/v1/dossiers/{code}/payments"))["payments"]
    assert [(p["method"], p["receipt_number"], p["amount"]) for p in paid] == [("cash", "0000815", 2_000_000)]
