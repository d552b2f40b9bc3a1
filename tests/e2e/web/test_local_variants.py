"""Locally specific processes in the browser (issue 17 item 6): TP.HCM's administrator copies the
funeral allowance's standard process, renames a step, shortens its deadline, adds a required field
to the eForm and sends the proposal; the ministry's administrator finds it among the pending
proposals, sees the changed step beside the standard's and approves it; TP.HCM's desk officer then
gets the eForm with the province's field, and a dossier received at TP.HCM follows the variant
(its page shows the variant's process and renamed step). Every screen is checked with axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from local.eform_samples import MAI_TANG, SAMPLE_FILLED
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, account
from tests.e2e.web.conftest import OfficerSession, new_context, vneid_button_name
from tests.e2e.web.flow_attachments import open_dossier
from tests.e2e.web.test_admin import admin_nav
from tests.e2e.web.test_dossier_lifecycle import form

PROCEDURE = "1.002076"
STEP = "Thẩm định, xác minh với tổ dân phố"
FIELD_LABEL = "Số xác nhận của tổ dân phố"
SECTION = "Quy trình riêng của địa phương"
PROVINCE = "Thành phố Hồ Chí Minh"


@pytest.fixture
def admins(browser: Browser, webapp: str) -> Iterator[Callable[[str, str], OfficerSession]]:
    """Administrators logged in through VNeID (they land on the administration's overview)."""
    opened: list[OfficerSession] = []

    def open_session(role: str, unit: str) -> OfficerSession:
        context, page, errors = new_context(browser, webapp)
        page.goto(webapp)
        page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
        page.get_by_role("button", name=vneid_button_name(role, unit)).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Quản trị hệ thống")
        session = OfficerSession(context, page, webapp, account(role, unit)["HoVaTen"], errors)
        opened.append(session)
        return session

    yield open_session
    for session in opened:
        session.close()


def test_a_province_proposes_the_ministry_approves_and_the_desk_follows_the_variant(
        admins: Callable[[str, str], OfficerSession], officers: Callable[..., OfficerSession],
        stack: LocalStack, screenshot: Callable[[Page, str], None]) -> None:
    hcmc = admins("province_admin", HCMC_UNIT)
    page = hcmc.page
    admin_nav(page).get_by_role("link", name=SECTION).click()  # type: ignore[attr-defined]
    expect(hcmc.heading()).to_have_text(SECTION)
    page.get_by_role("link", name="Đề xuất quy trình riêng").click()
    expect(hcmc.heading()).to_have_text("Đề xuất quy trình riêng của Thành phố Hồ Chí Minh")
    page.locator("#variant-procedure").select_option(PROCEDURE)
    name = page.get_by_label("Tên bước tham_dinh")
    expect(name).to_have_value("Thẩm định hồ sơ")
    name.fill(STEP)
    page.get_by_label("Thời hạn bước tham_dinh", exact=True).fill("2")
    page.get_by_role("button", name="Thêm trường").click()
    added = page.get_by_role("group", name="Trường bổ sung 1")
    added.get_by_label("Nhãn trường").fill(FIELD_LABEL)
    added.get_by_label("Mã trường").fill("xac_nhan_to_dan_pho")
    added.get_by_label("Bắt buộc").check()
    page.get_by_label("Lý do, căn cứ pháp lý của địa phương").fill(
        "Quyết định số 34/2026/QĐ-UBND: xác minh với tổ dân phố trước khi chi trả.")
    hcmc.check("Quy trình riêng: đề xuất")
    page.get_by_role("button", name="Gửi đề xuất").click()
    expect(hcmc.heading()).to_have_text(re.compile(rf"^Đề xuất số \d+: {re.escape(PROCEDURE)} — {PROVINCE}$"))
    expect(page.get_by_text("Chờ bộ phê duyệt")).to_be_visible()
    expect(page.get_by_role("button", name="Phê duyệt")).to_have_count(0)  # never the province's to approve
    number = re.search(r"Đề xuất số (\d+)", hcmc.heading().inner_text()).group(1)  # type: ignore[union-attr]
    screenshot(page, "admin-quy-trinh-dia-phuong-de-xuat")

    ministry = admins("admin", MINISTRY_UNIT)
    page = ministry.page
    admin_nav(page).get_by_role("link", name=SECTION).click()  # type: ignore[attr-defined]
    pending = page.get_by_role("table", name=re.compile("^Đề xuất chờ phê duyệt"))
    pending.get_by_role("link", name=re.compile(
        rf"đề xuất số {number} của {PROVINCE} cho thủ tục {re.escape(PROCEDURE)}")).click()
    changes = page.get_by_role("table", name="So sánh với quy trình chuẩn")
    changed = changes.locator("tbody tr").filter(has_text="Có thay đổi")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Thẩm định hồ sơ")
    expect(changed).to_contain_text(STEP)
    expect(page.get_by_text(re.compile(f"^{FIELD_LABEL}"))).to_be_visible()
    ministry.check("Quy trình riêng: so sánh, phê duyệt")
    screenshot(page, "admin-quy-trinh-dia-phuong-so-sanh")
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_role("status").filter(has_text="Đã phê duyệt")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Đã phê duyệt — quy trình DP79\.1\.002076 phiên bản \d+$"))).to_be_visible()

    desk = officers("desk")
    desk.open(f"tiep-nhan/{PROCEDURE}")
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Giải quyết hưởng trợ cấp mai táng")
    extra = form(desk.page, "dia_phuong", "xac_nhan_to_dan_pho")
    expect(extra).to_be_visible()
    label = desk.page.locator("label[for='f-DuLieuBieuMau--dia_phuong--xac_nhan_to_dan_pho']")
    expect(label).to_contain_text(FIELD_LABEL)
    expect(label.locator(".required")).to_have_count(1)
    desk.check("Tiếp nhận: biểu mẫu có trường của địa phương")

    body: dict[str, Any] = {**DESK_EXAMPLE, "MaTTHC": PROCEDURE, "MaDonViTiepNhan": HCMC_UNIT, "DuLieuBieuMau": {
        **SAMPLE_FILLED[MAI_TANG.code], "dia_phuong": {"xac_nhan_to_dan_pho": "TDP-12/2026"}}}
    received = Officer(stack, "desk", HCMC_UNIT).post("/v1/dossiers", body)
    assert received.status_code == 201, received.text
    code = received.json()["dossier"]["code"]
    open_dossier(desk.page, code)
    region = desk.page.get_by_role("region", name="Vị trí trên quy trình xử lý")
    expect(region).to_contain_text(re.compile(rf"Quy trình “[^”]*— {PROVINCE}” \(phiên bản \d+\)"))
    region.get_by_text("Xem quy trình dạng bảng").click()
    steps = region.get_by_role("table", name=re.compile(f"^Các bước của quy trình .*{PROVINCE}"))
    expect(steps).to_contain_text(STEP)
    desk.check("Hồ sơ theo quy trình riêng của địa phương")


def test_the_ministry_publishes_a_result_templates_next_version(
        admins: Callable[[str, str], OfficerSession]) -> None:
    ministry = admins("admin", MINISTRY_UNIT)
    page = ministry.page
    admin_nav(page).get_by_role("link", name="Mẫu kết quả").click()  # type: ignore[attr-defined]
    expect(ministry.heading()).to_have_text("Mẫu kết quả giải quyết")
    page.locator("#template-procedure").select_option("1.003197")
    expect(page.get_by_text("Phiên bản đang áp dụng: 0")).to_be_visible()
    page.get_by_label("Nguồn dữ liệu dòng 1").fill("form.khong_co.truong")
    page.get_by_role("button", name="Ban hành phiên bản 1").click()
    expect(page.get_by_role("alert")).to_contain_text("template.lines[0].source")
    expect(page.get_by_label("Nguồn dữ liệu dòng 1")).to_have_attribute("aria-invalid", "true")
    ministry.check("Mẫu kết quả: lỗi")
    page.get_by_label("Nguồn dữ liệu dòng 1").fill("applicant.name")
    page.get_by_label("Nhãn dòng 1").fill("Người đề nghị xóa đăng ký thường trú")
    page.get_by_role("button", name="Ban hành phiên bản 1").click()
    expect(page.get_by_role("status").filter(has_text="Đã ban hành mẫu kết quả phiên bản 1")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Phiên bản đang áp dụng: 1"))).to_be_visible()
    expect(page.get_by_label("Nhãn dòng 1")).to_have_value("Người đề nghị xóa đăng ký thường trú")
    ministry.check("Mẫu kết quả: đã ban hành")


def test_the_ministry_publishes_a_status_chart_version_after_its_problems_are_shown(
        admins: Callable[[str, str], OfficerSession]) -> None:
    ministry = admins("admin", MINISTRY_UNIT)
    page = ministry.page
    admin_nav(page).get_by_role("link", name="Lưu đồ trạng thái").click()  # type: ignore[attr-defined]
    expect(ministry.heading()).to_have_text("Lưu đồ chuyển đổi trạng thái")
    publish = page.get_by_role("button", name=re.compile(r"^Ban hành phiên bản \d+$"))
    next_version = int(publish.inner_text().rsplit(" ", 1)[1])
    ministry.check("Lưu đồ trạng thái")

    done = page.get_by_label("Kết thúc: Đã xử lý xong")  # 9 has a way out (9 → 10): it cannot be terminal
    done.check()
    publish.click()
    expect(page.get_by_role("alert")).to_contain_text("không được có chuyển đổi đi ra")
    done.uncheck()

    # the payment stop's label reworded: removed, then added again with the new label
    page.get_by_role("button", name="Bỏ chuyển đổi 6 → 8").click()
    page.get_by_label("Từ trạng thái").select_option("6")
    page.get_by_label("Sang trạng thái").select_option("8")
    page.get_by_label("Nhãn trên sơ đồ").fill("Dừng xử lý: quá hạn nộp phí, lệ phí")
    page.get_by_role("button", name="Thêm chuyển đổi").click()
    publish.click()
    expect(page.get_by_role("status").filter(has_text=f"Đã ban hành lưu đồ trạng thái phiên bản {next_version}")
           ).to_be_visible()
    transitions = page.get_by_role("table", name=re.compile("^Chuyển đổi được phép"))
    expect(transitions.locator("tr").filter(has_text="Dừng xử lý: quá hạn nộp phí, lệ phí")).to_have_count(1)
    expect(page.get_by_role("button", name=f"Ban hành phiên bản {next_version + 1}")).to_be_visible()
    ministry.check("Lưu đồ trạng thái: đã ban hành")
