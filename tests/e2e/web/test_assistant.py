"""The officers' assistant (FR-22) in the web app: a procedure question answered from the catalogue
with citations that open the cited entry, a question about the dossier on its page answered from
the dossier's own data, and a legal basis an administrator records cited at once. Every state
checked with axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Browser, Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, account
from tests.e2e.web.conftest import OfficerSession, new_context, vneid_button_name
from tests.e2e.web.keyboard import press, type_into


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_a_procedure_question_cites_the_catalogue_entry_it_used(
    officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    session = officers("appraiser")
    session.page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Trợ lý ảo").click()
    expect(session.heading()).to_have_text("Trợ lý ảo", timeout=30_000)
    panel = session.page.get_by_role("region", name="Trợ lý ảo")
    question = panel.get_by_role("textbox", name="Câu hỏi")
    panel.get_by_role("button", name="Hỏi trợ lý").click()  # nothing typed: the error names the field
    expect(panel.get_by_text("Vui lòng nhập câu hỏi")).to_be_visible()
    expect(question).to_be_focused()
    question.fill("Lệ phí đăng ký thường trú bao nhiêu?")
    question.press("Enter")
    expect(panel.get_by_role("heading", name="Trả lời — Đăng ký thường trú")).to_be_visible(timeout=30_000)
    expect(panel.locator(".assistant-prose")).to_have_text(
        re.compile(r"^Lệ phí đăng ký cư trú: 20\.000 đồng \(lệ phí, thu khi tiếp nhận\)\.\s*\[1\]"))
    sources = panel.get_by_role("list").filter(has_text="Lệ phí đăng ký cư trú")
    expect(sources.get_by_role("link", name="Danh mục · 1.004222 Đăng ký thường trú · Phí, lệ phí")).to_be_visible()
    session.check("Trợ lý ảo: câu hỏi về thủ tục")
    screenshot(session.page, "tro-ly-thu-tuc")

    panel.get_by_role("link", name=re.compile(r"nguồn 1: Danh mục · 1\.004222")).click()
    expect(session.heading()).to_have_text("Thủ tục 1.004222 — Đăng ký thường trú", timeout=30_000)
    cited = session.page.locator("#muc-phi-LP-CT")
    expect(cited).to_be_focused()
    expect(cited).to_have_attribute("aria-current", "true")
    expect(cited).to_contain_text("20.000 đồng")
    expect(session.page.get_by_text("Căn cứ pháp lý: Luật Cư trú số 68/2020/QH14.")).to_be_visible()
    session.check("Trợ lý ảo: mục danh mục được trích dẫn")


def test_a_question_about_the_dossier_on_its_page(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    view = _ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)
    code = view["dossier"]["code"]
    session = officers("desk")
    session.open(f"ho-so/{code}")
    expect(session.heading()).to_have_text(f"Hồ sơ {code}", timeout=30_000)
    panel = session.page.get_by_role("region", name="Trợ lý ảo")
    panel.get_by_role("button", name="Còn bao lâu nữa thì đến hạn?").click()
    expect(panel.get_by_role("textbox", name="Câu hỏi")).to_have_value("Còn bao lâu nữa thì đến hạn?")
    panel.get_by_role("button", name="Hỏi trợ lý").click()
    prose = panel.locator(".assistant-prose")
    expect(prose).to_contain_text("Ngày hẹn trả kết quả: Hạn xử lý", timeout=30_000)
    expect(prose).to_contain_text("làm việc, tính theo lịch làm việc của đơn vị")
    expect(panel.get_by_role("link", name=f"Hồ sơ {code} · Ngày hẹn trả kết quả", exact=True)).to_have_attribute(
        "href", f"#/ho-so/{code}")
    session.check("Hồ sơ: trợ lý ảo trả lời về thời hạn")

    panel.get_by_role("textbox", name="Câu hỏi").fill("Hồ sơ này còn thiếu gì? Bước tiếp theo là gì?")
    panel.get_by_role("button", name="Hỏi trợ lý").click()
    expect(prose).to_contain_text("Hồ sơ đang ở bước «", timeout=30_000)
    expect(panel.get_by_role("link", name=f"Hồ sơ {code} · Thành phần hồ sơ", exact=True).first).to_be_visible()
    panel.scroll_into_view_if_needed()
    screenshot(session.page, "tro-ly-ho-so")
    session.check("Hồ sơ: trợ lý ảo trả lời về thành phần và bước tiếp theo")


def test_a_legal_basis_the_administrator_records_is_what_the_assistant_cites(
    browser: Browser, webapp: str, officers: Callable[..., OfficerSession]
) -> None:
    context, page, errors = new_context(browser, webapp)
    admin = OfficerSession(context, page, webapp, account("admin", MINISTRY_UNIT)["HoVaTen"], errors)
    try:
        page.goto(webapp)
        page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
        page.get_by_role("button", name=vneid_button_name("admin", MINISTRY_UNIT)).click()
        expect(admin.heading()).to_have_text("Quản trị hệ thống", timeout=30_000)
        admin.open("quan-tri/thu-tuc")
        row = page.locator("tbody tr").filter(has=page.locator("th", has_text="1.002076"))
        press(page, row.get_by_role("link", name=re.compile("^Sửa")))
        legal = page.get_by_label("Văn bản quy định thủ tục (mỗi dòng một văn bản)")
        expect(legal).to_have_value("Luật Bảo hiểm xã hội số 41/2024/QH15")
        admin.check("Quản trị: căn cứ pháp lý của thủ tục")
        legal.fill("")
        type_into(page, legal, "Luật Bảo hiểm xã hội số 41/2024/QH15")
        page.keyboard.press("Enter")
        page.keyboard.type("Nghị định số 158/2025/NĐ-CP")
        press(page, page.get_by_role("button", name="Lưu thủ tục"))
        expect(admin.heading()).to_have_text("Thủ tục hành chính")
    finally:
        admin.close()

    session = officers("appraiser")
    session.open("tro-ly")
    panel = session.page.get_by_role("region", name="Trợ lý ảo")
    panel.get_by_role("textbox", name="Câu hỏi").fill("Căn cứ pháp lý của trợ cấp mai táng?")
    panel.get_by_role("button", name="Hỏi trợ lý").click()
    prose = panel.locator(".assistant-prose")
    expect(prose).to_contain_text("Căn cứ pháp lý: Nghị định số 158/2025/NĐ-CP.", timeout=30_000)
    expect(panel.get_by_role("link", name="Danh mục · 1.002076 Giải quyết hưởng trợ cấp mai táng · Căn cứ pháp lý",
                             exact=True)).to_have_count(2)
    session.check("Trợ lý ảo: căn cứ pháp lý vừa ghi")
