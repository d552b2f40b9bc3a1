"""Post and delivery at the desk on the dossier page (issue 12 #7, #8, FR-18), in the browser:
postal return chosen at intake leads the desk to book the parcel (receiver from the dossier, the
postal service's quote), whose tracking the page follows until "Phát thành công" records the
delivery (status 10); at the desk, "Chưa trả kết quả" until the receiver — here an
organisation's proxy with the authorisation, identity paper checked — has every original
compared; then the facts and the printable delivery slip. Every state is checked with axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import expect

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.flow_fees_post_delivery import (
    advance_post,
    create_post_order,
    deliver_at_desk,
    delivery_panel,
    post_panel,
    request_payment_and_pay,
    to_top,
)
from tests.e2e.web.test_attachments import _upload_by_api
from tests.e2e.web.test_fees import _awaiting_payment, _ok
from tests.e2e.web.test_results import _decision_pdf

PROXY = {"name": "Lê Văn Bình", "id_number": "079085001122",
         "authorisation": "Giấy giới thiệu số 08/GGT ngày 02/12/2026 của Công ty"}
PHONE_VIEWPORT = {"width": 390, "height": 844}


def _to_result(stack: LocalStack, code: str, *, assigned: bool = False) -> None:
    """Through appraisal, approval and issue to status 9 (officers on the API: not this test's part)."""
    desk, head, appraiser, leader, clerk = (Officer(stack, r, HCMC_UNIT)
                                            for r in ("desk", "head", "appraiser", "leader", "clerk"))
    if not assigned:
        _ok(desk.act(code, "chuyen_phong"))
        _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    # no result, no issue: the result drawn up from the template, or the unit's own document uploaded
    kind = _ok(appraiser.get(f"/v1/dossiers/{code}/results/draft"))["result_kind"]
    if kind == "template":
        _ok(appraiser.post(f"/v1/dossiers/{code}/results", {}), 201)
    elif kind == "upload":
        upload = _upload_by_api(appraiser, _decision_pdf("12/2026/GP"))
        _ok(appraiser.post(f"/v1/dossiers/{code}/results/upload", {"upload_id": upload, "number": "12/2026/GP"}), 201)
    _ok(appraiser.act(code, "trinh"))
    _ok(head.act(code, "trinh_lanh_dao"))
    _ok(leader.act(code, "phe_duyet"))
    assert _ok(clerk.act(code, "phat_hanh"))["dossier"]["status"] == 9


def _status(stack: LocalStack, code: str) -> Any:
    return _ok(Officer(stack, "desk", HCMC_UNIT).get(f"/v1/dossiers/{code}"))["dossier"]["status"]


def test_postal_return_is_booked_tracked_and_recorded_as_delivered(
        stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[..., None]) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    body = {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "HinhThucNhanKetQua": "1"}  # postal return at intake
    code = _ok(desk.post("/v1/dossiers", body), 201)["dossier"]["code"]
    _to_result(stack, code)

    officer = officers("desk")
    page = officer.page
    officer.open(f"ho-so/{code}")
    panel = post_panel(page)
    form = panel.get_by_role("form", name="Tạo đơn chuyển phát kết quả")
    receiver = form.get_by_role("group", name="Người nhận")
    expect(receiver.get_by_label("Họ tên / tên đơn vị")).to_have_value(DESK_EXAMPLE["ChuHoSo"])
    expect(receiver.get_by_label("Số điện thoại di động")).to_have_value(DESK_EXAMPLE["SoDienThoai"])
    expect(receiver.get_by_label("Mã tỉnh, thành phố (2 số)")).to_have_value("79")
    form.get_by_role("button", name="Tạo đơn chuyển phát").click()  # the commune codes are missing
    expect(receiver.get_by_label("Mã xã, phường (5 số)")).to_be_focused()
    expect(form).to_contain_text("Mã xã gồm 5 chữ số.")
    officer.check("Hồ sơ: tạo đơn chuyển phát (lỗi)")
    to_top(form)
    screenshot(page, "ho-so-gui-buu-chinh")
    tracking = create_post_order(page, code)
    expect(panel).to_contain_text("Chuyển phát nhanh EMS, cước 25.000 đồng")
    expect(page.get_by_role("status").filter(has_text=f"số hiệu bưu gửi {tracking}")).to_be_visible()

    advance_post(code, "in_transit")  # the page follows the parcel without reloading
    expect(panel.locator("dd").filter(has_text="Đang vận chuyển")).to_be_visible(timeout=30_000)
    expect(panel.get_by_role("list")).to_contain_text("Bưu điện đã nhận kết quả")
    expect(delivery_panel(page)).to_contain_text("Kết quả đang được chuyển qua bưu chính")
    officer.check("Hồ sơ: theo dõi bưu gửi")
    to_top(panel)
    screenshot(page, "ho-so-theo-doi-buu-gui")

    advance_post(code, "delivered")
    expect(panel.locator("dd").filter(has_text="Phát thành công")).to_be_visible(timeout=30_000)
    expect(delivery_panel(page)).to_contain_text("Đã trả kết quả lúc", timeout=15_000)
    expect(delivery_panel(page)).to_contain_text(f"Kết quả đã được phát qua bưu chính (bưu gửi {tracking})")
    assert _status(stack, code) == 10
    officer.check("Hồ sơ: đã phát qua bưu chính")


def test_delivery_at_the_desk_to_a_proxy_with_originals_compared_and_the_slip(
        stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[..., None]) -> None:
    code = _awaiting_payment(stack)  # an organisation's dossier: someone always receives for it
    appraiser = officers("appraiser")
    appraiser.open(f"ho-so/{code}")
    request_payment_and_pay(appraiser.page, code)
    _to_result(stack, code, assigned=True)

    officer = officers("desk")
    page = officer.page
    officer.open(f"ho-so/{code}")
    panel = delivery_panel(page)
    expect(panel).to_contain_text("Chưa trả kết quả")
    form = panel.get_by_role("form", name="Trả kết quả tại Bộ phận Một cửa")
    expect(form.get_by_label(re.compile("^Chủ hồ sơ"))).to_be_disabled()
    expect(form.get_by_label("Người được ủy quyền nhận thay")).to_be_checked()
    expect(page.get_by_role("button", name="In phiếu giao nhận kết quả")).to_have_count(0)
    officer.check("Hồ sơ: trả kết quả")
    to_top(panel)
    screenshot(page, "ho-so-tra-ket-qua")

    form.get_by_role("button", name="Xác nhận trả kết quả").click()
    expect(form.get_by_label("Họ tên người nhận")).to_be_focused()
    for message in ("Số định danh cá nhân gồm 12 chữ số.", "phải có văn bản ủy quyền",
                    "Vui lòng kiểm tra giấy tờ tùy thân", "Đánh dấu từng bản chính đã đối chiếu"):
        expect(form).to_contain_text(message)
    officer.check("Hồ sơ: trả kết quả (lỗi)")

    # the proxy came without every original: recorded, not delivered
    form.get_by_label("Họ tên người nhận").fill(PROXY["name"])
    form.get_by_label("Số định danh cá nhân").fill(PROXY["id_number"])
    form.get_by_label("Văn bản ủy quyền (số, ngày, nơi chứng thực)").fill(PROXY["authorisation"])
    form.get_by_label(re.compile("^Đã kiểm tra giấy tờ tùy thân")).check()
    form.get_by_label("Đơn đề nghị cấp giấy phép").check()
    form.get_by_label("Ghi chú").fill("Chưa mang bản chính báo cáo đánh giá an toàn")
    form.get_by_role("button", name="Ghi nhận chưa trả kết quả (thiếu bản chính)").click()
    expect(panel).to_contain_text("lần trước chưa đối chiếu đủ bản chính")
    expect(panel).to_contain_text("Chưa trả kết quả")
    assert _status(stack, code) == 9

    deliver_at_desk(page, code, proxy=PROXY)
    for fact in (f"{PROXY['name']} (số định danh {PROXY['id_number']}), nhận thay theo {PROXY['authorisation']}",
                 "Đã kiểm tra", "Đơn đề nghị cấp giấy phép; Báo cáo đánh giá an toàn",
                 "Đã nộp trước khi trả kết quả"):
        expect(panel).to_contain_text(fact)
    expect(panel).not_to_contain_text("Chưa mang bản chính")  # that note was the first visit's
    assert _status(stack, code) == 10
    panel.get_by_role("button", name="In phiếu giao nhận kết quả").click()
    link = panel.get_by_role("link", name=re.compile("^Mở Phiếu giao nhận kết quả giải quyết hồ sơ"))
    url = link.get_attribute("href")
    assert url is not None
    pdf = requests.get(url, timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    officer.check("Hồ sơ: đã trả kết quả, phiếu giao nhận")
    to_top(panel)
    screenshot(page, "ho-so-da-tra-ket-qua")
    page.set_viewport_size(PHONE_VIEWPORT)
    panel.scroll_into_view_if_needed()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"], f"the page scrolls sideways at phone width ({width} px)"
    officer.check("Hồ sơ: đã trả kết quả (điện thoại)")
