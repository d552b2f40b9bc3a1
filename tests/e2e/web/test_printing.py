"""FR-19 printing in the browser (issue 12, items 2, 3 and 9): the dossier page offers each form
only where the law puts it — no receipt for a dossier DVCQG sent but nobody received, the
refusal form instead of it once refused —, the extension request and the apology after an
extension, each printed as the legal PDF and reprintable; the unit's registers printed by month
or quarter; the administrator told when a procedure's legal deadline cannot hold its process's
steps. Every new screen and state checked with axe-core, the print panel at phone width too."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Browser, Page, expect

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.e2e.conftest import Officer, account, post_signed
from tests.e2e.web.conftest import OfficerSession, new_context, vneid_button_name
from tests.e2e.web.flow_printing import offered_forms, open_dossier, pdf_text, print_form, print_register, why_not

RECEIPT = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
REFUSAL = "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
EXTENSION = "Phiếu đề nghị gia hạn thời gian giải quyết"
APOLOGY = "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
CONTROL = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
REFUSAL_REASON = "Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị"
EXTENSION_REASON = "Cần xác minh thông tin khai sinh tại nơi sinh"


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_forms_are_offered_only_where_the_law_puts_them(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    desk_api = Officer(stack, "desk", HCMC_UNIT)
    online = _ok(post_signed(stack.api_url, build_dossier(overrides={"MaDonViTiepNhan": HCMC_UNIT})), 201)["MaHoSo"]
    desk = officers("desk")
    page = desk.page

    # sent by DVCQG, not received yet: nothing to print, and the receipt is not offered, with the reason
    assert offered_forms(page, online) == []
    expect(page.get_by_role("region", name="In biểu mẫu")).to_contain_text("chưa có biểu mẫu nào")
    assert "chưa được tiếp nhận" in why_not(page, RECEIPT)
    desk.check("Hồ sơ chưa tiếp nhận: in biểu mẫu")
    refused = desk_api.get(f"/v1/dossiers/{online}/forms/tiep-nhan")
    assert refused.status_code == 409 and refused.json()["error_code"] == "FORM_NOT_AVAILABLE"

    # refused at intake: the refusal form, never a receipt saying "đã tiếp nhận hồ sơ"
    _ok(desk_api.act(online, "tu_choi_tiep_nhan", reason=REFUSAL_REASON))
    assert offered_forms(page, online) == [REFUSAL]
    assert "từ chối tiếp nhận" in why_not(page, RECEIPT)
    text = pdf_text(print_form(page, online, REFUSAL))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and REFUSAL_REASON in text
    assert "đã tiếp nhận hồ sơ" not in text
    desk.check("Hồ sơ bị từ chối tiếp nhận: in phiếu từ chối")
    screenshot(page, "in-bieu-mau-tu-choi")

    # a desk dossier under appraisal, its deadline extended: receipt, control sheet, extension
    # request and apology, each printed and printed again with the same content
    head_api, appraiser_api = Officer(stack, "head", HCMC_UNIT), Officer(stack, "appraiser", HCMC_UNIT)
    code = _ok(desk_api.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)["dossier"]["code"]
    _ok(desk_api.act(code, "chuyen_phong"))
    _ok(head_api.act(code, "phan_cong", assignee=appraiser_api.sub))
    assert offered_forms(page, code) == [RECEIPT, CONTROL]
    receipt = pdf_text(print_form(page, code, RECEIPT))
    assert "đã tiếp nhận hồ sơ" in receipt and code in receipt
    extended = _ok(appraiser_api.act(code, "gia_han", reason=EXTENSION_REASON,
                                     extension={"value": 2, "unit": "working_days"}))["dossier"]
    assert offered_forms(page, code) == [RECEIPT, APOLOGY, EXTENSION, CONTROL]
    request = pdf_text(print_form(page, code, EXTENSION))
    new_due = dt.datetime.fromisoformat(extended["due_at"]).astimezone(VN_TZ)
    assert "PHIẾU ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in request and EXTENSION_REASON in request
    assert "2 ngày làm việc" in request and f"{new_due:%d/%m/%Y}" in request
    apology = pdf_text(print_form(page, code, APOLOGY))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in apology and f"{new_due:%d/%m/%Y}" in apology
    again = pdf_text(print_form(page, code, EXTENSION))
    assert again.split("Số:")[1] == request.split("Số:")[1], "reprinted with the same content"
    desk.check("Hồ sơ được gia hạn: in biểu mẫu")
    page.get_by_role("region", name="In biểu mẫu").scroll_into_view_if_needed()
    screenshot(page, "in-bieu-mau")

    # on a phone: the panel fits, nothing scrolls sideways
    page.set_viewport_size({"width": 390, "height": 844})
    open_dossier(page, code)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the dossier page scrolls sideways on a phone ({overflow}px)"
    desk.check("In biểu mẫu trên điện thoại")


def test_the_head_prints_the_units_registers(
    officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    head = officers("head")
    page = head.page
    today = dt.datetime.now(VN_TZ).date()
    ledger = pdf_text(print_register(page, "Sổ theo dõi hồ sơ", today.year, month=today.month))
    assert "SỔ THEO DÕI HỒ SƠ" in ledger and f"01/{today:%m/%Y}" in ledger
    head.check("Sổ, phiếu của đơn vị")
    screenshot(page, "so-phieu-don-vi")
    quarter = (today.month - 1) // 3 + 1
    periodic = pdf_text(print_register(page, "Phiếu đánh giá định kỳ việc giải quyết thủ tục hành chính",
                                       today.year, quarter=quarter))
    first_month = (quarter - 1) * 3 + 1
    assert "PHIẾU ĐÁNH GIÁ ĐỊNH KỲ VIỆC GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in periodic
    assert f"01/{first_month:02d}/{today.year}" in periodic
    head.check("Sổ, phiếu của đơn vị: đã in phiếu đánh giá định kỳ")
    # the appraiser keeps no register: no such entry in the navigation
    appraiser = officers("appraiser")
    nav = appraiser.page.get_by_role("navigation", name="Chức năng chính")
    expect(nav.get_by_role("link", name="Tìm kiếm")).to_be_visible()
    expect(nav.get_by_role("link", name="Sổ, phiếu của đơn vị")).to_have_count(0)


def test_the_admin_is_told_when_a_procedures_deadline_cannot_hold_its_process(
    browser: Browser, webapp: str, screenshot: Callable[[Page, str], None]
) -> None:
    context, page, errors = new_context(browser, webapp)
    admin = OfficerSession(context, page, webapp, account("admin", MINISTRY_UNIT)["HoVaTen"], errors)
    try:
        page.goto(webapp)
        page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
        page.get_by_role("button", name=vneid_button_name("admin", MINISTRY_UNIT)).click()
        expect(admin.heading()).to_have_text("Quản trị hệ thống")

        # the process checker: valid, but the 1-working-day procedures on it are named with the figures
        admin.open("quan-tri/quy-trinh/QT-MAC-DINH")
        expect(admin.heading()).to_contain_text("Quy trình QT-MAC-DINH")
        page.get_by_role("button", name="Kiểm tra quy trình").click()
        expect(page.get_by_role("status").filter(has_text="Quy trình hợp lệ")).to_be_visible()
        warning = page.locator(".alert-warning")
        expect(warning).to_contain_text("Cảnh báo thời hạn")
        expect(warning.get_by_role("listitem").filter(has_text="1.001193")).to_contain_text(
            re.compile(r"Đăng ký khai sinh.*1 ngày làm việc.*Thẩm định hồ sơ"))
        admin.check("Quản trị: quy trình có cảnh báo thời hạn")
        warning.scroll_into_view_if_needed()
        screenshot(page, "admin-quy-trinh-canh-bao-thoi-han")

        # the procedure editor says so beside the deadline being edited, and stops once it fits
        admin.open("quan-tri/thu-tuc/1.001193")
        fit = page.locator("#t-deadline-fit")
        expect(fit).to_contain_text("Các bước của quy trình không vừa thời hạn giải quyết")
        expect(fit).to_contain_text("Thủ tục 1.001193")
        admin.check("Quản trị: thủ tục có thời hạn ngắn hơn quy trình")
        deadline = page.get_by_label("Thời hạn", exact=True)
        deadline.fill("20")
        expect(fit).to_have_count(0)
    finally:
        admin.close()
