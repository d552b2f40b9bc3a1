"""The dossier page in the browser — its result previewed in the page (PDF pages rendered as
images with their text) and downloaded, where it stands on its process diagram, its deadlines
with overdue shown, its sync state per destination — and a leader signing several dossiers in
one go from the worklist, told the outcome of each — both with the keyboard. Every screen is
checked with axe-core, the dossier page on a phone too."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e import backdate
from tests.e2e.conftest import Officer, simulator
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.keyboard import press, tick, type_into

SYNC_WAIT_S = 120


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _dvcqg(sync: dict[str, Any]) -> dict[str, Any]:
    return next(d for d in sync["destinations"] if d["destination"] == "dvcqg")


def awaiting_signature(stack: LocalStack, applicant: str) -> tuple[str, str]:
    """A desk dossier carried (over the API) to the leader's step with its result drafted."""
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    body = {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "ChuHoSo": applicant}
    code = _ok(desk.post("/v1/dossiers", body), 201)["dossier"]["code"]
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    doc_id = _ok(appraiser.post(f"/v1/dossiers/{code}/results", {"content": "Đồng ý."}), 201)["id"]
    _ok(appraiser.act(code, "trinh"))
    _ok(head.act(code, "trinh_lanh_dao"))
    return code, doc_id


def test_preview_diagram_deadlines_and_sync_state_on_the_dossier_page(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    code, _ = awaiting_signature(stack, "Hồ Thị Thanh Xuân")
    # a second dossier, its deadlines two days ago (recorded through the services, audited like any change)
    late = _ok(Officer(stack, "desk", HCMC_UNIT).post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}),
               201)["dossier"]["code"]  # fmt: skip
    past = backdate.overdue(late, HCMC_UNIT)
    leader = officers("leader")
    page = leader.page

    # deadlines: the dossier's and the step's, both overdue, said in words (not by colour alone)
    leader.open(f"ho-so/{late}")
    expect(leader.heading()).to_have_text(f"Hồ sơ {late}")
    state = page.get_by_role("region", name="Tình trạng xử lý")
    expect(state).to_contain_text(f"{past:%d/%m/%Y}")
    expect(state).to_contain_text("(quá hạn)")
    expect(state).to_contain_text("(bước đã quá hạn)")

    leader.open(f"ho-so/{code}")
    expect(leader.heading()).to_have_text(f"Hồ sơ {code}")
    expect(page.get_by_role("region", name="Tình trạng xử lý")).not_to_contain_text("quá hạn")

    # the process diagram of the dossier's version, its current step named in text
    process = page.get_by_role("region", name="Vị trí trên quy trình xử lý")
    expect(process).to_contain_text("Hồ sơ đang ở bước")
    expect(process.locator("figure.process-diagram")).to_be_visible()
    expect(process.locator("figure.process-diagram")).to_contain_text("Hồ sơ đang ở bước")

    leader.check("Hồ sơ: quy trình, hạn xử lý")

    # the result previewed in the page: a PDF page as an image, its text for screen readers
    documents = page.get_by_role("region", name="Tài liệu")
    show = documents.get_by_role("button", name=re.compile("^Xem trước "))
    press(page, show)
    expect(show).to_have_attribute("aria-expanded", "true")
    preview = page.get_by_role("region", name=re.compile("^Xem trước: "))
    expect(preview.get_by_role("heading", level=3)).to_be_focused()
    first = preview.get_by_role("img", name=re.compile(r"^Trang 1\x2f\d+ của "))
    expect(first).to_be_visible()
    assert first.evaluate("(img) => img.complete && img.naturalWidth > 300"), "the page was drawn"
    preview.get_by_text("Văn bản của trang 1").click()
    expect(preview).to_contain_text(code)
    leader.check("Hồ sơ: xem trước văn bản kết quả")
    preview.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    screenshot(page, "ho-so-xem-truoc")

    # the download fallback: the five-minute link, downloaded by the browser
    with page.expect_download() as started:
        preview.get_by_role("button", name="Tải xuống").click()
    assert started.value.suggested_filename.endswith(".pdf")
    press(page, preview.get_by_role("button", name="Đóng xem trước"))
    expect(preview).to_have_count(0)
    expect(show).to_be_focused()

    # on a phone: nothing scrolls sideways but the diagram's own (focusable) scroll region
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the dossier page scrolls sideways on a phone ({overflow}px)"
    leader.check("Hồ sơ trên điện thoại")
    page.set_viewport_size({"width": 1280, "height": 900})

    # sync state per destination, as the API has it once the consumers caught up with every step
    api = Officer(stack, "leader", HCMC_UNIT)
    deadline = time.monotonic() + SYNC_WAIT_S
    while _dvcqg(state := _ok(api.get(f"/v1/dossiers/{code}/sync")))["state"] != "synced":
        assert time.monotonic() < deadline, f"DVCQG never got every step: {state}"
        time.sleep(1)
    sync = page.get_by_role("region", name="Đồng bộ với các hệ thống")
    sync.get_by_role("button", name="Cập nhật tình trạng đồng bộ").click()
    rows = sync.get_by_role("row")
    expect(rows.filter(has_text="Hệ thống điều phối")).to_have_count(1)
    expect(rows.filter(has_text="Hệ thống thông tin giải quyết TTHC cấp tỉnh")).to_have_count(1)
    dvcqg = rows.filter(has_text="Cổng Dịch vụ công quốc gia")
    expect(dvcqg).to_contain_text("Đã đồng bộ đủ")
    expect(dvcqg).to_contain_text(f"{state['seq']}/{state['seq']}")
    leader.check("Hồ sơ: đồng bộ")


