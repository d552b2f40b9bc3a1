"""Issue 12's "done when", in the browser: a dossier taken from intake to delivery entirely through
the officers' web app — no officer act on the API. The outside parties act on their simulators:
DVCQG posts the online dossier, the citizen pays on the payment platform, the postal service moves
the parcel. Both dossiers are Đăng ký thường trú (1.004222): an eForm, a 20 000 đ fee, a result
drawn up from its template and signed by the leader's approval. Every screen is checked with axe.

1. Online, returned by post: received with the citizen's files, a supplement with new files, the
   fee paid on the payment platform, the result drafted, submitted, approved with the leader's
   signature, issued, booked with the post and delivered; DVCQG's record at status 10 lists the
   signed result, whose link the portal downloaded.
2. Walk-in: the desk's intake (eForm and the checklist's scans), the receipt printed, the fee in
   cash at the desk, the same processing, then the result handed over at the desk to a proxy with
   the identity paper checked and the delivery slip printed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import account, simulator
from tests.e2e.test_results_delivery import _dvcqg_record
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.flow_attachments import (
    act_with_files,
    attach_at_intake,
    open_dossier,
    pdf_file,
    png_file,
    receive_supplement_with_files,
)
from tests.e2e.web.flow_fees_post_delivery import (
    advance_post,
    cash_payment,
    create_post_order,
    deliver_at_desk,
    delivery_panel,
    post_panel,
    request_payment_and_pay,
)
from tests.e2e.web.flow_finding import TRANSFER, assign_to
from tests.e2e.web.flow_printing import offered_forms, pdf_text, print_form
from tests.e2e.web.flow_results import approve_and_sign, draft_result, issue_result, take_action

PROCEDURE = "1.004222"
APPLICANT = {"name": "Trần Thị Bích Ngọc", "number": "079195001234", "phone": "0903123456",
             "address": "Số 45 đường Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh"}
FORM = {  # Mẫu CT01 (eform_samples.THUONG_TRU)
    "nguoi_de_nghi": {"ho_ten": APPLICANT["name"], "ngay_sinh": "12/03/1995", "gioi_tinh": "nu",
                      "so_dinh_danh": APPLICANT["number"], "so_dien_thoai": APPLICANT["phone"]},
    "chu_ho": {"ho_ten": "Trần Văn Lộc", "quan_he_chu_ho": "Cha", "so_dinh_danh": "079065004321"},
    "noi_dung": {"dia_chi_dang_ky": "Số 9 đường Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh",
                 "cho_o": "so_huu", "noi_dung_de_nghi": "Đăng ký thường trú tại chỗ ở hợp pháp thuộc sở hữu."},
}
COMPONENTS = ("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)", "Giấy tờ chứng minh chỗ ở hợp pháp")
PROXY = {"name": "Trần Văn Lộc", "id_number": "079065004321",
         "authorisation": "Giấy ủy quyền số 12/UQ ngày 01/12/2026, chứng thực tại UBND phường Sài Gòn"}
RECEIPT, SLIP = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Phiếu giao nhận kết quả giải quyết hồ sơ"


def act(officer: OfficerSession, code: str, label: str, reason: str) -> None:
    """A process action with its reason, from the dossier page's dialog."""
    page = officer.page
    open_dossier(page, code)
    page.get_by_role("button", name=label, exact=True).click()
    dialog = page.get_by_role("dialog", name=label)
    dialog.get_by_role("textbox").first.fill(reason)
    officer.check(f"Hộp thoại: {label}")
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Đã thực hiện")).to_contain_text(f"Đã thực hiện “{label}”")


def test_an_online_dossier_from_dvcqg_to_delivery_by_post_in_the_browser(
        stack: LocalStack, officers: Callable[..., OfficerSession]) -> None:
    dvcqg = simulator(stack, "dvcqg")
    posted = requests.post(f"{dvcqg}/_sim/post-dossier", timeout=30, json={
        "MaTTHC": PROCEDURE, "MaDonViTiepNhan": HCMC_UNIT, "HinhThucNhanKetQua": "1", "ChuHoSo": APPLICANT["name"],
        "SoGiayToChuHoSo": APPLICANT["number"], "SoDienThoai": APPLICANT["phone"], "DiaChi": APPLICANT["address"],
        "TrichYeuHoSo": "Đăng ký thường trú", "DuLieuBieuMau": FORM}).json()
    assert posted["status"] == 201, posted
    code = posted["body"]["MaHoSo"]

    desk = officers("desk")
    act_with_files(desk.page, code, "Tiếp nhận hồ sơ", [png_file("so-ho-khau-cu.png", "So ho khau cu")])
    desk.check("Hồ sơ trực tuyến: đã tiếp nhận")
    take_action(desk.page, code, TRANSFER)

    head = officers("head")
    assign_to(head.page, code, account("appraiser", HCMC_UNIT)["HoVaTen"])
    appraiser = officers("appraiser")
    act(appraiser, code, "Yêu cầu bổ sung hồ sơ", "Bổ sung hợp đồng mua bán nhà có công chứng.")
    new_files = [pdf_file("hop-dong-mua-ban.pdf", "Hop dong mua ban nha")]
    receive_supplement_with_files(desk.page, code, new_files)
    expect(desk.page.get_by_role("region", name="Tài liệu")).to_contain_text("hop-dong-mua-ban.pdf")
    desk.check("Hồ sơ: đã nhận bổ sung")

    def paid_on_the_payment_platform() -> None:
        request_payment_and_pay(appraiser.page, code)
        appraiser.check("Hồ sơ: đã thanh toán trực tuyến")

    _process_from_appraisal(officers, code, appraiser, head, paid_on_the_payment_platform)

    open_dossier(desk.page, code)
    tracking = create_post_order(desk.page, code)
    desk.check("Hồ sơ: đã tạo đơn chuyển phát")
    advance_post(code, "delivered")
    expect(post_panel(desk.page).locator("dd").filter(has_text="Phát thành công")).to_be_visible(timeout=30_000)
    expect(delivery_panel(desk.page)).to_contain_text(f"Kết quả đã được phát qua bưu chính (bưu gửi {tracking})")
    expect(desk.page.get_by_text("10. Đã trả kết quả").first).to_be_visible()
    desk.check("Hồ sơ: đã phát qua bưu chính")

    entry = _dvcqg_record(stack, code, lambda e: e["dossier"].get("TrangThaiHoSo") == "10")
    [result] = entry["dossier"]["DanhSachGiayToKetQua"]
    [fetched] = entry["results"]
    assert fetched["GiayToId"] == result["GiayToId"] and fetched["http_status"] == 200, fetched
    assert fetched["is_pdf"] and fetched["signed"], fetched
    assert requests.get(result["DuongDanTepTinKetQua"], timeout=30).content.startswith(b"%PDF-")


