"""Reports in the browser (FR-23…25, 27): a leader opens the dashboard (figures of this month and
of twelve months, two charts each with its data table), builds a report grouped by procedure for a
custom period, meets a period typed wrong, exports it to Excel and opens the file, and saves,
applies and deletes a report template. The figures on screen are the API's; every screen is
checked with axe-core."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import requests
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.keyboard import press, type_into

TEMPLATE = "Báo cáo quý theo thủ tục (thử nghiệm)"


def unit_report(leader: Officer, month: str, **query: Any) -> dict[str, Any]:
    answer = leader.post(f"/v1/units/{HCMC_UNIT}/reports", {"period_from": month, "period_to": month, **query})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def test_a_leader_reads_the_dashboard_builds_exports_and_saves_a_report(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    month = dt.datetime.now(VN_TZ).strftime("%Y-%m")
    shown_month = f"{month[5:]}/{month[:4]}"
    desk, api_leader = Officer(stack, "desk", HCMC_UNIT), Officer(stack, "leader", HCMC_UNIT)
    before = unit_report(api_leader, month)["total"]
    codes = []
    for _ in range(2):
        created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
        assert created.status_code == 201, created.text
        codes.append(created.json()["dossier"]["code"])
    assert desk.act(codes[1], "rut_ho_so", reason="Công dân đề nghị rút hồ sơ").status_code == 200
    now = unit_report(api_leader, month)["total"]
    assert (now["total"], now["withdrawn"]) == (before["total"] + 2, before["withdrawn"] + 1)

    leader = officers("leader")
    page = leader.page
    press(page, page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Báo cáo, thống kê"))
    expect(leader.heading()).to_have_text("Báo cáo, thống kê")
    this_month = page.get_by_role("region", name=f"Tháng {shown_month}")
    expect(this_month.get_by_role("listitem").filter(has_text="Hồ sơ nộp trong tháng")).to_contain_text(
        number(now["total"]))
    expect(this_month.get_by_role("listitem").filter(has_text="Đang giải quyết")).to_contain_text(
        number(now["in_progress"]))
    counters = api_leader.get(f"/v1/units/{HCMC_UNIT}/counters").json()
    expect(this_month.get_by_role("link", name="Đang xử lý đã quá hạn (hiện tại)")).to_contain_text(
        number(counters["overdue_in_process"]))
    chart = page.get_by_role("img", name="Kết quả giải quyết theo tháng: trước hạn, đúng hạn, quá hạn")
    expect(chart).to_be_visible()
    leader.check("Báo cáo: tổng quan")
    screenshot(page, "reports-dashboard")
    press(page, page.get_by_text("Xem số liệu dạng bảng: Hồ sơ nộp, đã giải quyết và đang giải quyết theo tháng"))
    table = page.get_by_role("table", name="Hồ sơ nộp, đã giải quyết và đang giải quyết theo tháng")
    expect(table.get_by_role("row", name=shown_month)).to_contain_text(number(now["total"]))
    leader.check("Báo cáo: tổng quan, bảng số liệu của biểu đồ")

    press(page, page.get_by_role("link", name="Lập báo cáo chi tiết, kết xuất"))
    expect(leader.heading()).to_have_text("Lập báo cáo, thống kê")
    page.get_by_label("Kỳ báo cáo").select_option("custom")
    page.get_by_label("Nhóm theo").select_option("procedure")
    from_month = page.get_by_role("textbox", name="Từ tháng", exact=True)
    from_month.fill("")
    type_into(page, from_month, "13/2026")
    press(page, page.get_by_role("button", name="Xem báo cáo"))
    expect(from_month).to_be_focused()
    expect(from_month).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#report-from-error")).to_contain_text("Từ tháng phải theo định dạng MM/YYYY")
    leader.check("Lập báo cáo: lỗi kỳ báo cáo")
    from_month.fill(shown_month)
    page.get_by_role("textbox", name="Đến tháng", exact=True).fill(shown_month)
    press(page, page.get_by_role("button", name="Xem báo cáo"))
    expect(page).to_have_url(re.compile(r".*ky=custom.*nhom=procedure"))
    by_procedure = unit_report(api_leader, month, group="procedure")
    result = page.get_by_role("table", name=f"Báo cáo tình hình giải quyết thủ tục hành chính tháng {shown_month}",
                              exact=False)
    total_row = result.get_by_role("row", name="Tổng cộng")
    expect(total_row).to_contain_text(number(by_procedure["total"]["total"]))
    for row in by_procedure["rows"]:
        # the row whose first cell is the label (other procedures' names may contain it)
        named = re.compile(rf"^{re.escape(row['label'])} \d")
        expect(result.get_by_role("row", name=named)).to_contain_text(number(row["figures"]["total"]))
    expect(page.get_by_role("img", name="Kết quả giải quyết theo thủ tục")).to_be_visible()
    leader.check("Lập báo cáo: kết quả theo thủ tục")
    screenshot(page, "reports-builder")

    press(page, page.get_by_role("button", name="Tải Bảng tính Excel (.xlsx)"))
    link = page.get_by_role("status").get_by_role("link", name=".xlsx", exact=False)
    expect(link).to_be_visible()
    content = requests.get(str(link.get_attribute("href")), timeout=30)
    assert content.status_code == 200
    sheet = load_workbook(io.BytesIO(content.content)).active
    totals = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Tổng cộng")
    assert totals[1] == by_procedure["total"]["total"] and totals[10] == by_procedure["total"]["withdrawn"]
    leader.check("Lập báo cáo: tệp kết xuất sẵn sàng")

    type_into(page, page.get_by_label("Tên mẫu mới (lưu tiêu chí đang xem)"), TEMPLATE)
    press(page, page.get_by_role("button", name="Lưu thành mẫu"))
    templates = page.get_by_role("region", name="Mẫu báo cáo của tôi")
    saved = templates.get_by_role("link", name=TEMPLATE)
    expect(saved).to_be_visible()
    press(page, page.get_by_role("link", name="Đặt lại tiêu chí"))
    expect(page.get_by_label("Nhóm theo")).to_have_value("none")
    press(page, saved)
    expect(page.get_by_label("Nhóm theo")).to_have_value("procedure")
    expect(page.get_by_role("button", name=f"Cập nhật mẫu “{TEMPLATE}”")).to_be_visible()
    expect(result.get_by_role("row", name="Tổng cộng")).to_contain_text(number(by_procedure["total"]["total"]))
    leader.check("Lập báo cáo: mẫu đã lưu được áp dụng")
    page.get_by_role("heading", name="Kết quả").evaluate("(el) => el.scrollIntoView({block: 'start'})")
    screenshot(page, "reports-templates")
    press(page, templates.get_by_role("button", name=f"Xóa mẫu {TEMPLATE}"))
    expect(templates.get_by_text("Bạn chưa lưu mẫu báo cáo nào.")).to_be_visible()
    assert api_leader.get("/v1/me/report-templates").json()["items"] == []
