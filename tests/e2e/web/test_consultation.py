"""Consultation between units in the browser (issue 17 item 1): TP.HCM's appraiser asks Hà Nội's unit
from the dossier page — the unit ticked, the question, the deadline in working days and the one
document Hà Nội may see —; Hà Nội's appraiser finds the request under "Xin ý kiến" on "Việc cần làm",
sees the shared document and not the other, and answers with a file (the letter is signed); the
appraiser reads the opinion on the dossier page and continues. Every screen is checked with axe-core."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable

from playwright.sync_api import Page, expect

from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.e2e.conftest import Officer, post_signed
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.flow_attachments import attach, pdf_file

HANOI_NAME = "Sở Khoa học và Công nghệ thành phố Hà Nội"
QUESTION = "Đề nghị Sở cho ý kiến về giấy chứng sinh kèm theo hồ sơ."
OPINION = "Giấy chứng sinh hợp lệ, đề nghị tiếp tục giải quyết."
KEPT = "tai-lieu-noi-bo.pdf"


def _at_appraisal(stack: LocalStack) -> str:
    body = build_dossier(overrides={"MaDonViTiepNhan": HCMC_UNIT})
    body["TaiLieuNop"].append({"TepDinhKemId": str(uuid.uuid4()), "TenTepDinhKem": KEPT, "MaThanhPhanHoSo": "TK",
                               "NoiDungBase64": base64.b64encode(pdf_file(KEPT, "noi bo")["buffer"]).decode()})
    posted = post_signed(stack.api_url, body)
    assert posted.status_code == 201, posted.text
    code = str(posted.json()["MaHoSo"])
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    for officer, action, fields in ((desk, "tiep_nhan", {}), (desk, "chuyen_phong", {}),
                                    (head, "phan_cong", {"assignee": appraiser.sub})):
        assert officer.act(code, action, **fields).status_code == 200, action
    return code


def test_a_consultation_is_asked_answered_by_the_consulted_unit_and_the_dossier_continues(
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
    dialog.get_by_role("button", name="Xác nhận").click()  # nothing chosen: said, the focus on the units
    expect(dialog).to_contain_text("Vui lòng chọn đơn vị được xin ý kiến.")
    expect(dialog).to_contain_text("Vui lòng nhập nội dung xin ý kiến.")
    units = dialog.get_by_role("group", name="Đơn vị được xin ý kiến")
    expect(units.get_by_role("checkbox").first).to_be_focused()
    units.get_by_role("checkbox", name=HANOI_NAME).check()
    documents = dialog.get_by_role("group", name="Tài liệu đơn vị được xem")
    documents.get_by_role("checkbox", name=shared).check()
    expect(documents.get_by_role("checkbox", name=KEPT)).not_to_be_checked()
    dialog.get_by_label("Thời hạn trả lời (ngày làm việc)").fill("2")
    dialog.get_by_label("Nội dung xin ý kiến").fill(QUESTION)
    appraiser.check("Hồ sơ: xin ý kiến đơn vị liên quan")
    screenshot(page, "ho-so-xin-y-kien")
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog).to_be_hidden()
    asked = page.get_by_role("region", name="Xin ý kiến", exact=True)
    expect(asked).to_contain_text(HANOI_NAME)
    expect(asked).to_contain_text("Chờ trả lời")
    expect(asked).to_contain_text(f"Tài liệu chia sẻ: {shared}")
    # continuing before the answer (and before the deadline) is refused with the reason
    page.get_by_role("button", name="Tiếp tục xử lý (đủ ý kiến hoặc quá hạn trả lời)").click()
    resume = page.get_by_role("dialog", name="Tiếp tục xử lý (đủ ý kiến hoặc quá hạn trả lời)")
    resume.get_by_role("button", name="Xác nhận").click()
    expect(resume.get_by_role("alert")).to_contain_text("còn chờ ý kiến")
    resume.get_by_role("button", name="Hủy").click()

    hanoi = officers("appraiser", HANOI_UNIT)
    inbox = hanoi.page.get_by_role("region", name="Xin ý kiến: chờ đơn vị trả lời")
    expect(inbox).to_contain_text(QUESTION, timeout=30_000)
    hanoi.check("Việc cần làm: xin ý kiến chờ trả lời")
    inbox.get_by_role("link", name=f"Hồ sơ {code}").click()
    expect(hanoi.heading()).to_have_text(f"Xin ý kiến về hồ sơ {code}", timeout=30_000)
    shown = hanoi.page.get_by_role("region", name="Tài liệu được chia sẻ")
    expect(shown).to_contain_text(shared)
    expect(shown).not_to_contain_text(KEPT)
    expect(hanoi.page.locator("main")).not_to_contain_text("Nguyễn")  # nothing of the applicant
    answer = hanoi.page.get_by_role("region", name="Ý kiến của đơn vị")
    answer.get_by_role("button", name="Ký số và gửi ý kiến").click()
    expect(answer).to_contain_text("Vui lòng nhập nội dung ý kiến.")
    expect(answer.get_by_label("Nội dung ý kiến")).to_be_focused()
    answer.get_by_label("Nội dung ý kiến").fill(OPINION)
    attach(answer, "Tệp kèm ý kiến (nếu có)", [pdf_file("phu-luc-y-kien.pdf", "phu luc")])
    hanoi.check("Xin ý kiến: trả lời")
    screenshot(hanoi.page, "xin-y-kien-tra-loi")
    answer.get_by_role("button", name="Ký số và gửi ý kiến").click()
    expect(answer).to_contain_text("đã trả lời lúc", timeout=60_000)
    expect(answer).to_contain_text(OPINION)
    hanoi.open("")
    expect(hanoi.page.get_by_role("region", name="Xin ý kiến: chờ đơn vị trả lời")).not_to_contain_text(code)

    appraiser.open(f"ho-so/{code}")
    asked = page.get_by_role("region", name="Xin ý kiến", exact=True)
    expect(asked).to_contain_text(OPINION, timeout=30_000)
    expect(asked).to_contain_text("Văn bản ý kiến đã ký số")
    expect(asked).to_contain_text("phu-luc-y-kien.pdf")
    expect(page.get_by_role("region", name="Nhật ký xử lý")).to_contain_text(f"Ý kiến tham gia của {HANOI_NAME}")
    appraiser.check("Hồ sơ: ý kiến đã nhận")
    page.get_by_role("button", name="Tiếp tục xử lý (đủ ý kiến hoặc quá hạn trả lời)").click()
    resume = page.get_by_role("dialog", name="Tiếp tục xử lý (đủ ý kiến hoặc quá hạn trả lời)")
    resume.get_by_role("button", name="Xác nhận").click()
    expect(resume).to_be_hidden()
    expect(page.get_by_role("button", name="Trình lãnh đạo phòng")).to_be_visible()
    stored = Officer(stack, "appraiser", HCMC_UNIT).get(f"/v1/dossiers/{code}").json()["dossier"]
    assert stored["step_id"] == "tham_dinh" and stored["consultations"][0]["opinion"] == OPINION
