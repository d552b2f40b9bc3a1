"""Login with VNeID (authorization code + PKCE against the simulator), the interface adapting
to the officer's roles, logout, and a cancelled login."""

from __future__ import annotations

from collections.abc import Callable

import requests
from playwright.sync_api import Browser, Page, expect

from local.stack import LocalStack
from tests.e2e.conftest import simulator
from tests.e2e.web.conftest import OfficerSession, assert_accessible, new_context, vneid_button_name


def test_a_desk_officer_logs_in_with_vneid_sees_their_work_and_logs_out(
    officers: Callable[..., OfficerSession], stack: LocalStack, screenshot: Callable[[Page, str], None]
) -> None:
    desk = officers("desk", check=assert_accessible)
    page = desk.page
    expect(page.get_by_text("Huỳnh Thị Kim Ngân", exact=False).first).to_be_visible()
    nav = page.get_by_role("navigation", name="Chức năng chính")
    expect(nav.get_by_role("link")).to_have_text(["Việc cần làm", "Hồ sơ được giao", "Tìm kiếm", "Tiếp nhận hồ sơ",
                                                   "Trợ lý ảo", "Sổ, phiếu của đơn vị"])
    expect(page.get_by_role("heading", name="Cán bộ một cửa", level=2)).to_be_visible()
    expect(page.get_by_role("link", name="Chờ tiếp nhận")).to_be_visible()
    desk.check("Việc cần làm (cán bộ một cửa)")
    screenshot(page, "viec-can-lam")

    token = page.evaluate("JSON.parse(sessionStorage.getItem('hoso.session')).accessToken")
    claims = requests.get(f"{simulator(stack, 'vneid')}/userinfo", headers={"Authorization": f"Bearer {token}"},
                          timeout=10).json()  # fmt: skip
    assert claims["HoVaTen"] == "Huỳnh Thị Kim Ngân", "the app holds a real VNeID access token"

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập dành cho cán bộ")
    assert page.evaluate("sessionStorage.getItem('hoso.session')") is None
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập dành cho cán bộ")
    logouts = requests.get(f"{simulator(stack, 'vneid')}/_sim/records", timeout=10).json()["logouts"]
    assert logouts and logouts[-1]["redirect"] == f"{desk.webapp}/", "the VNeID session was ended too"


def test_a_leader_sees_only_what_a_leader_does(officers: Callable[..., OfficerSession]) -> None:
    leader = officers("leader")
    page = leader.page
    nav = page.get_by_role("navigation", name="Chức năng chính")
    expect(nav.get_by_role("link")).to_have_text(["Việc cần làm", "Hồ sơ được giao", "Tìm kiếm", "Trợ lý ảo",
                                                   "Báo cáo, thống kê"])
    expect(page.get_by_role("heading", name="Lãnh đạo", level=2)).to_be_visible()
    expect(page.get_by_role("link", name="Chờ phê duyệt")).to_be_visible()
    leader.open("tiep-nhan")
    expect(leader.heading()).to_have_text("Không tìm thấy trang")
    leader.check("Không tìm thấy trang")


def test_cancelling_at_vneid_comes_back_with_a_message(browser: Browser, webapp: str) -> None:
    context, page, errors = new_context(browser, webapp)
    try:
        page.goto(f"{webapp}/#/tim-kiem")
        page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
        expect(page.get_by_role("button", name=vneid_button_name("desk", "000.00.13.H29"))).to_be_visible()
        page.get_by_role("button", name="Hủy").click()
        expect(page.get_by_role("alert")).to_contain_text("Bạn đã hủy đăng nhập.")
        assert page.url.endswith("/#/tim-kiem"), "the route asked for is kept for the next attempt"
        assert_accessible(page, "Đăng nhập bị hủy")
        assert not errors
    finally:
        context.close()


def test_a_token_the_api_refuses_sends_the_officer_back_to_login(
    officers: Callable[..., OfficerSession], stack: LocalStack
) -> None:
    desk = officers("desk")
    expired = requests.post(f"{simulator(stack, 'vneid')}/_sim/token",
                            json={"SoDinhDanh": "079190023301", "ttl_s": -60}, timeout=10).json()  # fmt: skip
    desk.page.evaluate("""(token) => {
        const session = JSON.parse(sessionStorage.getItem('hoso.session'));
        sessionStorage.setItem('hoso.session', JSON.stringify({...session, accessToken: token}));
    }""", expired["access_token"])
    desk.open("tim-kiem")
    expect(desk.heading()).to_have_text("Đăng nhập dành cho cán bộ")
    expect(desk.page.get_by_role("alert")).to_contain_text("Phiên đăng nhập đã hết hạn")
    assert desk.page.evaluate("sessionStorage.getItem('hoso.session')") is None
