"""A dossier's result in the browser (issue 12, items 1 and 4): the appraiser draws it up from the
procedure's template with a prefilled field corrected, sees its number and date and previews it;
the head signs it (signer, time and signature state shown); the leader's approval adds the
leader's signature in the same act; the clerk issues it. A dossier without a result cannot be
approved: the leader is told why. When the procedure's result is an uploaded document, the
appraiser uploads it with its number and date instead, and it is signed and issued the same way.
Every state is checked with axe, the panel at phone width too."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect
from reportlab.pdfgen import canvas

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, account
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.flow_results import (
    approve_and_sign,
    draft_result,
    file_input,
    issue_result,
    open_dossier,
    result_panel,
    sign_result,
    signatures,
    upload_result,
)

PHONE = {"width": 390, "height": 844}


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _in_appraisal(stack: LocalStack, applicant: str) -> str:
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    body = {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "ChuHoSo": applicant}
    code = str(_ok(desk.post("/v1/dossiers", body), 201)["dossier"]["code"])
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    return code


def _to_leader(stack: LocalStack, code: str) -> None:
    _ok(Officer(stack, "appraiser", HCMC_UNIT).act(code, "trinh"))
    _ok(Officer(stack, "head", HCMC_UNIT).act(code, "trinh_lanh_dao"))


def test_a_result_drafted_signed_approved_and_issued_in_the_browser(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    code = _in_appraisal(stack, "Phan Thị Thu Hà")
    appraiser = officers("appraiser")
    page = appraiser.page
    open_dossier(page, code)
    panel = result_panel(page)
    expect(panel).to_contain_text("Hồ sơ chưa có văn bản kết quả")
    expect(panel.get_by_role("button", name="Ký số văn bản kết quả")).to_have_count(0)  # an appraiser doesn't sign
    panel.get_by_role("button", name="Soạn kết quả từ mẫu").click()
    expect(panel.get_by_label("Mã hồ sơ", exact=True)).to_have_value(code)
    appraiser.check("Kết quả: soạn từ mẫu")
    screenshot(page, "ket-qua-soan-tu-mau")
    number = draft_result(page, code, {"Họ, chữ đệm, tên": "PHAN MINH KHANG"}, "Đồng ý đăng ký khai sinh.")
    expect(panel.get_by_text(re.compile(r"^Trích lục khai sinh số"))).to_be_visible()
    expect(panel).to_contain_text("chưa ký")
    panel.get_by_role("button", name="Xem trước kết quả").click()
    preview = page.get_by_role("region", name=re.compile("^Xem trước"))
    expect(preview).to_contain_text("PHAN MINH KHANG")
    appraiser.check("Kết quả: đã tạo, xem trước")

    _to_leader(stack, code)
    head = officers("head")
    sign_result(head.page, code, account("head", HCMC_UNIT)["HoVaTen"])
    head.check("Kết quả: đã ký số")

    leader = officers("leader")
    leader_name = account("leader", HCMC_UNIT)["HoVaTen"]
    approve_and_sign(leader.page, code, leader_name)
    expect(signatures(leader.page)).to_have_count(2)
    expect(result_panel(leader.page)).to_contain_text("2 chữ ký (có chữ ký của bạn)")
    expect(result_panel(leader.page)).to_contain_text(number)
    leader.check("Kết quả: phê duyệt và ký")
    screenshot(leader.page, "ket-qua-da-ky")
    leader.page.set_viewport_size(PHONE)
    result_panel(leader.page).scroll_into_view_if_needed()
    leader.check("Kết quả: điện thoại")

    clerk = officers("clerk")
    issue_result(clerk.page, code)
    view = _ok(Officer(stack, "clerk", HCMC_UNIT).get(f"/v1/dossiers/{code}"))
    [result] = [d for d in view["dossier"]["documents"] if d["kind"] == "result" and not d["deleted"]]
    assert result["number"] == number and len(result["signers"]) == 2 and view["dossier"]["status"] == 9


def test_without_a_result_the_leader_is_told_why_approval_is_refused(
    stack: LocalStack, officers: Callable[..., OfficerSession]
) -> None:
    code = _in_appraisal(stack, "Hồ Văn Đức")
    _to_leader(stack, code)
    leader = officers("leader")
    page = leader.page
    open_dossier(page, code)
    page.get_by_role("button", name="Phê duyệt, ký kết quả", exact=True).click()
    dialog = page.get_by_role("dialog", name="Phê duyệt, ký kết quả")
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog).to_contain_text("Hồ sơ chưa có kết quả giải quyết")
    leader.check("Phê duyệt khi chưa có kết quả (lỗi)")


@pytest.fixture
def uploaded_result_procedure(stack: LocalStack) -> Iterator[str]:
    """The desk example's procedure with an uploaded result (as 1.000105, without its specialised
    software), restored afterwards."""
    admin = Officer(stack, "admin", MINISTRY_UNIT)
    code = str(DESK_EXAMPLE["MaTTHC"])
    procedure = _ok(admin.get(f"/v1/procedures/{code}"))["procedure"]
    _ok(admin.put(f"/v1/admin/procedures/{code}", {**procedure, "result_kind": "upload"}))
    try:
        yield code
    finally:
        _ok(admin.put(f"/v1/admin/procedures/{code}", procedure))


def _decision_pdf(number: str) -> dict[str, Any]:
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    sheet.drawString(72, 760, "UY BAN NHAN DAN PHUONG")
    sheet.drawString(72, 730, f"QUYET DINH so {number}")
    sheet.save()
    return {"name": "quyet-dinh.pdf", "mimeType": "application/pdf", "buffer": out.getvalue()}


def test_an_uploaded_result_listed_previewed_signed_and_issued_in_the_browser(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None],
    uploaded_result_procedure: str,
) -> None:
    code = _in_appraisal(stack, "Lý Thị Mai")
    appraiser = officers("appraiser")
    page = appraiser.page
    open_dossier(page, code)
    panel = result_panel(page)
    panel.get_by_role("button", name="Tải lên văn bản kết quả").click()
    expect(panel.get_by_role("button", name="Soạn kết quả từ mẫu")).to_have_count(0)  # the procedure says upload
    form = panel.get_by_role("form", name="Tải lên văn bản kết quả")
    form.get_by_role("button", name="Lưu văn bản kết quả").click()
    expect(form).to_contain_text("Vui lòng chọn tệp PDF của văn bản kết quả.")
    expect(file_input(form)).to_be_focused()
    appraiser.check("Kết quả: tải lên (lỗi)")
    form.get_by_role("button", name="Hủy").click()

    number = "15/2026/QĐ-UBND"
    upload_result(page, code, _decision_pdf(number), number, "2026-12-01")
    expect(panel).to_contain_text("01/12/2026")
    expect(panel).to_contain_text("chưa ký")
    panel.get_by_role("button", name="Xem trước kết quả").click()
    preview = page.get_by_role("region", name=re.compile("^Xem trước"))
    expect(preview).to_contain_text("QUYET DINH")
    appraiser.check("Kết quả: đã tải lên, xem trước")
    panel.get_by_role("button", name="Tải lên lại văn bản kết quả").click()
    screenshot(page, "ket-qua-tai-len")

    _to_leader(stack, code)
    leader = officers("leader")
    approve_and_sign(leader.page, code, account("leader", HCMC_UNIT)["HoVaTen"])
    expect(result_panel(leader.page)).to_contain_text(number)
    issue_result(officers("clerk").page, code)
    view = _ok(Officer(stack, "clerk", HCMC_UNIT).get(f"/v1/dossiers/{code}"))
    [result] = [d for d in view["dossier"]["documents"] if d["kind"] == "result" and not d["deleted"]]
    assert result["number"] == number and len(result["signers"]) == 1 and view["dossier"]["status"] == 9
