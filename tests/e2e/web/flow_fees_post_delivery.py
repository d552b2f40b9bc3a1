"""Reusable browser steps for fees, post and delivery (issue 12 items 6–8), for the full-path
tests: each takes the Playwright ``Page`` of an officer already on the dossier's page
(``/#/ho-so/<code>``) and acts through the web app only; the citizen's and the postal
service's parts are driven on their simulators over HTTP (the local stack exports their
addresses as ``PAYMENT_BASE_URL`` / ``POST_BASE_URL``)."""

from __future__ import annotations

import os
import re

import requests
from playwright.sync_api import Locator, Page, expect

POLL_TIMEOUT_MS = 30_000  # the panels ask for payment state every 3 s and tracking every 5 s
POSTAL_PATH = ("picked_up", "in_transit", "out_for_delivery", "delivered")
SENDER = {"phone": "0903829000", "address": "244 Điện Biên Phủ", "communeCode": "26740"}


def to_top(panel: Locator) -> None:
    """Scroll the page so that ``panel`` starts at the top (for a screenshot of it)."""
    panel.evaluate("el => el.scrollIntoView({block: 'start'})")


def fees_panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Phí, lệ phí")


def post_panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Gửi kết quả qua bưu chính")


def delivery_panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Trả kết quả")


def request_payment_and_pay(page: Page, code: str) -> str:
    """Status 6, an officer who may ask for fees (desk, appraiser, head): send the payment request
    from the fees panel, pay it as the citizen on the payment simulator's pay page (HTTP), and
    wait until the page shows it paid with its e-receipt. Answers the e-receipt number."""
    fees = fees_panel(page)
    fees.get_by_role("button", name=re.compile("^Gửi yêu cầu thanh toán")).click()
    expect(fees.get_by_role("status")).to_contain_text("đang chờ người nộp thanh toán")
    url = fees.locator("a[href*='/pay/HS']").get_attribute("href")
    assert url and url.startswith(os.environ["PAYMENT_BASE_URL"]), url
    paid = requests.post(url, timeout=30)  # the pay page's form: "Thanh toán"
    assert paid.status_code == 200 and "Đã báo kết quả cho cơ quan thu" in paid.text, f"{code}: {paid.text}"
    expect(fees).to_contain_text("Đã thanh toán", timeout=POLL_TIMEOUT_MS)
    receipt = fees.get_by_role("link", name=re.compile("^Xem biên lai điện tử"))
    expect(receipt).to_have_attribute("href", re.compile(r"/bien-lai/HS\d+$"))
    number = fees.locator("strong", has_text="BLĐT-").first.inner_text()
    return number


def cash_payment(page: Page, code: str, amount: int, receipt: str, symbol: str = "") -> None:
    """Status 6, the desk officer, no online request open: record the cash paid at the desk."""
    fees = fees_panel(page)
    form = fees.get_by_role("form", name="Nộp tiền mặt tại Bộ phận Một cửa")
    form.get_by_label("Số tiền đã thu (đồng)").fill(str(amount))
    if symbol:
        form.get_by_label("Ký hiệu biên lai").fill(symbol)
    form.get_by_label("Số biên lai").fill(receipt)
    form.get_by_role("button", name="Xác nhận đã thu tiền mặt").click()
    expect(fees).to_contain_text(f"{symbol} {receipt}".strip())
    expect(page.get_by_role("status").filter(has_text="Đã ghi nhận nộp tiền mặt")).to_be_visible()


def create_post_order(page: Page, code: str, service: str = "Chuyển phát nhanh EMS",
                      receiver_commune: str = "26734") -> str:
    """Status 9, the desk officer, postal return chosen at intake: book the parcel from the post
    panel (receiver prefilled from the dossier; the sender's phone, address and commune filled
    when the browser has none saved), after the postal service's quote. Answers the tracking number."""
    panel = post_panel(page)
    form = panel.get_by_role("form", name="Tạo đơn chuyển phát kết quả")
    receiver = form.get_by_role("group", name="Người nhận")
    receiver.get_by_label("Mã xã, phường (5 số)").fill(receiver_commune)
    sender = form.get_by_role("group", name="Người gửi (Bộ phận Một cửa)")
    for label, value in (("Số điện thoại di động", SENDER["phone"]), ("Địa chỉ (số nhà, đường, thôn/ấp)",
                                                                      SENDER["address"]),
                         ("Mã xã, phường (5 số)", SENDER["communeCode"])):
        field = sender.get_by_label(label)
        if not field.input_value():
            field.fill(value)
    form.get_by_label(service).check()
    form.get_by_role("button", name="Báo giá cước").click()
    expect(form.get_by_role("status")).to_contain_text(f"{service}: cước")
    form.get_by_role("button", name="Tạo đơn chuyển phát").click()
    number = panel.locator("dt", has_text="Số hiệu bưu gửi").locator("xpath=following-sibling::dd[1]")
    expect(number).to_have_text(re.compile(r"^[A-Z]{2}\d{9}VN$"))
    return number.inner_text()


def advance_post(code: str, status: str) -> None:
    """The postal service moves the dossier's parcel along its usual path up to ``status``
    (picked_up, in_transit, out_for_delivery, delivered); each step is reported to hoso by the
    simulator's tracking callback. Steps already taken are skipped."""
    base = os.environ["POST_BASE_URL"].rstrip("/")
    current = requests.get(f"{base}/v1/orders/{code}", timeout=10).json()["status"]
    for step in POSTAL_PATH[POSTAL_PATH.index(current) + 1 if current in POSTAL_PATH else 0:
                            POSTAL_PATH.index(status) + 1]:
        moved = requests.post(f"{base}/_sim/orders/{code}/status", json={"status": step}, timeout=30)
        assert moved.status_code == 200 and moved.json()["callback"]["status"] == 200, moved.text


def deliver_at_desk(page: Page, code: str, proxy: dict[str, str] | None = None,
                    receipt: str | None = None) -> None:
    """Status 9, the desk officer, not sent by post: hand the result over at the desk to the
    applicant or, with ``proxy`` ({"name", "id_number", "authorisation"}), to their proxy — the
    identity paper checked, every original compared, the receipt number when fees are still due —
    and wait for "Đã trả kết quả"."""
    panel = delivery_panel(page)
    form = panel.get_by_role("form", name="Trả kết quả tại Bộ phận Một cửa")
    if proxy:
        form.get_by_label("Người được ủy quyền nhận thay").check()
        form.get_by_label("Họ tên người nhận").fill(proxy["name"])
        form.get_by_label("Số định danh cá nhân").fill(proxy["id_number"])
        form.get_by_label("Văn bản ủy quyền (số, ngày, nơi chứng thực)").fill(proxy["authorisation"])
    form.get_by_label(re.compile("^Đã kiểm tra giấy tờ tùy thân")).check()
    originals = form.get_by_role("group", name="Đối chiếu bản chính").get_by_role("checkbox")
    for i in range(originals.count()):
        originals.nth(i).check()
    if receipt is not None:
        form.get_by_label("Số biên lai").fill(receipt)
    form.get_by_role("button", name="Xác nhận trả kết quả").click()
    expect(panel).to_contain_text("Đã trả kết quả lúc")
    expect(panel.get_by_role("button", name="In phiếu giao nhận kết quả")).to_be_visible()
