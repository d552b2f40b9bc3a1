"""DVCQG's later messages in the web app (issue 17 item 3): the desk sees, on "Việc cần làm", the
citizen's withdrawal request and the supplement sent on DVCQG; the dossier page shows the
supplement's files as sent on DVCQG and the pending request, which the desk refuses with a reason
(a reason is required) and — for the next request — confirms, withdrawing the dossier."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import expect

from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator
from tests.e2e.web.conftest import OfficerSession


def _send(stack: LocalStack, kind: str, ref: str, status: int = 201, **options: Any) -> dict[str, Any]:
    answer = requests.post(f"{simulator(stack, 'dvcqg')}/_sim/send/{kind}/{ref}", json=options, timeout=60).json()
    assert answer["status"] == status, answer
    return dict(answer)


def _supplemented_with_a_withdrawal_request(stack: LocalStack) -> tuple[str, str]:
    posted = requests.post(f"{simulator(stack, 'dvcqg')}/_sim/post-dossier", json={"MaDonViTiepNhan": HCMC_UNIT},
                           timeout=60).json()
    assert posted["status"] == 201, posted
    code, ref = posted["body"]["MaHoSo"], posted["MaHoSoDVCQG"]
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    for officer, action, fields in ((desk, "tiep_nhan", {}), (desk, "chuyen_phong", {}),
                                    (head, "phan_cong", {"assignee": appraiser.sub}),
                                    (appraiser, "yeu_cau_bo_sung", {"reason": "Bổ sung bản sao giấy chứng sinh"})):
        assert officer.act(code, action, **fields).status_code == 200, action
    _send(stack, "supplement", ref)
    _send(stack, "withdrawal", ref)
    return code, ref


def test_the_desk_sees_dvcqg_requests_and_decides_a_withdrawal(
        stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[..., None]) -> None:
    code, ref = _supplemented_with_a_withdrawal_request(stack)
    officer = officers("desk")
    page = officer.page
    officer.open()
    inbox = page.get_by_role("region", name="Yêu cầu từ Cổng DVCQG")
    expect(inbox.get_by_role("list", name=re.compile("^Yêu cầu rút hồ sơ chờ xác nhận")).get_by_role(
        "link", name=code)).to_be_visible()
    expect(inbox.get_by_role("list", name=re.compile("^Đã bổ sung trên Cổng DVCQG")).get_by_role(
        "link", name=code)).to_be_visible()
    officer.check("Việc cần làm: yêu cầu từ Cổng DVCQG")

    inbox.get_by_role("list", name=re.compile("^Yêu cầu rút hồ sơ")).get_by_role("link", name=code).click()
    expect(officer.heading()).to_have_text(f"Hồ sơ {code}")
    documents = page.get_by_role("region", name="Tài liệu")
    expect(documents.get_by_text("Nộp bổ sung trên Cổng DVCQG")).to_have_count(1)
    expect(page.get_by_role("region", name="Yêu cầu bổ sung")).to_contain_text(
        "Công dân đã nộp hồ sơ bổ sung trên Cổng DVCQG")
    panel = page.get_by_role("region", name="Yêu cầu rút hồ sơ từ Cổng DVCQG")
    expect(panel).to_contain_text("Tôi đã nộp nhầm thủ tục, xin rút hồ sơ.")
    expect(panel).to_contain_text("Chờ xác nhận")
    officer.check("Hồ sơ: yêu cầu rút hồ sơ chờ xác nhận")

    panel.get_by_role("button", name="Từ chối yêu cầu rút").click()
    reason = panel.get_by_label("Lý do từ chối yêu cầu rút hồ sơ")
    expect(reason).to_be_focused()
    expect(panel).to_contain_text("Vui lòng nhập lý do từ chối.")
    officer.check("Hồ sơ: từ chối yêu cầu rút thiếu lý do")
    reason.fill("Hồ sơ đang được thẩm định, đề nghị liên hệ Bộ phận Một cửa")
    panel.get_by_role("button", name="Từ chối yêu cầu rút").click()
    expect(panel).to_contain_text("Đã từ chối")
    expect(panel).to_contain_text("lý do từ chối: Hồ sơ đang được thẩm định")
    expect(panel.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Đã từ chối yêu cầu rút hồ sơ")).to_be_visible()

    _send(stack, "withdrawal", ref)
    officer.open(f"ho-so/{code}")
    panel = page.get_by_role("region", name="Yêu cầu rút hồ sơ từ Cổng DVCQG")
    panel.get_by_role("button", name="Xác nhận rút hồ sơ").click()
    expect(panel).to_contain_text("Đã xác nhận rút")
    expect(page.locator(".lead .badge")).to_have_text("Công dân yêu cầu rút hồ sơ")
    officer.check("Hồ sơ: đã xác nhận rút hồ sơ")
    screenshot(page, "ho-so-yeu-cau-rut-tu-dvcqg")
