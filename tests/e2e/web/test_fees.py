"""Fees on the dossier page (issue 11 #4): in status 6 the officer sends the payment request from
the page, which then shows the open request — its reference, amount and the applicant's payment
link — instead of offering to create another; on the API a second request answers the same one."""

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


def test_the_open_payment_request_is_shown_instead_of_a_second_one(
        stack: LocalStack, officers: Callable[..., OfficerSession]) -> None:
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    body = {**DESK_EXAMPLE, "MaTTHC": "1.000105", "MaDonViTiepNhan": HCMC_UNIT, "LoaiDoiTuong": "2"}
    code = _ok(desk.post("/v1/dossiers", body), 201)["dossier"]["code"]  # the procedure has a 2 000 000 đ fee
    _handed_to_its_specialised_software(desk, code)
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    _ok(appraiser.act(code, "yeu_cau_nop_phi", reason="Nộp phí thẩm định."))

    officer = officers("appraiser")
    page = officer.page
    officer.open(f"ho-so/{code}")
    fees = page.get_by_role("region", name="Phí, lệ phí")
    request = fees.get_by_role("button", name="Gửi yêu cầu thanh toán")
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