def _process_from_appraisal(officers: Callable[..., OfficerSession], code: str, appraiser: OfficerSession,
                            head: OfficerSession, pay: Callable[[], None]) -> None:
    """The appraiser asks for the fee (``pay`` settles it), drafts the result and submits it; the
    head forwards, the leader approves and signs, the clerk issues (status 9)."""
    take_action(appraiser.page, code, "Yêu cầu thực hiện nghĩa vụ tài chính")
    appraiser.check("Hồ sơ: chờ nộp phí")
    pay()
    draft_result(appraiser.page, code, content="Đồng ý đăng ký thường trú.")
    appraiser.check("Hồ sơ: kết quả đã soạn")
    take_action(appraiser.page, code, "Trình lãnh đạo phòng")
    take_action(head.page, code, "Trình lãnh đạo đơn vị phê duyệt")
    leader = officers("leader")
    approve_and_sign(leader.page, code, leader.name)
    leader.check("Hồ sơ: đã phê duyệt, ký kết quả")
    clerk = officers("clerk")
    issue_result(clerk.page, code)
    clerk.check("Hồ sơ: đã phát hành kết quả")


def _fill_intake(page: Page) -> None:
    """The desk's intake form of 1.004222: the applicant, the CT01 eForm and the checklist's scans."""
    values: dict[str, Any] = {"ChuHoSo": APPLICANT["name"], "SoGiayToChuHoSo": APPLICANT["number"],
                              "SoDienThoai": APPLICANT["phone"], "DiaChi": APPLICANT["address"],
                              "TrichYeuHoSo": "Đăng ký thường trú"}
    for key, value in values.items():
        page.locator(f"#f-{key}").fill(value)
    for section, fields in FORM.items():
        for key, value in fields.items():
            if key not in ("gioi_tinh", "cho_o"):
                page.locator(f"#f-DuLieuBieuMau--{section}--{key}").fill(value)
    page.get_by_role("radio", name="Nữ", exact=True).check()
    page.get_by_label("Thuộc quyền sở hữu của người đề nghị").check()
    attach_at_intake(page, {COMPONENTS[0]: (pdf_file("to-khai-ct01.pdf", "To khai CT01"), "Bản chính"),
                            COMPONENTS[1]: (png_file("giay-chung-nhan-nha.png", "Giay chung nhan"), "Bản sao")})


def test_a_walk_in_dossier_from_the_desk_to_delivery_at_the_desk_in_the_browser(
        officers: Callable[..., OfficerSession]) -> None:
    desk = officers("desk")
    page = desk.page
    desk.open(f"tiep-nhan/{PROCEDURE}")
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Đăng ký thường trú")
    _fill_intake(page)
    desk.check("Tiếp nhận: tờ khai và thành phần hồ sơ")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("status").filter(has_text="Đã tiếp nhận hồ sơ")).to_be_visible()
    code = desk.heading().inner_text().removeprefix("Hồ sơ ")
    assert RECEIPT in offered_forms(page, code) and SLIP not in offered_forms(page, code)
    assert code in pdf_text(print_form(page, code, RECEIPT))
    desk.check("Hồ sơ: giấy tiếp nhận")
    take_action(page, code, TRANSFER)

    head, appraiser = officers("head"), officers("appraiser")
    assign_to(head.page, code, account("appraiser", HCMC_UNIT)["HoVaTen"])

    def cash_at_the_desk() -> None:
        open_dossier(page, code)
        cash_payment(page, code, 20_000, "0000816", "BL/26P")
        desk.check("Hồ sơ: đã nộp tiền mặt")

    _process_from_appraisal(officers, code, appraiser, head, cash_at_the_desk)
    open_dossier(page, code)
    deliver_at_desk(page, code, proxy=PROXY)
    expect(page.get_by_text("10. Đã trả kết quả").first).to_be_visible()
    desk.check("Hồ sơ: đã trả kết quả tại Bộ phận Một cửa")
    assert SLIP in offered_forms(page, code)
    assert PROXY["name"] in pdf_text(print_form(page, code, SLIP))
