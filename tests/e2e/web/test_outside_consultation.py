"""Consulting an outside agency in the browser (issue 17 item 1, SPEC §7.7), on the local stack: TP.HCM's
appraiser asks social insurance — another ministry's system, offered "qua Hệ thống điều phối" — from
the dossier page with one shared document; the request reaches the coordinator simulator through the
outbox and the agency-tasks queue; the simulator answers over HTTP; the appraiser sees the agency's
opinion and its file on the dossier page and continues. Every screen is checked with axe-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from local.simulators.accounts import HCMC_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator
from tests.e2e.test_lien_thong import _until
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.test_consultation import KEPT, _at_appraisal

AGENCY = "Cơ quan Bảo hiểm xã hội"
QUESTION = "Đề nghị cơ quan Bảo hiểm xã hội cho ý kiến về việc cấp thẻ BHYT."
OPINION = "Bảo hiểm xã hội thống nhất, không có ý kiến khác."


def _asked(stack: LocalStack, code: str) -> dict[str, Any] | None:
    records = requests.get(f"{simulator(stack, 'coordinator')}/_sim/records", timeout=10).json()["consultations"]
    return next((c for c in records if c["MaHoSo"] == code), None)


def test_an_outside_agency_is_asked_through_the_coordinator_and_its_opinion_shown(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    code = _at_appraisal(stack)
    shared = build_dossier()["TaiLieuNop"][0]["TenTepDinhKem"]

    appraiser = officers("appraiser")
    page = appraiser.page
    appraiser.open(f"ho-so/{code}")
    expect(appraiser.heading()).to_have_text(f"Hồ sơ {code}", timeout=30_000)
    page.get_by_role("button", name="Xin ý kiến đơn vị liên quan").click()
    dialog = page.get_by_role("dialog", name="Xin ý kiến đơn vị liên quan")
    units = dialog.get_by_role("group", name="Đơn vị được xin ý kiến")
    units.get_by_role("checkbox", name=f"{AGENCY} (qua Hệ thống điều phối)").check()
    dialog.get_by_role("group", name="Tài liệu đơn vị được xem").get_by_role("checkbox", name=shared).check()
    dialog.get_by_label("Thời hạn trả lời (ngày làm việc)").fill("3")
    dialog.get_by_label("Nội dung xin ý kiến").fill(QUESTION)
    appraiser.check("Hồ sơ: xin ý kiến cơ quan ngoài hoso")
    screenshot(page, "ho-so-xin-y-kien-co-quan-ngoai")
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog).to_be_hidden()
    asked = page.get_by_role("region", name="Xin ý kiến", exact=True)
    expect(asked).to_contain_text(AGENCY)
    expect(asked).to_contain_text("Cơ quan ngoài hoso, qua Hệ thống điều phối")

    request = _until("the request at the coordinator", lambda: _asked(stack, code))["request"]
    assert request["NoiDung"] == QUESTION and [d["TenTep"] for d in request["TaiLieu"]] == [shared]
    assert KEPT not in str(request) and "HoSo" not in request
    page.reload()
    expect(page.get_by_role("region", name="Xin ý kiến", exact=True)).to_contain_text(
        "Đã chuyển đến Hệ thống điều phối", timeout=30_000)

    answered = requests.post(f"{simulator(stack, 'coordinator')}/_sim/consultations/answer/{code}",
                             json={"YKien": OPINION}, timeout=30)  # fmt: skip
    assert answered.status_code == 200 and answered.json()["result"]["status"] == 200, answered.text

    page.reload()
    asked = page.get_by_role("region", name="Xin ý kiến", exact=True)
    expect(asked).to_contain_text(OPINION, timeout=30_000)
    expect(asked).to_contain_text("van-ban-y-kien.pdf")
    expect(page.get_by_role("region", name="Nhật ký xử lý")).to_contain_text(f"Ý kiến tham gia của {AGENCY}")
    appraiser.check("Hồ sơ: ý kiến của cơ quan ngoài hoso")
    page.get_by_role("button", name="Tiếp tục xử lý (đủ ý kiến hoặc quá hạn trả lời)").click()
    resume = page.get_by_role("dialog", name="Tiếp tục xử lý (đủ ý kiến hoặc quá hạn trả lời)")
    resume.get_by_role("button", name="Xác nhận").click()
    expect(resume).to_be_hidden()
    expect(page.get_by_role("button", name="Trình lãnh đạo phòng")).to_be_visible()
    stored = Officer(stack, "appraiser", HCMC_UNIT).get(f"/v1/dossiers/{code}").json()["dossier"]
    assert stored["step_id"] == "tham_dinh" and stored["consultations"][0]["opinion"] == OPINION
