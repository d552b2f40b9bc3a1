"""Finding dossiers in the browser (issue 12 item 11): the desk finds a person's dossiers by their
personal number and a company's by its tax code, a dossier by its code, is told when a number is
mistyped; the transfer sends a dossier to the department chosen in its dialog; the head sees each
appraiser's load when assigning, and it grows with the assignment; at phone width the results are
cards. Every state is checked with axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from local.eform_samples import PROCEDURE_EFORMS, SAMPLE_FILLED
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.flow_finding import (
    ASSIGN,
    TRANSFER,
    assign_to,
    assignment_choices,
    find_by_code,
    find_by_personal_number,
    open_dossier,
    transfer_to_department,
)

PERSON = "079190056781"  # a personal number only this test's dossiers carry
COMPANY = "0100109106"
DEPARTMENT = "Phòng Hành chính - Tư pháp"
SECOND_HEAD = "e2e-truong-phong-tu-phap"
APPRAISER = "Trương Ngọc Trâm"


def desk_dossier(desk: Officer, **applicant: Any) -> str:
    body = {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT,
            "DuLieuBieuMau": SAMPLE_FILLED[PROCEDURE_EFORMS["1.001193"]], **applicant}
    answer = desk.post("/v1/dossiers", body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["dossier"]["code"])


@pytest.fixture
def second_department(stack: LocalStack) -> Iterator[None]:
    """A second department in TP.HCM (its head), so the transfer has a real choice; gone afterwards."""
    admin = Officer(stack, "admin", "000.00.00.G12")
    profile = {"sub": SECOND_HEAD, "name": "Lý Thị Thu Trang", "title": "Trưởng phòng", "department": DEPARTMENT,
               "province_code": "79", "active": True, "assignments": [{"role": "head", "unit_code": HCMC_UNIT}]}
    assert admin.put(f"/v1/admin/officers/{SECOND_HEAD}", profile).status_code == 200
    yield
    assert admin.put(f"/v1/admin/officers/{SECOND_HEAD}", {**profile, "active": False}).status_code == 200


def test_the_desk_finds_dossiers_by_number_and_code_then_transfers_and_the_head_assigns_by_load(
    stack: LocalStack, second_department: None, officers: Callable[..., OfficerSession],
    screenshot: Callable[[Page, str], None],
) -> None:
    api_desk = Officer(stack, "desk", HCMC_UNIT)
    mine = sorted(desk_dossier(api_desk, SoGiayToChuHoSo=PERSON, ChuHoSo="ĐINH THỊ MỸ LINH") for _ in range(2))
    company = desk_dossier(api_desk, MaTTHC="1.000105", SoGiayToChuHoSo=COMPANY, LoaiDoiTuong="2",
                           ChuHoSo="Công ty TNHH Thiết bị Y tế Sài Gòn", DuLieuBieuMau={})

    desk = officers("desk")
    page = desk.page
    assert sorted(find_by_personal_number(page, PERSON)) == mine
    expect(page.get_by_role("row")).to_have_count(3)  # the header and the two dossiers
    desk.check("Tìm kiếm theo số định danh cá nhân")
    screenshot(page, "tim-kiem-so-dinh-danh")
    assert find_by_personal_number(page, COMPANY) == [company]
    assert find_by_code(page, mine[0]) == [mine[0]]

    # a mistyped number is told at its field, nothing is searched
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế của chủ hồ sơ", exact=True).fill("07919005678")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    number = page.get_by_label("Số định danh cá nhân hoặc mã số thuế của chủ hồ sơ", exact=True)
    expect(number).to_be_focused()
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#search-so_giay_to-error")).to_contain_text("Số định danh cá nhân gồm 12 chữ số")
    desk.check("Tìm kiếm: số định danh nhập sai")

    # overdue and channel are criteria too (nothing of this test is overdue)
    page.get_by_label("Mã hồ sơ", exact=True).fill("")  # a code, when given, is the only criterion
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế của chủ hồ sơ", exact=True).fill(PERSON)
    page.get_by_label("Chỉ hồ sơ đã quá hạn").check()
    page.get_by_label("Kênh tiếp nhận").select_option(label="Trực tiếp tại Bộ phận Một cửa")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    expect(page.get_by_role("region", name="Kết quả tìm kiếm").locator(".empty")).to_have_text(
        "Không tìm thấy hồ sơ nào khớp với tiêu chí.")
    desk.check("Tìm kiếm: quá hạn, kênh tiếp nhận")

    # the transfer's dialog: the department is a required choice once the unit has several
    open_dossier(page, mine[0])
    page.get_by_role("button", name=TRANSFER, exact=True).click()
    dialog = page.get_by_role("dialog", name=TRANSFER)
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog.get_by_label("Phòng chuyên môn nhận hồ sơ")).to_be_focused()
    # said at the field by the dialog, or by the server when the list had not arrived yet
    expect(dialog.locator("#action-department-error")).to_contain_text("Vui lòng chọn phòng chuyên môn nhận hồ sơ.")
    desk.check("Chuyển phòng: chọn phòng")
    screenshot(page, "chuyen-phong")
    dialog.get_by_role("button", name="Hủy").click()
    for code in mine:
        transfer_to_department(page, code, DEPARTMENT)
        expect(page.get_by_text(DEPARTMENT).first).to_be_visible()

    head = officers("head")
    before = assignment_choices(head.page, mine[0])
    held = next(o for o in before if o.startswith(APPRAISER))
    load = re.search(r"đang thụ lý (\d+) hồ sơ", held)
    count = int(load.group(1)) if load else 0
    assert load or "chưa thụ lý hồ sơ nào" in held, held
    head.check("Phân công: số hồ sơ đang thụ lý")
    head.page.get_by_role("dialog", name=ASSIGN).get_by_label("Chuyên viên thụ lý").select_option(index=1)
    screenshot(head.page, "phan-cong-so-ho-so")  # the chosen appraiser shows their load
    head.page.get_by_role("dialog", name=ASSIGN).get_by_role("button", name="Hủy").click()
    assign_to(head.page, mine[0], APPRAISER)
    after = assignment_choices(head.page, mine[1])
    assert f"{APPRAISER} — Chuyên viên thẩm định — đang thụ lý {count + 1} hồ sơ" in after


def test_results_are_cards_at_phone_width(officers: Callable[..., OfficerSession],
                                          screenshot: Callable[[Page, str], None]) -> None:
    desk = officers("desk")
    page = desk.page
    page.set_viewport_size({"width": 390, "height": 844})
    desk.open("tim-kiem")
    expect(desk.heading()).to_have_text("Tìm kiếm hồ sơ")
    cards = page.locator(".dossier-card")
    expect(cards.first).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing scrolls sideways"
    expect(cards.first.get_by_role("heading", level=3).get_by_role("link")).to_have_text(
        re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H29-"))
    desk.check("Tìm kiếm ở màn hình điện thoại")
    screenshot(page, "tim-kiem-dien-thoai")
