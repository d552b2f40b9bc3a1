"""The coordinator's redirected desk intake in the browser (SPEC §7.7), on the local stack: the
coordinator opens ``#/tiep-nhan?thutuc=…&donvi=…&thamchieu=…&quaylai=…``; the desk officer logs in
with VNeID and lands on that procedure's eForm in that unit, fills it in and receives the dossier,
and is sent back to the coordinator simulator's return page with ``mahoso`` — which it records.
A return URL outside the allow-list, or a unit the officer does not serve, is refused in Vietnamese.
Every screen is checked with axe-core."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator
from tests.e2e.web.conftest import OfficerSession, new_context, vneid_button_name
from tests.e2e.web.test_full_path import PROCEDURE, _fill_intake

REFERENCE = f"DP-{secrets.token_hex(4).upper()}"  # this run's: the simulator's records outlive a test


def deep_link(webapp: str, unit: str, return_url: str) -> str:
    query = urlencode({"thutuc": PROCEDURE, "donvi": unit, "thamchieu": REFERENCE, "quaylai": return_url})
    return f"{webapp}/#/tiep-nhan?{query}"


@pytest.fixture
def desk(browser: Browser, webapp: str) -> Iterator[OfficerSession]:
    context, page, errors = new_context(browser, webapp)
    session = OfficerSession(context, page, webapp, "desk", errors)
    yield session
    session.close()


def test_the_coordinator_sends_a_desk_officer_to_intake_and_gets_the_dossier_code_back(
    stack: LocalStack, webapp: str, desk: OfficerSession, screenshot: Callable[[Page, str], None]
) -> None:
    coordinator = simulator(stack, "coordinator")
    back = f"{coordinator}/_sim/desk-intake/return"
    page = desk.page

    # A link whose return URL is another site: refused after login, nothing to send the officer to.
    page.goto(deep_link(webapp, HCMC_UNIT, "https://evil.example.com/_sim/desk-intake/return"))
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    page.get_by_role("button", name=vneid_button_name("desk", HCMC_UNIT)).click()
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ từ Hệ thống điều phối")
    expect(page.get_by_role("alert")).to_contain_text("Đường dẫn tiếp nhận từ Hệ thống điều phối không hợp lệ.")
    expect(page.get_by_text("Địa chỉ quay lại không thuộc Hệ thống điều phối được phép.")).to_be_visible()
    desk.check("Tiếp nhận từ Hệ thống điều phối: địa chỉ quay lại bị từ chối")

    # A unit this officer does not serve.
    page.goto(deep_link(webapp, HANOI_UNIT, back))
    expect(page.get_by_role("alert")).to_contain_text("Bạn không phải cán bộ một cửa của đơn vị")
    expect(page.get_by_role("alert")).to_contain_text(HANOI_UNIT)

    # The coordinator's link: the eForm of the procedure, in the unit, said to come from the coordinator.
    page.goto(deep_link(webapp, HCMC_UNIT, back))
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Đăng ký thường trú")
    expect(page.get_by_role("note")).to_contain_text(f"Hệ thống điều phối chuyển đến (mã tham chiếu {REFERENCE})")
    _fill_intake(page)
    desk.check("Tiếp nhận từ Hệ thống điều phối: tờ khai")
    screenshot(page, "tiep-nhan-tu-he-thong-dieu-phoi")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hệ thống điều phối (mô phỏng): đã tiếp nhận",
                                                            timeout=30_000)  # fmt: skip
    assert page.url.startswith(f"{back}?mahoso=")
    returns = [r for r in requests.get(f"{coordinator}/_sim/records", timeout=10).json()["desk_returns"]
               if r["thamchieu"] == REFERENCE]  # fmt: skip
    assert len(returns) == 1 and returns[0]["valid"], returns
    code = returns[0]["mahoso"]
    assert code.startswith(f"{HCMC_UNIT}-"), code
    expect(page.get_by_text(f"Đã nhận hồ sơ {code} (tham chiếu {REFERENCE}).")).to_be_visible()
    dossier = Officer(stack, "desk", HCMC_UNIT).get(f"/v1/dossiers/{code}")
    assert dossier.status_code == 200 and dossier.json()["dossier"]["procedure_code"] == PROCEDURE, dossier.text
