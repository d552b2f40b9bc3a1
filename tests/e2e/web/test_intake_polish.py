"""Desk intake's polish in the browser (issue 12 item 12): the procedure picker matches what is typed
without diacritics, "đ" as "d"; auto-fill takes away the errors of the fields it fills and warns when
the typed name is not the personal number's record; "In tờ khai" gives the legal declaration as a
PDF; a saved draft is deleted from the start page's list; a province is shown by its name; the
intake screens are usable at 390 px. Every state is checked with axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable

import requests
from playwright.sync_api import Browser, Page, expect

from local.simulators.citizens import DEMO_CITIZENS
from tests.e2e.web.conftest import OfficerSession, new_context, vneid_button_name
from tests.e2e.web.test_dossier_lifecycle import field, form

CITIZEN = DEMO_CITIZENS[0]  # Nguyễn Văn An, 001090012345
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "nothing scrolls sideways"


def test_the_picker_matches_without_diacritics_including_d(officers: Callable[..., OfficerSession]) -> None:
    desk = officers("desk")
    page = desk.page
    desk.open("tiep-nhan")
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ trực tiếp")
    picker = page.get_by_label("Tìm thủ tục")
    for typed, name in (("dang ky khai tu", "Đăng ký khai tử"), ("xoa dang ky thuong tru", "Xóa đăng ký thường trú"),
                        ("ĐĂNG KÝ KHAI TỬ", "Đăng ký khai tử"),
                        ("tro cap mai tang", "Giải quyết hưởng trợ cấp mai táng")):
        picker.fill(typed)
        expect(page.get_by_role("link", name=re.compile(f"^{name}")).first).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("^Đăng ký khai sinh"))).to_have_count(0)
    desk.check("Chọn thủ tục: tìm không dấu")


def test_autofill_clears_errors_warns_on_a_wrong_name_prints_the_declaration_and_drafts_go(
    officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    desk = officers("desk")
    page = desk.page
    desk.open("tiep-nhan/1.001193")
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Đăng ký khai sinh")
    field(page, "ChuHoSo").fill("NGUYỄN VĂN ANH")
    field(page, "SoGiayToChuHoSo").fill(CITIZEN["SoDinhDanh"])
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    requester = page.locator("#f-DuLieuBieuMau--nguoi_yeu_cau--ho_ten-error")
    expect(requester).to_be_visible()
    other = page.locator("#f-DuLieuBieuMau--nguoi_duoc_khai_sinh--ho_ten-error")
    expect(other).to_be_visible()

    page.get_by_role("button", name="Điền tự động từ CSDL dân cư").click()
    expect(form(page, "nguoi_yeu_cau", "ho_ten")).to_have_value(CITIZEN["HoVaTen"])
    expect(requester).to_have_count(0)  # filled by the database: its error is gone
    expect(form(page, "nguoi_yeu_cau", "ho_ten")).not_to_have_attribute("aria-invalid", "true")
    expect(other).to_be_visible()  # a field auto-fill did not touch keeps its error
    warning = page.get_by_role("alert").filter(has_text="không khớp")
    expect(warning).to_contain_text("Họ tên chủ hồ sơ đã nhập “NGUYỄN VĂN ANH” không khớp với họ tên của số định danh")
    desk.check("Tiếp nhận: họ tên không khớp CSDL dân cư")
    screenshot(page, "tiep-nhan-ten-khong-khop")

    field(page, "ChuHoSo").fill(CITIZEN["HoVaTen"].upper())
    page.get_by_role("button", name="Điền tự động từ CSDL dân cư").click()
    expect(page.get_by_role("status").filter(has_text="Đã điền tự động")).to_be_visible()
    expect(warning).to_have_count(0)

    page.get_by_role("button", name="In tờ khai").click()
    opened = page.get_by_role("link", name="Mở tờ khai (PDF)")
    expect(opened).to_be_visible()
    pdf = requests.get(str(opened.get_attribute("href")), timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    desk.check("Tiếp nhận: tờ khai đã in")

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_role("status").filter(has_text="Đã lưu nháp")).to_be_visible()
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Tiếp nhận hồ sơ").click()
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ trực tiếp")
    delete = page.get_by_role("button", name=f"Xóa bản nháp Đăng ký khai sinh — {CITIZEN['HoVaTen'].upper()}")
    expect(delete).to_be_visible()
    desk.check("Bản nháp đang lưu")
    screenshot(page, "ban-nhap-xoa")
    delete.click()
    expect(page.get_by_role("status").filter(has_text="Đã xóa bản nháp")).to_be_visible()
    expect(delete).to_have_count(0)
    desk.check("Bản nháp đã xóa")


def test_intake_at_phone_width(officers: Callable[..., OfficerSession],
                               screenshot: Callable[[Page, str], None]) -> None:
    desk = officers("desk")
    page = desk.page
    page.set_viewport_size(PHONE)
    desk.open("tiep-nhan")
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ trực tiếp")
    no_sideways_scroll(page)
    desk.check("Chọn thủ tục ở màn hình điện thoại")
    desk.open("tiep-nhan/1.001193")
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Đăng ký khai sinh")
    field(page, "ChuHoSo").fill("NGUYỄN VĂN ANH")
    field(page, "SoGiayToChuHoSo").fill(CITIZEN["SoDinhDanh"])
    page.get_by_role("button", name="Điền tự động từ CSDL dân cư").click()
    expect(page.get_by_role("alert").filter(has_text="không khớp")).to_be_visible()
    no_sideways_scroll(page)
    desk.check("Tiếp nhận ở màn hình điện thoại: họ tên không khớp")
    screenshot(page, "tiep-nhan-dien-thoai-canh-bao")
    desk.open("")
    expect(desk.heading()).to_have_text("Việc cần làm")
    no_sideways_scroll(page)
    desk.check("Việc cần làm ở màn hình điện thoại")


def test_units_show_their_province_by_name(browser: Browser, webapp: str) -> None:
    context, page, errors = new_context(browser, webapp)
    page.goto(webapp)
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    page.get_by_role("button", name=vneid_button_name("admin", "000.00.00.G12")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quản trị hệ thống")
    session = OfficerSession(context, page, webapp, "admin", errors)
    session.open("quan-tri/don-vi")
    expect(session.heading()).to_have_text("Đơn vị tiếp nhận, xử lý")
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text="000.00.13.H29").locator("td").nth(1)).to_have_text("Thành phố Hồ Chí Minh")
    expect(rows.filter(has_text="000.00.13.H26").locator("td").nth(1)).to_have_text("Thành phố Hà Nội")
    expect(rows.filter(has_text="000.00.00.G12").locator("td").nth(1)).to_have_text("Cấp bộ")
    session.check("Quản trị: đơn vị với tên tỉnh")
    page.get_by_role("link", name="Sửa đơn vị Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh").click()
    expect(page.get_by_label("Tỉnh, thành phố")).to_have_value("79")
    expect(page.get_by_label("Tỉnh, thành phố").locator("option:checked")).to_have_text(
        "Thành phố Hồ Chí Minh (mã 79)")
    session.check("Quản trị: sửa đơn vị, chọn tỉnh theo tên")
    session.close()
