"""E-receipts in the fees panel (issue 14 #2, SPEC §7.8): after cash at the desk the unit's provider
issues the e-receipt and the panel shows it (number, series, date, amount, status) without
reloading, with a print/download action; the desk officer replaces it with a reason in a dialog
(the replacement is issued and linked to the original), then cancels the replacement with a
reason; the operations page lists the daily reconciliation's findings. Every screen passes axe."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Browser, expect

from local.simulators.accounts import MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.test_ereceipts import _awaiting_payment
from tests.e2e.web.conftest import OfficerSession, assert_accessible, new_context, vneid_button_name
from tests.e2e.web.flow_fees_post_delivery import cash_payment, fees_panel, to_top

ISSUE_TIMEOUT_MS = 60_000  # the stream → queue → provider → transaction path, on a loaded machine


def test_the_fees_panel_shows_prints_replaces_and_cancels_the_e_receipt(
        stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[..., None],
        browser: Browser, webapp: str) -> None:
    code = _awaiting_payment(stack)
    officer = officers("desk")
    page = officer.page
    officer.open(f"ho-so/{code}")
    cash_payment(page, code, 2_000_000, "0000816")
    fees = fees_panel(page)
    receipts = fees.get_by_role("table", name="Biên lai điện tử")
    expect(receipts).to_contain_text("Đã phát hành", timeout=ISSUE_TIMEOUT_MS)
    first = receipts.get_by_role("row").nth(1)
    expect(first).to_contain_text("01BLP0-001 HS-26E")
    expect(first).to_contain_text("2.000.000")
    number = first.get_by_role("rowheader").inner_text()
    assert re.fullmatch(r"\d{7}", number), number
    officer.check("Hồ sơ: biên lai điện tử đã phát hành")
    to_top(fees)
    screenshot(page, "ho-so-bien-lai-dien-tu")

    # print / download: a short-lived link to the provider's PDF
    with page.expect_response(re.compile(r"/receipts/[^/]+/file/pdf$")) as answer, page.expect_popup() as popup:
        first.get_by_role("button", name=f"In / tải biên lai số {number}").click()
    link = answer.value.json()["url"]
    assert "receipts/" in link and ".pdf" in link and answer.value.json()["name"].endswith(f"số {number}.pdf")
    popup.value.close()

    # replace with a reason, in a dialog
    first.get_by_role("button", name=f"Thay thế biên lai số {number}").click()
    dialog = page.get_by_role("dialog", name=f"Thay thế biên lai số {number}")
    dialog.get_by_role("button", name="Xác nhận thay thế biên lai").click()
    expect(dialog).to_contain_text("Vui lòng nêu lý do (ít nhất 5 ký tự).")
    expect(dialog.get_by_label("Lý do")).to_be_focused()
    officer.check("Hồ sơ: thay thế biên lai (lỗi)")
    dialog.get_by_label("Lý do").fill("Sai tên người nộp")
    dialog.get_by_label("Tên người nộp (nếu cần sửa)").fill("Công ty TNHH An Bình")
    dialog.get_by_role("button", name="Xác nhận thay thế biên lai").click()
    expect(dialog).to_have_count(0)
    expect(receipts).to_contain_text("Đã bị thay thế", timeout=ISSUE_TIMEOUT_MS)
    replacement = receipts.get_by_role("row").filter(has_text=f"thay thế biên lai {number}")
    expect(replacement).to_contain_text("Đã phát hành", timeout=ISSUE_TIMEOUT_MS)
    new_number = replacement.get_by_role("rowheader").inner_text()
    assert new_number != number

    # cancel the replacement with a reason
    replacement.get_by_role("button", name=f"Huỷ biên lai số {new_number}").click()
    dialog = page.get_by_role("dialog", name=f"Huỷ biên lai số {new_number}")
    dialog.get_by_label("Lý do").fill("Thu nhầm, đã hoàn tiền")
    dialog.get_by_role("button", name="Xác nhận huỷ biên lai").click()
    expect(receipts.get_by_role("row").filter(has_text=new_number)).to_contain_text("Đã huỷ")
    expect(receipts.get_by_role("button", name=re.compile("^(Huỷ|Thay thế) biên lai"))).to_have_count(0)
    officer.check("Hồ sơ: biên lai đã thay thế và huỷ")

    # operators see the reconciliation's findings on the operations page (where they land)
    context, operations, errors = new_context(browser, webapp)
    try:
        operations.goto(webapp)
        operations.get_by_role("button", name="Đăng nhập bằng VNeID").click()
        operations.get_by_role("button", name=vneid_button_name("operator", MINISTRY_UNIT)).click()
        expect(operations.get_by_role("heading", level=1)).to_have_text("Vận hành hệ thống")
        flags = operations.get_by_role("region", name="Sai lệch biên lai điện tử")
        expect(flags).to_contain_text("Đối soát hằng ngày")
        assert_accessible(operations, "Vận hành: sai lệch biên lai")
        assert not errors, errors
    finally:
        context.close()
