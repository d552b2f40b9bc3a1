"""The eForm of a permanent-residence registration (Mẫu CT01): dynamic rows that never lose
what was typed, fields a rule makes required, save draft and resume, and a phone-sized
screen."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.web.conftest import OfficerSession
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

    desk.open("tiep-nhan")
    drafts = page.get_by_role("region", name="Bản nháp đang lưu")
    expect(drafts.get_by_role("link", name=re.compile("^Đăng ký thường trú — lưu lúc"))).to_be_visible()
    desk.check("Chọn thủ tục, có bản nháp")
    drafts.get_by_role("link").click()
    page.get_by_role("button", name="Xóa bản nháp").click()
    expect(page.get_by_role("region", name=re.compile("Có bản nháp"))).to_have_count(0)
    assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('hoso.draft'))") == []


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
