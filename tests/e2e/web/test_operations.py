"""The operator's screen in the browser: the per-dependency health check moved from the
anonymous ``/health`` to ``GET /v1/ops/health`` (issue 11), and an operator reads it in the web
app — every table, bucket and queue of the stage with its state — while a desk officer has no
such screen. Checked with axe-core."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, expect

from local.simulators.accounts import MINISTRY_UNIT
from tests.e2e.conftest import account
from tests.e2e.web.conftest import OfficerSession, new_context, vneid_button_name


@pytest.fixture
def operator(browser: Browser, webapp: str) -> Iterator[OfficerSession]:
    context, page, errors = new_context(browser, webapp)
    page.goto(webapp)
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    page.get_by_role("button", name=vneid_button_name("operator", MINISTRY_UNIT)).click()
    session = OfficerSession(context, page, webapp, account("operator", MINISTRY_UNIT)["HoVaTen"], errors)
    yield session
    session.close()


def test_an_operator_sees_every_dependency_of_the_stage(operator: OfficerSession) -> None:
    page = operator.page
    expect(operator.heading()).to_have_text("Vận hành hệ thống")  # the operator's landing screen
    nav = page.get_by_role("navigation", name="Chức năng chính")
    expect(nav.get_by_role("link", name="Vận hành")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("status").filter(has_text="mọi thành phần đều hoạt động")).to_be_visible()
    table = page.get_by_role("table", name="Thành phần phụ thuộc")
    for name in ("dynamodb:hoso-dev-dossiers", "dynamodb:hoso-dev-counters", "sqs:hoso-dev-sync-dvcqg"):
        row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        expect(row).to_contain_text("Hoạt động")
    expect(table.get_by_text("Không phản hồi")).to_have_count(0)
    operator.check("Vận hành hệ thống")
    page.get_by_role("button", name="Kiểm tra lại").click()
    expect(table.get_by_role("row")).not_to_have_count(1)


def test_a_desk_officer_has_no_operations_screen(officers: Callable[..., OfficerSession]) -> None:
    desk = officers("desk")
    expect(desk.page.get_by_role("link", name="Vận hành")).to_have_count(0)
    desk.open("van-hanh")
    expect(desk.heading()).to_have_text("Không tìm thấy trang")
