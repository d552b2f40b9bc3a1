"""Reusable browser steps for reminders (issue 12 #10) and the private note (#11): the header's
bell, the notification settings dialog, the dashboard's counters, "Người xử lý" and the
"Ghi chú riêng" panel. Plain functions on a logged-in Playwright ``Page``."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

BELL_NAME = re.compile(r"^Thông báo \(|^Thông báo [\d+]+ chưa đọc$")
PANEL_NAME = "Thông báo nhắc việc"


def bell(page: Page) -> Locator:
    return page.get_by_role("button", name=BELL_NAME)


def bell_count(page: Page) -> int:
    """The unread count on the bell ("99+" reads as 100)."""
    found = re.search(r"(\d+)(\+?) chưa đọc", bell(page).text_content() or "")
    return 0 if not found else int(found.group(1)) + (1 if found.group(2) else 0)


def expect_bell_count(page: Page, unread: int) -> None:
    """Wait until the bell shows ``unread``, as screen readers hear it: "Thông báo 3 chưa đọc",
    "Thông báo (không có thông báo chưa đọc)"."""
    name = "Thông báo (không có thông báo chưa đọc)" if unread == 0 else f"Thông báo {unread} chưa đọc"
    expect(bell(page)).to_have_accessible_name(name)


def open_bell(page: Page) -> Locator:
    """Open the bell's panel (the focus moves to its heading), unless it is open; the panel."""
    panel = page.get_by_role("region", name=PANEL_NAME)
    if bell(page).get_attribute("aria-expanded") != "true":
        bell(page).click()
        expect(panel.get_by_role("heading", name=PANEL_NAME)).to_be_focused()
    expect(panel).to_be_visible()
    return panel


def close_bell(page: Page) -> None:
    """Esc closes the panel and gives the focus back to the bell."""
    page.keyboard.press("Escape")
    expect(page.get_by_role("region", name=PANEL_NAME)).to_be_hidden()
    expect(bell(page)).to_be_focused()


def mark_notification_read(page: Page, dossier_code: str) -> None:
    """In the open panel: "Đánh dấu đã đọc" on the (first unread) reminder about ``dossier_code``."""
    panel = open_bell(page)
    panel.get_by_role("button", name=re.compile(rf"^Đánh dấu đã đọc: .*hồ sơ {re.escape(dossier_code)}$")).first.click()


def mark_all_notifications_read(page: Page) -> None:
    open_bell(page).get_by_role("button", name="Đánh dấu tất cả đã đọc").click()
    expect_bell_count(page, 0)


def open_notified_dossier(page: Page, dossier_code: str) -> None:
    """Follow a reminder's link to its dossier (which marks it read)."""
    open_bell(page).get_by_role("link", name=f"Mở hồ sơ {dossier_code}").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {dossier_code}")


def open_notification_settings(page: Page) -> Locator:
    open_bell(page).get_by_role("button", name="Cài đặt nhận thông báo").click()
    dialog = page.get_by_role("dialog", name="Cài đặt nhận thông báo")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Thư điện tử")).to_be_focused()
    expect(dialog.get_by_text("Đang tải cài đặt…")).to_have_count(0)  # the stored values are in: typing may start
    return dialog


def save_notification_settings(page: Page, email: str, phone: str) -> None:
    """Where e-mail and SMS reminders go ("" turns a channel off); waits for the confirmation."""
    dialog = open_notification_settings(page)
    dialog.get_by_label("Thư điện tử").fill(email)
    dialog.get_by_label("Số điện thoại di động").fill(phone)
    dialog.get_by_role("button", name="Lưu cài đặt").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("main").get_by_role("status").first).to_contain_text("Đã lưu cài đặt")


def dashboard_counter(page: Page, section: str, label: str) -> int:
    """The number on the dashboard's counter ``label`` in the section headed ``section``."""
    region = page.get_by_role("region", name=section)
    counter = region.locator(".counter").filter(has=page.locator(".counter-label", has_text=re.compile(
        f"^{re.escape(label)}$")))
    expect(counter).to_have_count(1)
    return int(counter.locator(".counter-value").inner_text())


def holder(page: Page) -> str:
    """"Người xử lý" on the dossier page."""
    facts = page.get_by_role("region", name="Tình trạng xử lý")
    term = facts.locator("dt", has_text=re.compile("^Người xử lý$"))
    return term.locator("xpath=following-sibling::dd[1]").inner_text()


def note_panel(page: Page) -> Locator:
    panel = page.get_by_role("region", name="Ghi chú riêng")
    expect(panel.get_by_role("textbox")).to_be_visible()
    return panel


def save_private_note(page: Page, text: str) -> None:
    """Write the officer's own note on the open dossier and wait until it is saved."""
    panel = note_panel(page)
    panel.get_by_role("textbox").fill(text)
    panel.get_by_role("button", name="Lưu ghi chú").click()
    expect(panel.locator(".note-status")).to_contain_text("Đã lưu ghi chú lúc")  # a polite live region


def private_note(page: Page) -> str:
    """The note the officer sees on the open dossier (once it is loaded)."""
    panel = note_panel(page)
    expect(panel.get_by_text("Đang tải ghi chú…")).to_have_count(0)
    return panel.get_by_role("textbox").input_value()
