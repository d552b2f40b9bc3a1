"""A birth registration received at the desk with the keyboard alone, then carried through
its whole life in the browser: the head assigns it, the appraiser asks for a supplement (with
a reason, in a dialog), the desk receives the supplement, the appraiser and the head submit
it, the leader approves, the clerk issues the result, the desk hands it over and prints the
receipt. Every screen on the way is checked with axe-core."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from chalicelib.domain.calendar import VN_TZ
from tests.e2e.web.conftest import OfficerSession, select_starting_with
from tests.e2e.web.flow_fees_post_delivery import deliver_at_desk
from tests.e2e.web.flow_printing import pdf_text, print_form
from tests.e2e.web.flow_results import draft_result
from tests.e2e.web.keyboard import choose_option, choose_radio, focused, press, tick, type_into

APPLICANT = "PHẠM THỊ KIỀU OANH"
ADDRESS = "Số 5 đường Nguyễn Trãi, phường Bến Thành, Thành phố Hồ Chí Minh"
CHILD = "LÊ MINH KHANG"
SUPPLEMENT_REASON = "Bổ sung bản sao giấy chứng sinh có chứng thực"


def field(page: Page, path: str) -> object:
    """The input of an API path (ids are derived from paths, see webapp/src/eform/model.ts)."""
    return page.locator("#f-" + re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "--"))


def form(page: Page, section: str, key: str) -> object:
    return field(page, f"DuLieuBieuMau.{section}.{key}")


def receive_at_desk_with_the_keyboard(desk: OfficerSession, screenshot: Callable[[Page, str], None]) -> str:
    page = desk.page
    nav = page.get_by_role("navigation", name="Chức năng chính")
    press(page, nav.get_by_role("link", name="Tiếp nhận hồ sơ"))
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ trực tiếp")
    type_into(page, page.get_by_label("Tìm thủ tục"), "khai sinh")
    expect(page.get_by_role("status").filter(has_text="thủ tục")).to_have_text("2 thủ tục")  # and the birth chain
    desk.check("Chọn thủ tục")
    press(page, page.get_by_role("link", name=re.compile("^Đăng ký khai sinh")))
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Đăng ký khai sinh")

    # Sending the empty form: every problem is listed, the first field with one gets the focus.
    press(page, page.get_by_role("button", name="Tiếp nhận hồ sơ"))
    chu_ho_so = field(page, "ChuHoSo")
    expect(chu_ho_so).to_be_focused()
    expect(chu_ho_so).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-ChuHoSo-error")).to_have_text("⚠ Vui lòng nhập Tên chủ hồ sơ.")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Hồ sơ chưa hợp lệ")
    expect(alert.get_by_role("listitem")).to_have_count(20)
    error_style = page.locator("#f-ChuHoSo-error").evaluate(
        "(el) => [getComputedStyle(el).color, getComputedStyle(el).fontWeight]")
    assert error_style == ["rgb(164, 0, 15)", "700"], "errors are red and bold"
    asterisk = page.locator("label[for='f-ChuHoSo'] .required")
    assert asterisk.evaluate("(el) => getComputedStyle(el).color") == "rgb(192, 0, 0)", "red asterisk"
    desk.check("Tiếp nhận hồ sơ: lỗi nhập liệu")
    screenshot(page, "tiep-nhan-loi")

    page.keyboard.type(APPLICANT)
    type_into(page, field(page, "SoGiayToChuHoSo"), "079190012345")
    type_into(page, field(page, "SoDienThoai"), "0908 123 456")
    type_into(page, field(page, "DiaChi"), ADDRESS)
    type_into(page, field(page, "TrichYeuHoSo"), f"Đăng ký khai sinh cho cháu {CHILD.title()}")
    type_into(page, form(page, "nguoi_yeu_cau", "ho_ten"), APPLICANT)
    # 999 is no birth-place code: only the server knows, and its answer must land on this field.
    type_into(page, form(page, "nguoi_yeu_cau", "so_dinh_danh"), "999190012345")
    type_into(page, form(page, "nguoi_yeu_cau", "noi_cu_tru"), ADDRESS)
    type_into(page, form(page, "nguoi_yeu_cau", "quan_he"), "Mẹ")
    type_into(page, form(page, "nguoi_duoc_khai_sinh", "ho_ten"), CHILD)
    born = dt.datetime.now(VN_TZ).date() - dt.timedelta(days=10)
    birth = form(page, "nguoi_duoc_khai_sinh", "ngay_sinh")
    type_into(page, birth, f"{born.day}/{born.month}/{born.year}")
    page.keyboard.press("Tab")
    expect(birth).to_have_value(born.strftime("%d/%m/%Y"))
    choose_radio(page, "f-DuLieuBieuMau--nguoi_duoc_khai_sinh--gioi_tinh", "Nam")
    choose_option(page, form(page, "nguoi_duoc_khai_sinh", "dan_toc"), "Kinh")
    type_into(page, form(page, "nguoi_duoc_khai_sinh", "quoc_tich"), "Việt Nam")
    type_into(page, form(page, "nguoi_duoc_khai_sinh", "noi_sinh"), "Bệnh viện Từ Dũ, Thành phố Hồ Chí Minh")
    type_into(page, form(page, "me", "ho_ten"), APPLICANT)
    type_into(page, form(page, "me", "ngay_sinh"), "15/04/1990")
    choose_option(page, form(page, "me", "dan_toc"), "Kinh")
    type_into(page, form(page, "me", "quoc_tich"), "Việt Nam")
    type_into(page, form(page, "me", "noi_cu_tru"), ADDRESS)
    choose_radio(page, "f-DuLieuBieuMau--cha--xac_dinh_cha", "Chưa xác định")
    choose_radio(page, "f-DuLieuBieuMau--ban_sao--de_nghi_cap", "Không")
    tick(page, form(page, "cam_doan", "cam_doan"))
    press(page, page.get_by_role("button", name="Tiếp nhận hồ sơ"))

    number = form(page, "nguoi_yeu_cau", "so_dinh_danh")
    expect(number).to_be_focused()
    expect(page.locator("#f-DuLieuBieuMau--nguoi_yeu_cau--so_dinh_danh-error")).to_contain_text(
        "mã nơi đăng ký khai sinh 999 không tồn tại")
    expect(page.get_by_role("alert")).to_contain_text("Có 1 lỗi cần sửa")
    page.keyboard.press("Control+A")
    page.keyboard.type("079190012345")
    press(page, page.get_by_role("button", name="Tiếp nhận hồ sơ"))

    expect(desk.heading()).to_have_text(re.compile(r"^Hồ sơ 000\.00\.13\.H29-\d{6}-\d{4}$"))
    expect(page.get_by_role("status").filter(has_text="Đã tiếp nhận hồ sơ")).to_be_visible()
    assert focused(page, desk.heading()), "the new page starts at its heading"
    return desk.heading().inner_text().removeprefix("Hồ sơ ")


def act(officer: OfficerSession, code: str, label: str, *, reason: str = "", assignee: str = "") -> None:
    """Open the dossier, click the action, answer its dialog, confirm, and see it done."""
    page = officer.page
    officer.open(f"ho-so/{code}")
    expect(officer.heading()).to_have_text(f"Hồ sơ {code}")
    page.get_by_role("button", name=label, exact=True).click()
    dialog = page.get_by_role("dialog", name=label)
    expect(dialog).to_be_visible()
    if assignee:
        select_starting_with(dialog.get_by_label("Chuyên viên thụ lý"), assignee)
    if reason:
        dialog.get_by_role("textbox").fill(reason)
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Đã thực hiện")).to_contain_text(f"Đã thực hiện “{label}”")


def test_a_birth_registration_from_keyboard_intake_to_delivery(
    officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    desk = officers("desk")
    code = receive_at_desk_with_the_keyboard(desk, screenshot)
    page = desk.page
    expect(page.get_by_text("Được tiếp nhận").first).to_be_visible()
    expect(page.get_by_role("heading", name="Tờ khai")).to_be_visible()
    expect(page.get_by_text(CHILD, exact=True)).to_be_visible()
    desk.check("Hồ sơ vừa tiếp nhận")
    act(desk, code, "Chuyển phòng chuyên môn xử lý")

    head = officers("head")
    head.page.get_by_role("link", name=re.compile("Chờ phân công, xem xét")).click()
    expect(head.heading()).to_have_text("Hồ sơ “Đang xử lý”")
    head.check("Danh sách hồ sơ đang xử lý")
    head.page.get_by_role("link", name=code).click()
    expect(head.heading()).to_have_text(f"Hồ sơ {code}")
    head.page.get_by_role("button", name="Phân công chuyên viên thụ lý").click()
    dialog = head.page.get_by_role("dialog", name="Phân công chuyên viên thụ lý")
    dialog.get_by_role("button", name="Xác nhận").click()
    choice = dialog.get_by_label("Chuyên viên thụ lý")
    expect(choice).to_be_focused()
    expect(dialog.get_by_text("Vui lòng chọn chuyên viên thụ lý.")).to_be_visible()
    head.check("Hộp thoại phân công (lỗi)")
    screenshot(head.page, "phan-cong")
    select_starting_with(choice, "Trương Ngọc Trâm")
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(head.page.get_by_text("Trương Ngọc Trâm").first).to_be_visible()

    appraiser = officers("appraiser")
    appraiser.page.get_by_role("link", name="Hồ sơ được giao").click()
    expect(appraiser.heading()).to_have_text("Hồ sơ được giao cho tôi")
    appraiser.check("Hồ sơ được giao cho tôi")
    appraiser.page.get_by_role("link", name=code).click()
    ask = appraiser.page.get_by_role("button", name="Yêu cầu bổ sung hồ sơ")
    ask.click()
    dialog = appraiser.page.get_by_role("dialog", name="Yêu cầu bổ sung hồ sơ")
    reason = dialog.get_by_label(re.compile("Nội dung yêu cầu bổ sung"))
    expect(reason).to_be_focused()
    appraiser.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(ask).to_be_focused()
    ask.press("Enter")
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog.get_by_text("Vui lòng nhập nội dung yêu cầu bổ sung.")).to_be_visible()
    expect(reason).to_be_focused()
    appraiser.check("Hộp thoại yêu cầu bổ sung (lỗi)")
    screenshot(appraiser.page, "yeu-cau-bo-sung")
    reason.fill(SUPPLEMENT_REASON)
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(appraiser.page.get_by_role("status")).to_contain_text("Yêu cầu bổ sung giấy tờ")
    expect(appraiser.page.get_by_role("button", name="Yêu cầu bổ sung hồ sơ")).to_have_count(0)

    act(desk, code, "Tiếp nhận hồ sơ bổ sung")
    expect(desk.page.get_by_text(re.compile("Đã nhận hồ sơ bổ sung lúc"))).to_be_visible()
    draft_result(appraiser.page, code)  # no result, no approval
    act(appraiser, code, "Trình lãnh đạo phòng")
    act(head, code, "Trình lãnh đạo đơn vị phê duyệt")

    leader = officers("leader")
    waiting = leader.page.get_by_role("link", name=re.compile("Chờ phê duyệt"))
    assert int(waiting.locator(".counter-value").inner_text()) >= 1, "the dossier is counted for the leader"
    act(leader, code, "Phê duyệt, ký kết quả")
    clerk = officers("clerk")
    act(clerk, code, "Phát hành kết quả")
    expect(clerk.page.get_by_text("9. Đã xử lý xong")).to_be_visible()
    desk.open(f"ho-so/{code}")
    expect(desk.page.get_by_role("button", name="Trả kết quả cho tổ chức, cá nhân", exact=True)).to_have_count(0)
    deliver_at_desk(desk.page, code)  # the result goes with its receiver record, never by a bare click
    expect(desk.page.get_by_text("10. Đã trả kết quả")).to_be_visible()

    trail = desk.page.get_by_role("region", name="Nhật ký xử lý").get_by_role("listitem")
    expect(trail).to_have_count(11)
    expect(trail.nth(3)).to_contain_text(f"Nội dung: {SUPPLEMENT_REASON}")
    expect(trail.nth(3)).to_contain_text("Trương Ngọc Trâm")
    expect(trail.last).to_contain_text("Đã trả kết quả")
    desk.check("Hồ sơ đã trả kết quả")
    screenshot(desk.page, "ho-so")

    receipt = pdf_text(print_form(desk.page, code, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt and f"Mã hồ sơ: {code}" in receipt
    assert APPLICANT in receipt and "Giấy chứng sinh hoặc văn bản xác nhận việc sinh" in receipt
    desk.check("Hồ sơ: in giấy tiếp nhận")

    desk.open("tim-kiem")
    desk.page.get_by_label("Tên chủ hồ sơ").fill("pham thi kieu oanh")
    desk.page.get_by_label("Trạng thái").select_option("10")
    desk.page.get_by_role("button", name="Tìm kiếm").click()
    results = desk.page.get_by_role("table", name="Hồ sơ khớp với tiêu chí tìm kiếm")
    expect(results.get_by_role("row")).to_have_count(2)
    expect(results.get_by_role("link", name=code)).to_be_visible()
    desk.check("Tìm kiếm hồ sơ")
    screenshot(desk.page, "tim-kiem")
