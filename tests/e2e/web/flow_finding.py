"""Reusable browser steps for finding dossiers, transferring them to a department and assigning them
(issue 12 item 11). Plain functions on a logged-in officer's Playwright page; each ends when the web
app shows the outcome."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.web.conftest import select_starting_with

CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4,}$")
TRANSFER = "Chuyển phòng chuyên môn xử lý"
ASSIGN = "Phân công chuyên viên thụ lý"


def open_search(page: Page) -> None:
    """The search screen, from the main navigation."""
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Tìm kiếm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm kiếm hồ sơ")


def result_codes(page: Page) -> list[str]:
    """The dossier codes the results list shows (table or cards), once it has finished loading."""
    results = page.get_by_role("region", name="Kết quả tìm kiếm")
    expect(results.get_by_text("Đang tải danh sách hồ sơ")).to_have_count(0)
    expect(results.locator(".count, .empty").first).to_be_visible()
    return [c for c in results.get_by_role("link").all_inner_texts() if CODE.match(c)]


def search_by(page: Page, label: str, text: str) -> list[str]:
    """Fill one criterion of the search form (by its label), search, return the codes found."""
    open_search(page)
    page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    expect(page.get_by_role("heading", name="Kết quả tìm kiếm")).to_be_visible()
    return result_codes(page)


def find_by_personal_number(page: Page, number: str) -> list[str]:
    """The unit's dossiers of the applicant with this personal number (CCCD) or tax code."""
    return search_by(page, "Số định danh cá nhân hoặc mã số thuế của chủ hồ sơ", number)


def find_by_code(page: Page, code: str) -> list[str]:
    return search_by(page, "Mã hồ sơ", code)


def open_dossier(page: Page, code: str) -> None:
    page.goto(re.sub(r"#.*$", "", page.url) + f"#/ho-so/{code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")


def transfer_to_department(page: Page, code: str, department: str) -> None:
    """As the desk: send the received dossier to ``department`` (the dialog's choice), see it done.
    Precondition: the dossier waits at the desk's transfer step (status "Được tiếp nhận")."""
    open_dossier(page, code)
    page.get_by_role("button", name=TRANSFER, exact=True).click()
    dialog = page.get_by_role("dialog", name=TRANSFER)
    choice = dialog.get_by_label("Phòng chuyên môn nhận hồ sơ")
    expect(choice.locator("option", has_text=department)).to_have_count(1)
    choice.select_option(label=department)
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Đã thực hiện")).to_contain_text(f"Đã thực hiện “{TRANSFER}”")


def assignment_choices(page: Page, code: str) -> list[str]:
    """As the head: open the assignment dialog and read its appraisers (each with their load)."""
    open_dossier(page, code)
    page.get_by_role("button", name=ASSIGN, exact=True).click()
    choice = page.get_by_role("dialog", name=ASSIGN).get_by_label("Chuyên viên thụ lý")
    expect(choice.locator("option").nth(1)).to_be_attached()
    return choice.locator("option").all_inner_texts()[1:]


def assign_to(page: Page, code: str, appraiser: str) -> None:
    """As the head: assign the dossier to the appraiser whose name starts ``appraiser``, see it done.
    Precondition: the dossier was transferred to the department (step "Phân công thụ lý")."""
    open_dossier(page, code)
    page.get_by_role("button", name=ASSIGN, exact=True).click()
    dialog = page.get_by_role("dialog", name=ASSIGN)
    select_starting_with(dialog.get_by_label("Chuyên viên thụ lý"), appraiser)
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Đã thực hiện")).to_contain_text(f"Đã thực hiện “{ASSIGN}”")
