"""The admin screen's "Toàn vẹn" section in the browser: the ministry's administrator verifies an anchored
day — the verdict, what was checked, the dossiers of the day, the printable report — and, after someone
edits an anchored event in the table, sees the change named; on "Truy cập dữ liệu cá nhân" they verify
the person's access-log chain. Each state checked with axe."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from playwright.sync_api import Page, expect

from chalicelib.domain.calendar import VN_TZ
from chalicelib.integrity import anchor
from chalicelib.integrity.canonical import GENESIS, link
from chalicelib.integrity.index import day_item
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import EventItem
from local.simulators.accounts import MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.keyboard import press, type_into
from tests.e2e.web.test_admin import admin_nav, admins  # noqa: F401 — the administrators' fixture


def _anchored_day() -> tuple[str, str]:
    """A dossier chain written on a day of its own in the past (no other test's day), anchored."""
    # from 2001-01-02: 2001-01-01 is the poison-message test's day
    at = dt.datetime(2001, 1, 2, 9, tzinfo=VN_TZ) + dt.timedelta(days=secrets.randbelow(7000))
    code = f"E2E-TOAN-VEN-{secrets.token_hex(4)}"
    data = link(dossier_pk(code), {"seq": 1, "at": at.isoformat(), "action": "tiep_nhan", "note": "Tiếp nhận"}, GENESIS)
    EventItem(pk=dossier_pk(code), sk="EVENT#000001", data=data).save()
    day_item(dossier_pk(code), at, 1, data["hash"]).save()
    day = at.date().isoformat()
    anchor.run(day)
    return code, day


def _verify(session: OfficerSession, day: str) -> Page:
    page = session.page
    press(page, admin_nav(page).get_by_role("link", name="Toàn vẹn"))
    expect(session.heading()).to_have_text("Kiểm tra tính toàn vẹn nhật ký")
    page.get_by_label("Ngày cần kiểm tra").fill(day)
    press(page, page.get_by_role("button", name="Kiểm tra ngày"))
    return page


def test_an_administrator_verifies_an_anchored_day_and_a_persons_access_log(
        stack: LocalStack, admins: Callable[[str, str], OfficerSession],  # noqa: F811
        screenshot: Callable[[Page, str], None]) -> None:
    code, day = _anchored_day()
    ministry = admins("admin", MINISTRY_UNIT)
    page = _verify(ministry, day)
    result = page.get_by_role("region", name=f"Kết quả kiểm tra ngày {day}")
    expect(result.locator("p[aria-live]")).to_contain_text("Nguyên vẹn.", timeout=30_000)
    expect(result).to_contain_text("gốc tính lại trùng gốc đã neo")
    expect(result.get_by_role("table")).to_contain_text(code)
    press(page, result.get_by_role("button", name="Tạo biên bản kiểm tra (PDF)"))
    expect(result.get_by_role("link", name=f"Tải Kiểm tra toàn vẹn — ngày {day}.pdf")).to_be_visible(timeout=30_000)
    ministry.check("Quản trị: toàn vẹn — ngày nguyên vẹn")
    screenshot(page, "admin-toan-ven-ngay")

    event = EventItem.get(dossier_pk(code), "EVENT#000001", consistent_read=True)
    event.data = {**event.data, "note": "Sửa thẳng trong bảng"}
    event.save()
    press(page, page.get_by_role("button", name="Kiểm tra ngày"))
    result = page.get_by_role("region", name=f"Kết quả kiểm tra ngày {day}")
    expect(result.locator("p[aria-live]")).to_contain_text("Phát hiện thay đổi.", timeout=30_000)
    expect(result.get_by_role("list", name="Các sai lệch phát hiện được")).to_contain_text("LEAF_EVENT_ALTERED")
    ministry.check("Quản trị: toàn vẹn — ngày bị thay đổi")

    number = "079190" + f"{secrets.randbelow(10**6 - 1) + 1:06d}"
    press(page, admin_nav(page).get_by_role("link", name="Truy cập dữ liệu cá nhân"))
    type_into(page, page.get_by_label("Số định danh cá nhân hoặc mã số doanh nghiệp"), number)
    press(page, page.get_by_role("button", name="Tra cứu"))
    section = page.get_by_role("region", name="Toàn vẹn nhật ký truy cập của người này")
    press(page, section.get_by_role("button", name="Kiểm tra toàn vẹn"))
    expect(section.locator("p[aria-live]")).to_contain_text("Nguyên vẹn.", timeout=30_000)
    expect(section).to_contain_text("2 sự kiện")  # the search and this check, each recorded first
    ministry.check("Quản trị: toàn vẹn nhật ký truy cập của một người")
