"""The dossier page's "Nhật ký toàn vẹn" panel: an untouched history says it holds; after someone
edits an event directly in the table, the panel names the change. Both states checked with axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import EventItem
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer
from tests.e2e.web.conftest import OfficerSession


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_the_integrity_panel_says_whether_the_history_holds(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    code = _ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)["dossier"]["code"]
    _ok(desk.act(code, "chuyen_phong"))
    session = officers("desk")
    session.open(f"ho-so/{code}")
    expect(session.heading()).to_have_text(f"Hồ sơ {code}", timeout=30_000)
    panel = session.page.get_by_role("region", name="Nhật ký toàn vẹn")
    expect(panel.locator("p[aria-live]")).to_contain_text("Nguyên vẹn.", timeout=30_000)
    expect(panel).to_contain_text("2 sự kiện")
    expect(panel).to_contain_text("Ngày neo gần nhất")
    session.check("Hồ sơ: nhật ký toàn vẹn")
    panel.scroll_into_view_if_needed()
    screenshot(session.page, "ho-so-nhat-ky-toan-ven")

    event = EventItem.get(dossier_pk(code), "EVENT#000002", consistent_read=True)
    event.data = {**event.data, "note": "Sửa thẳng trong bảng"}
    event.save()
    session.open(f"ho-so/{code}")
    expect(session.heading()).to_have_text(f"Hồ sơ {code}", timeout=30_000)
    panel = session.page.get_by_role("region", name="Nhật ký toàn vẹn")
    expect(panel.locator("p[aria-live]")).to_contain_text("Phát hiện thay đổi.", timeout=30_000)
    expect(panel.get_by_role("list", name="Các sai lệch phát hiện được")).to_contain_text(
        "EVENT_ALTERED Sự kiện số 2 đã bị sửa")
    session.check("Hồ sơ: nhật ký bị thay đổi")
