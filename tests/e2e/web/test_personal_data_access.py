"""Issue 11, High 3, in the browser. The dossier page offers the applicant's e-data store on
request — only the document types the procedure asks for — and a document is reused in the
dossier. A person asks "who looked at my data". The desk's auto-fill looks a citizen
up in the population database; the ministry's administrator enters the citizen's personal
number on the administration's screen and sees that look-up (who, which unit, which procedure)
and their own query; a province's administrator sees only what happened in their province.
Checked with axe-core."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from playwright.sync_api import Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.simulators.citizens import DEMO_CITIZENS
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.e2e.conftest import Officer, account, post_signed
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.keyboard import press, type_into
from tests.e2e.web.test_admin import admin_nav, admins  # noqa: F401 — the administrators' fixture


def _look_up(stack: LocalStack, unit: str, number: str) -> None:
    desk = Officer(stack, "desk", unit)
    found = desk.post("/v1/autofill/citizens", {"so_dinh_danh": number, "thu_tuc": "1.001193"})
    assert found.status_code == 200, found.text


def _search(session: OfficerSession, number: str) -> Page:
    page = session.page
    press(page, admin_nav(page).get_by_role("link", name="Truy cập dữ liệu cá nhân"))
    expect(session.heading()).to_have_text("Ai đã truy cập dữ liệu cá nhân của một người")
    type_into(page, page.get_by_label("Số định danh cá nhân hoặc mã số doanh nghiệp"), number)
    press(page, page.get_by_role("button", name="Tra cứu"))
    expect(page.get_by_role("table").locator("caption")).to_contain_text("lần truy cập")
    return page


def test_an_administrator_answers_who_looked_at_a_citizens_data(
        stack: LocalStack, admins: Callable[[str, str], OfficerSession],  # noqa: F811
        screenshot: Callable[[Page, str], None]) -> None:
    number = "079190" + f"{secrets.randbelow(10**6 - 1) + 1:06d}"
    _look_up(stack, HCMC_UNIT, number)
    _look_up(stack, HANOI_UNIT, number)

    ministry = admins("admin", MINISTRY_UNIT)
    page = _search(ministry, number)
    rows = page.get_by_role("table").locator("tbody tr")
    lookups = rows.filter(has_text="Tra cứu CSDL quốc gia về dân cư")
    expect(lookups).to_have_count(2)
    expect(lookups.filter(has_text=account("desk", HCMC_UNIT)["HoVaTen"])).to_contain_text("thủ tục 1.001193")
    expect(lookups.filter(has_text=account("desk", HANOI_UNIT)["HoVaTen"])).to_contain_text(HANOI_UNIT)
    expect(rows.first).to_contain_text("Tra cứu nhật ký truy cập dữ liệu cá nhân")  # this query, newest first
    ministry.check("Quản trị: truy cập dữ liệu cá nhân")
    screenshot(page, "admin-truy-cap-du-lieu")

    empty = page.get_by_label("Số định danh cá nhân hoặc mã số doanh nghiệp")
    empty.fill("")
    press(page, page.get_by_role("button", name="Tra cứu"))
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng nhập số định danh")

    province = admins("province_admin", HCMC_UNIT)
    page = _search(province, number)
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows.filter(has_text="Tra cứu CSDL quốc gia về dân cư")).to_have_count(1)
    expect(rows.filter(has_text=HANOI_UNIT)).to_have_count(0)
    province.check("Quản trị cấp tỉnh: truy cập dữ liệu cá nhân")


def _issued_online_dossier(stack: LocalStack, number: str) -> None:
    """An online birth registration of ``number`` carried over the API to its result's issuance:
    its birth certificate (GCS) reaches the citizen's e-data store."""
    citizen = {**DEMO_CITIZENS[0], "SoDinhDanh": number}
    posted = post_signed(stack.api_url, build_dossier(citizen, overrides={"MaDonViTiepNhan": HCMC_UNIT}))
    assert posted.status_code == 201, posted.text
    code = posted.json()["MaHoSo"]
    o = {r: Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser", "leader", "clerk")}
    for role, action, extra in (("desk", "tiep_nhan", {}), ("desk", "chuyen_phong", {}),
                                ("head", "phan_cong", {"assignee": o["appraiser"].sub})):
        assert o[role].act(code, action, **extra).status_code == 200, action
    result = o["appraiser"].post(f"/v1/dossiers/{code}/results", {"content": "Đồng ý đăng ký khai sinh."})
    assert result.status_code == 201, result.text
    for role, action in (("appraiser", "trinh"), ("head", "trinh_lanh_dao")):
        assert o[role].act(code, action).status_code == 200, action
    signed = o["leader"].post(f"/v1/dossiers/{code}/documents/{result.json()['id']}/sign", {})
    assert signed.status_code == 200, signed.text
    for role, action in (("leader", "phe_duyet"), ("clerk", "phat_hanh")):
        assert o[role].act(code, action).status_code == 200, action


def test_the_desk_reuses_a_document_of_the_applicants_store_on_the_dossier_page(
        stack: LocalStack, officers: Callable[..., OfficerSession]) -> None:
    number = "079190" + f"{secrets.randbelow(10**6 - 1) + 1:06d}"
    _issued_online_dossier(stack, number)
    desk_api = Officer(stack, "desk", HCMC_UNIT)
    created = desk_api.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "SoGiayToChuHoSo": number})
    assert created.status_code == 201, created.text
    code = created.json()["dossier"]["code"]
    deadline = time.monotonic() + 60  # the store is filled from the dossiers' stream
    while not desk_api.get(f"/v1/dossiers/{code}/edata").json()["documents"]:
        assert time.monotonic() < deadline, "the issued dossier's documents did not reach the e-data store"
        time.sleep(0.5)

    desk = officers("desk")
    page = desk.page
    desk.open(f"ho-so/{code}")
    expect(desk.heading()).to_contain_text(code)
    store = page.locator(".edata")
    press(page, store.get_by_role("button", name="Tìm giấy tờ trong kho dữ liệu điện tử"))
    item = store.locator("li").filter(has_text="giay-chung-sinh.pdf")
    expect(item).to_contain_text("Giấy chứng sinh")  # a type the procedure asks for, named as the procedure does
    expect(store.locator("li")).to_have_count(1)  # the result of the other dossier is not offered
    desk.check("Hồ sơ: kho dữ liệu điện tử của chủ hồ sơ")
    press(page, item.get_by_role("button", name="Dùng lại"))
    documents = page.get_by_role("region", name="Tài liệu")
    expect(documents.locator(".document-list li").filter(has_text="giay-chung-sinh.pdf")).to_have_count(1)
    expect(store.get_by_role("status")).to_contain_text("không có giấy tờ nào")