def test_a_leader_signs_several_dossiers_in_one_go(
    stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]
) -> None:
    first, second, signed_before = (awaiting_signature(stack, name)
                                    for name in ("Vũ Văn Hùng", "Đặng Thị Mỹ Linh", "Lý Quốc Bảo"))  # fmt: skip
    leader_api = Officer(stack, "leader", HCMC_UNIT)
    _ok(leader_api.post(f"/v1/dossiers/{signed_before[0]}/documents/{signed_before[1]}/sign", {}))

    leader = officers("leader")
    page = leader.page
    page.get_by_role("link", name="Ký số nhiều hồ sơ chờ ký").click()
    batch = page.get_by_role("region", name="Ký số nhiều hồ sơ")
    for code, _ in (first, second, signed_before):
        expect(batch.get_by_role("link", name=code)).to_be_visible()
    # what the leader already signed is marked, not offered again
    expect(batch.get_by_role("row").filter(has_text=signed_before[0])).to_contain_text("Bạn đã ký")
    expect(batch.get_by_label(f"Chọn hồ sơ {signed_before[0]}")).to_have_count(0)
    leader.check("Ký số nhiều hồ sơ")
    # with the keyboard alone: tick, type the reason, sign — the signer declines the first one
    requests.post(f"{simulator(stack, 'esign')}/_sim/mode", json={"decline_next": 1}, timeout=5).raise_for_status()
    for code, _ in (first, second):
        tick(page, batch.get_by_label(f"Chọn hồ sơ {code}"))
    type_into(page, batch.get_by_label("Lý do ký (không bắt buộc)"), "Phê duyệt kết quả giải quyết")
    press(page, batch.get_by_role("button", name="Ký số 2 hồ sơ đã chọn"))

    outcome = batch.get_by_role("heading", name="Kết quả ký số: 1 hồ sơ đã ký, 1 hồ sơ không ký được")
    expect(outcome).to_be_focused()
    signed = {code for code, _ in (first, second) if any(
        d["signers"] for d in _ok(leader_api.get(f"/v1/dossiers/{code}"))["dossier"]["documents"])}
    [ok_code] = signed  # the signer declined whichever came first
    [declined] = {first[0], second[0]} - signed
    results = batch.get_by_role("listitem")
    expect(results.filter(has_text=ok_code)).to_contain_text("Đã ký số thành công.")
    expect(results.filter(has_text=declined)).to_contain_text("Không ký được — ")
    expect(page.get_by_role("status").filter(has_text="Ký số hàng loạt")).to_contain_text("1 hồ sơ đã ký")
    # the signed one is marked signed; the one that failed stays selected
    expect(batch.get_by_label(f"Chọn hồ sơ {ok_code}")).to_have_count(0)
    expect(batch.get_by_role("row").filter(has_text=ok_code)).to_contain_text("Bạn đã ký")
    expect(batch.get_by_label(f"Chọn hồ sơ {declined}")).to_be_checked()
    leader.check("Ký số nhiều hồ sơ: kết quả")
    screenshot(page, "ky-so-nhieu-ho-so")
    press(page, batch.get_by_role("button", name="Ký số 1 hồ sơ đã chọn"))
    expect(batch.get_by_role("heading", name="Kết quả ký số: 1 hồ sơ đã ký, 0 hồ sơ không ký được")).to_be_focused()

    for code, _ in (first, second):
        events = _ok(leader_api.get(f"/v1/dossiers/{code}"))["events"]
        assert [e["note"] for e in events if e["action"] == "sign_result"] == ["Phê duyệt kết quả giải quyết"]
