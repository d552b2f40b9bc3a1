"""Reusable browser steps for a dossier's result (issue 12 items 1 and 4), each a plain function on
a logged-in officer's Playwright ``Page``: draw the result up from the procedure's template (its
fields prefilled from the dossier, some edited) or upload it, sign it, approve it (the leader's approval signs
it when the procedure says so) and issue it. Each step opens the dossier page itself and waits
until the web app says it is done."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.e2e.web.flow_attachments import wait_checked


def open_dossier(page: Page, code: str) -> None:
    """The dossier's page in this officer's web app (loaded again when already there)."""
    target = f"{page.url.split('#', 1)[0]}#/ho-so/{code}"
    if page.url == target:
        page.reload()
    else:
        page.goto(target)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")


def result_panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Kết quả giải quyết")


def draft_result(page: Page, code: str, fields: dict[str, str] | None = None, content: str = "") -> str:
    """Draw the result up from the template: check the prefilled fields, change ``fields`` (by their
    label), add the decision's ``content``, create it; answers the result's number. Precondition:
    the dossier is being processed (status 4 or 9), the officer an appraiser, head, leader or clerk
    of its unit, its result not signed yet."""
    open_dossier(page, code)
    panel = result_panel(page)
    panel.get_by_role("button", name=re.compile("^Soạn (lại )?kết quả từ mẫu$")).click()
    form = panel.get_by_role("form", name=re.compile("^Soạn .* từ mẫu$"))
    expect(form).to_be_visible()
    for label, value in (fields or {}).items():
        box = form.get_by_label(label, exact=True)
        expect(box).not_to_have_value("")  # prefilled from the dossier
        box.fill(value)
    if content:
        form.get_by_label(re.compile("^Nội dung quyết định")).fill(content)
    form.get_by_role("button", name="Tạo văn bản kết quả").click()
    expect(page.get_by_role("status").filter(has_text="Đã tạo văn bản kết quả số")).to_be_visible()
    expect(form).to_be_hidden()
    number = panel.locator(".result-facts dd").first.inner_text()
    assert re.fullmatch(r"\d+/\d{4}/[A-ZĐ0-9-]+", number), number
    return number


def sign_result(page: Page, code: str, signer: str) -> None:
    """Sign the dossier's result (PAdES through eSign) and see ``signer``'s valid signature listed.
    Precondition: a drafted result; the officer a head, leader or clerk who has not signed it."""
    open_dossier(page, code)
    panel = result_panel(page)
    panel.get_by_role("button", name="Ký số văn bản kết quả").click()
    expect(page.get_by_role("status").filter(has_text="Đã ký số văn bản kết quả")).to_be_visible()
    expect(signatures(page).filter(has_text=signer)).to_contain_text("chữ ký hợp lệ")


def signatures(page: Page) -> Locator:
    return result_panel(page).get_by_role("list", name="Chữ ký số trên văn bản kết quả").get_by_role("listitem")


def take_action(page: Page, code: str, label: str) -> None:
    """Take a process action without a reason from the dossier page, through its dialog."""
    open_dossier(page, code)
    page.get_by_role("button", name=label, exact=True).click()
    dialog = page.get_by_role("dialog", name=label)
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog).to_be_hidden(timeout=30_000)  # an approval that signs calls eSign and the TSA
    expect(page.get_by_role("status").filter(has_text="Đã thực hiện")).to_contain_text(f"Đã thực hiện “{label}”")


def approve_and_sign(page: Page, code: str, leader: str) -> None:
    """The leader's "Phê duyệt, ký kết quả": the approval signs the result in the same act (demo
    procedures say so). Precondition: the dossier at the leader's step with its result drafted."""
    take_action(page, code, "Phê duyệt, ký kết quả")
    expect(signatures(page).filter(has_text=leader)).to_contain_text("chữ ký hợp lệ")


def issue_result(page: Page, code: str) -> None:
    """The clerk's "Phát hành kết quả" (status 9). Precondition: the result numbered and signed."""
    take_action(page, code, "Phát hành kết quả")
    expect(page.get_by_text("9. Đã xử lý xong").first).to_be_visible()


def upload_result(page: Page, code: str, pdf: dict[str, Any], number: str, date: str) -> None:
    """Upload the result document instead of drawing it up: the PDF ``pdf`` (a Playwright file
    payload, see ``flow_attachments.pdf_file``), its ``number`` and its date ``date``
    (YYYY-MM-DD) as printed on it; see it listed with that number. Precondition: the procedure's
    result kind is "upload", the dossier being processed (status 4 or 9), the officer an
    appraiser, head, leader or clerk of its unit, its result not signed yet."""
    open_dossier(page, code)
    panel = result_panel(page)
    panel.get_by_role("button", name=re.compile("^Tải lên (lại )?văn bản kết quả$")).click()
    form = panel.get_by_role("form", name="Tải lên văn bản kết quả")
    file_input(form).set_input_files([pdf])
    wait_checked(form, [pdf])
    form.get_by_role("textbox", name="Số văn bản", exact=True).fill(number)
    form.get_by_label("Ngày ban hành", exact=True).fill(date)
    form.get_by_role("button", name="Lưu văn bản kết quả").click()
    expect(page.get_by_role("status").filter(has_text=f"Đã tải lên văn bản kết quả số {number}")).to_be_visible()
    expect(form).to_be_hidden()
    expect(panel.locator(".result-facts dd").first).to_have_text(number)


def file_input(form: Locator) -> Locator:
    """The result upload form's file input (a required field: its label carries a marker)."""
    return form.get_by_role("button", name="Tệp văn bản kết quả (PDF)", exact=True)
