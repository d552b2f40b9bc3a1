"""Self-service kiosks in the browser (SPEC §7.9): a citizen uses the kiosk simulator's screen —
guidance, a form filled in advance and its ticket, a lookup refused for a wrong token —, the desk
officer takes the ticket from the intake page's list, completes and receives the dossier, and the
citizen then looks it up by its receipt's QR and reprints the receipt at the kiosk; a province's
administrator registers a kiosk (its key shown once) and revokes it. Every state is checked with
axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable

import requests
from playwright.sync_api import Browser, Page, expect

from chalicelib.documents import lookup
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import simulator
from tests.e2e.web import test_admin
from tests.e2e.web.conftest import OfficerSession, assert_accessible, new_context
from tests.e2e.web.flow_attachments import attach_at_intake

PROCEDURE = "1.000105"  # no eForm: what the kiosk takes is the applicant; the desk checks the papers
PROCEDURE_NAME = re.compile("^Cấp giấy phép tiến hành công việc bức xạ")
COMPONENTS = ("Đơn đề nghị cấp giấy phép", "Báo cáo đánh giá an toàn",
              "Chứng chỉ nhân viên bức xạ của người phụ trách an toàn")
admins = test_admin.admins  # the fixture: administrators land on the administration's overview
CITIZEN = "Công ty TNHH Phòng khám Đa khoa Bến Thành"  # the licence is a business's
TAX_CODE = "0301234562"


def test_a_citizen_files_at_the_kiosk_the_desk_completes_it_and_the_kiosk_reprints_its_receipt(
        stack: LocalStack, browser: Browser, officers: Callable[..., OfficerSession],
        screenshot: Callable[[Page, str], None]) -> None:  # fmt: skip
    kiosk_url = simulator(stack, "kiosk")
    context, kiosk, errors = new_context(browser, kiosk_url)
    kiosk.goto(kiosk_url)
    expect(kiosk.get_by_role("heading", level=1)).to_have_text(
        "Ki-ốt tự phục vụ — Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh")
    kiosk.get_by_role("button", name=PROCEDURE_NAME).click()
    guidance = kiosk.locator("#procedure")
    expect(guidance).to_be_focused()
    expect(guidance).to_contain_text("Báo cáo đánh giá an toàn")
    expect(guidance).to_contain_text("2.000.000 đồng")
    expect(guidance.get_by_role("listitem").filter(has_text="Nộp hồ sơ tại Bộ phận Một cửa")).to_be_visible()
    assert_accessible(kiosk, "Ki-ốt: hướng dẫn thủ tục")

    kiosk.get_by_label("Thủ tục", exact=True).select_option(PROCEDURE)
    kiosk.get_by_role("button", name="Gửi tờ khai và nhận số phiếu").click()
    expect(kiosk.get_by_role("alert").filter(has_text="Vui lòng nhập tên người nộp")).to_be_visible()
    expect(kiosk.get_by_label("Tên người nộp hồ sơ", exact=True)).to_be_focused()
    kiosk.get_by_label("Người nộp là", exact=True).select_option("2")
    kiosk.get_by_label("Tên người nộp hồ sơ", exact=True).fill(CITIZEN)
    kiosk.get_by_label("Số định danh cá nhân hoặc mã số doanh nghiệp", exact=True).fill(TAX_CODE)
    kiosk.get_by_label("Số điện thoại", exact=True).fill("0908123456")
    kiosk.get_by_role("button", name="Gửi tờ khai và nhận số phiếu").click()
    ticket_text = kiosk.locator(".ticket")
    expect(ticket_text).to_have_text(re.compile(r"^[0-9A-Z]{8}$"))
    ticket = ticket_text.inner_text()
    assert_accessible(kiosk, "Ki-ốt: số phiếu tờ khai khai trước")
    screenshot(kiosk, "ki-ot-so-phieu")

    desk = officers("desk")
    page = desk.page
    desk.open("tiep-nhan")
    waiting = page.get_by_role("region", name="Tờ khai khai trước tại ki-ốt")
    expect(waiting.locator(f"[data-ticket='{ticket}']")).to_contain_text(CITIZEN)
    desk.check("Tiếp nhận: tờ khai khai trước tại ki-ốt")
    screenshot(page, "tiep-nhan-to-khai-ki-ot")
    waiting.get_by_role("button", name=f"Tiếp nhận phiếu {ticket}").click()
    expect(desk.heading()).to_contain_text("Tiếp nhận hồ sơ: Cấp giấy phép")
    expect(page.locator("#f-ChuHoSo")).to_have_value(CITIZEN)
    expect(page.locator("#f-SoGiayToChuHoSo")).to_have_value(TAX_CODE)
    expect(page.get_by_label("Doanh nghiệp", exact=True)).to_be_checked()
    attach_at_intake(page, {name: (None, "Bản chính") for name in COMPONENTS})
    desk.check("Tiếp nhận: hoàn thiện tờ khai từ ki-ốt")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(desk.heading()).to_have_text(re.compile(r"^Hồ sơ 000\.00\.13\.H29-\d{6}-\d{4}$"))
    code = desk.heading().inner_text().removeprefix("Hồ sơ ")
    desk.open("tiep-nhan")  # taken: no longer waiting
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ trực tiếp")
    expect(page.locator(f"[data-ticket='{ticket}']")).to_have_count(0)

    # back at the kiosk: a wrong token reads nothing; the receipt's QR opens the status and the reprint
    kiosk.get_by_label("Mã hồ sơ", exact=True).fill(code)
    kiosk.get_by_label("Mã tra cứu (8 ký tự)", exact=True).fill("0000000Z")
    kiosk.get_by_role("button", name="Tra cứu").click()
    expect(kiosk.locator("#lookup-error")).to_have_text("Không tìm thấy hồ sơ hoặc mã tra cứu không đúng.")
    expect(kiosk.locator("#lookup-result")).to_be_empty()
    assert_accessible(kiosk, "Ki-ốt: mã tra cứu sai")
    kiosk.get_by_label("Mã hồ sơ", exact=True).fill("")
    kiosk.get_by_label("Mã tra cứu (8 ký tự)", exact=True).fill("")
    kiosk.get_by_label(re.compile("^Hoặc nội dung mã QR")).fill(lookup.lookup_url(code, lookup.token_for(code)))
    kiosk.get_by_role("button", name="Tra cứu").click()
    result = kiosk.locator("#lookup-result")
    expect(result).to_contain_text(f"Hồ sơ {code}")
    assert CITIZEN not in result.inner_text()
    kiosk.get_by_role("button", name="In lại giấy tiếp nhận").click()
    link = kiosk.get_by_role("link", name="Mở giấy tiếp nhận để in (PDF)")
    expect(link).to_be_visible()
    pdf = requests.get(str(link.get_attribute("href")), timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert_accessible(kiosk, "Ki-ốt: in lại giấy tiếp nhận")
    screenshot(kiosk, "ki-ot-in-lai-giay-tiep-nhan")
    context.close()
    assert not errors, f"browser console errors on the kiosk: {errors}"


def test_a_province_administrator_registers_and_revokes_a_kiosk(
        admins: Callable[[str, str], OfficerSession]) -> None:  # fmt: skip
    admin = admins("province_admin", HCMC_UNIT)
    page = admin.page
    admin.open("quan-tri/ki-ot")
    expect(admin.heading()).to_have_text("Ki-ốt tự phục vụ")
    expect(page.get_by_role("table")).to_be_visible()
    admin.check("Quản trị: ki-ốt")
    page.get_by_label("Mã ki-ốt").fill("kiosk-web-sanh-c")
    page.get_by_label("Tên, vị trí đặt ki-ốt").fill("Ki-ốt sảnh C")
    expect(page.get_by_label("Đơn vị ki-ốt phục vụ").locator("option")).to_have_count(1)  # their province's only
    page.get_by_role("button", name="Đăng ký và tạo khóa").click()
    expect(page.locator("code.kiosk-token")).to_have_text(re.compile(r"^kiosk-web-sanh-c\..{20,}$"))
    row = page.locator("tr[data-kiosk='kiosk-web-sanh-c']")
    expect(row).to_contain_text("Đang hoạt động")
    admin.check("Quản trị: ki-ốt vừa đăng ký, khóa hiển thị một lần")
    row.get_by_role("button", name="Thu hồi ki-ốt Ki-ốt sảnh C").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    admin.check("Quản trị: xác nhận thu hồi ki-ốt")
    dialog.get_by_role("button", name="Thu hồi", exact=True).click()
    expect(row).to_contain_text("Đã thu hồi")
    expect(page.get_by_role("button", name="Thu hồi ki-ốt Ki-ốt sảnh C")).to_have_count(0)
