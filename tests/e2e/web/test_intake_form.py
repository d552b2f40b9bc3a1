"""The eForm of a permanent-residence registration (Mẫu CT01): dynamic rows that never lose
what was typed, fields a rule makes required, a draft saved on the server and resumed on
another computer, and a phone-sized screen; the birth registration's form auto-filled from the
population database (marked, editable, kept in the draft) with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from local.simulators.citizens import DEMO_CITIZENS
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.keyboard import press, tab_to, type_into
from tests.e2e.web.test_dossier_lifecycle import field, form

MEMBERS = "DuLieuBieuMau.thanh_vien_ho.thanh_vien"


def test_dynamic_rows_rules_and_a_draft_resumed_later(
    officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    desk = officers("desk")
    page = desk.page
    desk.open("tiep-nhan/1.004222")
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Đăng ký thường trú")
    field(page, "ChuHoSo").fill("ĐOÀN VĂN HẢI")

    opinion_label = page.locator("label[for='f-DuLieuBieuMau--noi_dung--y_kien_chu_ho']")
    expect(opinion_label.locator(".required")).to_have_count(0)
    page.get_by_label("Thuê, mượn, ở nhờ").check()
    expect(opinion_label.locator(".required")).to_have_count(1)

    table = page.get_by_role("group", name="Những thành viên trong hộ gia đình cùng thay đổi")
    expect(table.get_by_text("Chưa có dòng nào.")).to_be_visible()
    add = table.get_by_role("button", name="Thêm dòng")
    add.click()
    expect(field(page, f"{MEMBERS}[0].ho_ten")).to_be_focused()
    page.keyboard.type("ĐOÀN THỊ LAN")
    add.click()
    expect(field(page, f"{MEMBERS}[1].ho_ten")).to_be_focused()
    page.keyboard.type("ĐOÀN MINH TÚ")
    field(page, f"{MEMBERS}[1].quan_he_chu_ho").fill("Con")
    table.get_by_role("button", name="Xóa dòng 1").click()
    expect(table.get_by_role("group", name=re.compile("^Dòng"))).to_have_count(1)
    expect(field(page, f"{MEMBERS}[0].ho_ten")).to_have_value("ĐOÀN MINH TÚ")
    expect(field(page, f"{MEMBERS}[0].quan_he_chu_ho")).to_have_value("Con")
    expect(field(page, f"{MEMBERS}[0].ho_ten")).to_be_focused()
    desk.check("Tờ khai có dòng động")

    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(field(page, "SoGiayToChuHoSo")).to_be_focused()
    expect(page.locator(f"#{'f-' + MEMBERS.replace('.', '--')}-0--ngay_sinh-error")).to_have_text(
        "⚠ Vui lòng nhập Ngày, tháng, năm sinh.")
    expect(page.locator("#f-DuLieuBieuMau--noi_dung--y_kien_chu_ho-error")).to_have_text(
        "⚠ Vui lòng nhập Ý kiến đồng ý của chủ hộ / chủ sở hữu chỗ ở hợp pháp (bắt buộc khi Chỗ ở hợp pháp "
        "(Nội dung đề nghị) là “Thuê, mượn, ở nhờ”).")
    desk.check("Tờ khai có dòng động: lỗi")

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_role("status").filter(has_text="Đã lưu nháp")).to_be_visible()
    page.reload()
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Đăng ký thường trú")
    expect(field(page, "ChuHoSo")).to_have_value("")
    banner = page.get_by_role("region", name=re.compile("Có bản nháp lưu lúc"))
    desk.check("Tờ khai: có bản nháp")
    banner.get_by_role("button", name="Tiếp tục bản nháp").click()
    expect(field(page, "ChuHoSo")).to_have_value("ĐOÀN VĂN HẢI")
    expect(field(page, "ChuHoSo")).to_be_focused()
    expect(page.get_by_label("Thuê, mượn, ở nhờ")).to_be_checked()
    expect(field(page, f"{MEMBERS}[0].ho_ten")).to_have_value("ĐOÀN MINH TÚ")
    expect(field(page, f"{MEMBERS}[0].quan_he_chu_ho")).to_have_value("Con")

    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the form scrolls sideways on a phone ({overflow}px)"
    desk.check("Tờ khai trên điện thoại")
    screenshot(page, "tiep-nhan-dien-thoai")
    page.set_viewport_size({"width": 1280, "height": 900})

    # the draft is on the server: another computer (a new browser context) resumes it
    other = officers("desk")
    other.open("tiep-nhan")
    drafts = other.page.get_by_role("region", name="Bản nháp đang lưu")
    link = drafts.get_by_role("link", name=re.compile("^Đăng ký thường trú — ĐOÀN VĂN HẢI — lưu lúc"))
    expect(link).to_be_visible()
    other.check("Chọn thủ tục, có bản nháp")
    link.click()
    expect(field(other.page, "ChuHoSo")).to_have_value("ĐOÀN VĂN HẢI")
    expect(other.page.get_by_label("Thuê, mượn, ở nhờ")).to_be_checked()
    expect(field(other.page, f"{MEMBERS}[0].ho_ten")).to_have_value("ĐOÀN MINH TÚ")
    other.page.get_by_role("button", name="Xóa bản nháp").click()
    expect(other.page.get_by_role("status").filter(has_text="Đã xóa bản nháp")).to_be_visible()
    desk.open("tiep-nhan/1.004222")
    expect(field(page, "ChuHoSo")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("Có bản nháp"))).to_have_count(0)
    assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('hoso.draft'))") == []


def test_the_form_is_autofilled_from_the_population_database_with_the_keyboard_alone(
    officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    citizen = DEMO_CITIZENS[2]
    desk = officers("desk")
    page = desk.page
    desk.open("tiep-nhan/1.001193")
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Đăng ký khai sinh")
    fill_button = page.get_by_role("button", name="Điền tự động từ CSDL dân cư")

    # a number the population database does not know: said in Vietnamese, nothing filled
    type_into(page, field(page, "SoGiayToChuHoSo"), "001090000000")
    press(page, fill_button)
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy công dân")
    expect(page.locator(".field-autofilled")).to_have_count(0)

    tab_to(page, field(page, "SoGiayToChuHoSo"))
    page.keyboard.press("Control+A")
    page.keyboard.type(citizen["SoDinhDanh"])
    press(page, fill_button)
    expect(page.get_by_role("status").filter(has_text="Đã điền tự động")).to_contain_text(
        "Đã điền tự động 3 trường từ CSDL quốc gia về dân cư")
    name = form(page, "nguoi_yeu_cau", "ho_ten")
    residence = form(page, "nguoi_yeu_cau", "noi_cu_tru")
    expect(name).to_have_value(citizen["HoVaTen"])
    expect(form(page, "nguoi_yeu_cau", "so_dinh_danh")).to_have_value(citizen["SoDinhDanh"])
    expect(residence).to_have_value(citizen["NoiThuongTru"])
    # marked for the eye (a tinted box with a note) and for screen readers (the note describes the input)
    expect(page.locator(".field-autofilled")).to_have_count(3)
    expect(name).to_have_accessible_description(re.compile("^Tự động điền từ CSDL quốc gia về dân cư"))
    desk.check("Tờ khai điền tự động")
    screenshot(page, "tiep-nhan-tu-dong-dien")

    # still editable: the officer's correction is kept and the field is no longer marked
    tab_to(page, residence)
    page.keyboard.press("End")
    page.keyboard.type(", tổ 3")
    expect(residence).to_have_value(citizen["NoiThuongTru"] + ", tổ 3")
    expect(page.locator(".field-autofilled")).to_have_count(2)
    expect(residence).not_to_have_accessible_description(re.compile("Tự động điền"))

    # saved as a draft and resumed with its marks
    press(page, page.get_by_role("button", name="Lưu nháp"))
    expect(page.get_by_role("status").filter(has_text="Đã lưu nháp")).to_be_visible()
    page.reload()
    banner = page.get_by_role("region", name=re.compile("Có bản nháp"))
    press(page, banner.get_by_role("button", name="Tiếp tục bản nháp"))
    expect(name).to_have_value(citizen["HoVaTen"])
    expect(residence).to_have_value(citizen["NoiThuongTru"] + ", tổ 3")
    expect(page.locator(".field-autofilled")).to_have_count(2)
    press(page, page.get_by_role("button", name="Xóa bản nháp"))
    expect(page.get_by_role("status").filter(has_text="Đã xóa bản nháp")).to_be_visible()


def test_a_date_the_form_cannot_accept_is_explained_in_vietnamese(officers: Callable[..., OfficerSession]) -> None:
    desk = officers("desk")
    page = desk.page
    desk.open("tiep-nhan/1.001193")
    birth = form(page, "nguoi_duoc_khai_sinh", "ngay_sinh")
    birth.fill("31/02/2025")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.locator("#f-DuLieuBieuMau--nguoi_duoc_khai_sinh--ngay_sinh-error")).to_have_text(
        "⚠ Ngày, tháng, năm sinh phải là ngày hợp lệ theo định dạng DD/MM/YYYY.")
    birth.fill("01/01/2999")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.locator("#f-DuLieuBieuMau--nguoi_duoc_khai_sinh--ngay_sinh-error")).to_contain_text(
        "không được sau ngày hiện tại")
