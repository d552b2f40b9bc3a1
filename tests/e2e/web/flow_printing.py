"""Reusable browser steps of FR-19 printing (issue 12, items 3 and 9): plain functions taking a
Playwright ``Page`` of an officer logged in to the web app (``tests/e2e/web/conftest.py``)."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The text of a PDF, whitespace collapsed (what a reader of the printed form sees)."""
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def open_dossier(page: Page, code: str) -> None:
    """Go to the dossier's page (or load it again when already there) and wait for it."""
    target = f"{page.url.split('#')[0]}#/ho-so/{code}"
    if page.url == target:
        page.reload()
    else:
        page.goto(target)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")


def print_panel(page: Page) -> Locator:
    """The dossier page's "In biểu mẫu" panel, once its list of forms has loaded."""
    panel = page.get_by_role("region", name="In biểu mẫu")
    expect(panel).to_have_attribute("aria-busy", "false")
    return panel


def offered_forms(page: Page, code: str) -> list[str]:
    """The names of the forms the dossier ``code`` offers now, as its print panel lists them."""
    open_dossier(page, code)
    buttons = print_panel(page).get_by_role("button", name=re.compile("^In "))
    return [name.removeprefix("In ").strip() for name in buttons.all_inner_texts()]


def why_not(page: Page, form_label: str) -> str:
    """On the open dossier page: why the form ``form_label`` is not offered (the panel's list)."""
    later = print_panel(page).locator("details")
    later.locator("summary").click()
    item = later.get_by_role("listitem").filter(has_text=form_label)
    expect(item).to_have_count(1)
    return item.inner_text().split(":", 1)[1].strip()


def _download(page: Page, button: Locator) -> bytes:
    with page.expect_download() as started:
        button.click()
    content = Path(started.value.path()).read_bytes()
    assert content.startswith(b"%PDF"), "the print route gave a PDF"
    return content


def print_form(page: Page, code: str, form_label: str) -> bytes:
    """Print ``form_label`` (e.g. "Giấy tiếp nhận hồ sơ và hẹn trả kết quả") from dossier
    ``code``'s print panel; the PDF the browser downloaded. Precondition: the dossier offers it."""
    open_dossier(page, code)
    panel = print_panel(page)
    content = _download(page, panel.get_by_role("button", name=f"In {form_label}", exact=True))
    expect(panel.get_by_text(re.compile("^Đã tạo “"))).to_be_visible()
    return content


def print_register(page: Page, title: str, year: int, *, month: int | None = None, quarter: int | None = None) -> bytes:
    """On "Sổ, phiếu của đơn vị" (reached from the navigation): print the register ``title``
    ("Sổ theo dõi hồ sơ", "Phiếu đánh giá định kỳ việc giải quyết thủ tục hành chính") for a
    month or (the periodic evaluation only) a quarter of ``year``; the PDF downloaded."""
    nav = page.get_by_role("navigation", name="Chức năng chính")
    nav.get_by_role("link", name="Sổ, phiếu của đơn vị").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ, phiếu của đơn vị")
    card = page.get_by_role("region", name=title, exact=True)
    card.get_by_label("Năm", exact=True).select_option(str(year))
    if quarter is not None:
        card.get_by_label("Kỳ", exact=True).select_option("quarter")
        card.get_by_label("Quý", exact=True).select_option(str(quarter))
    else:
        card.get_by_label("Tháng", exact=True).select_option(str(month))
    content = _download(page, card.get_by_role("button", name=re.compile("^In ")))
    expect(card.get_by_text(re.compile("^Đã tạo “"))).to_be_visible()
    return content
