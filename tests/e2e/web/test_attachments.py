"""Attachments in the browser (issue 12 item 5): at desk intake per component (original or copy,
the checklist ticked), dropped or picked, with upload progress, the browser's and the server's
checks, a preview and removal before submitting; at supplement receipt and with an appraisal
opinion, in the action dialog. Every state is checked with axe-core."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.flow_attachments import (
    FilePayload,
    act_with_files,
    attach_at_intake,
    component,
    digitise_scan,
    drop,
    file_item,
    pdf_file,
    png_file,
    receive_supplement_with_files,
    reuse_from_edata_at_intake,
)
from tests.e2e.web.test_fees import _handed_to_its_specialised_software

PROCEDURE = "1.000105"  # no eForm: the desk enters the applicant, then the checklist
APPLICATION, REPORT, CERTIFICATE = ("Đơn đề nghị cấp giấy phép", "Báo cáo đánh giá an toàn",
                                    "Chứng chỉ nhân viên bức xạ của người phụ trách an toàn")


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _throttled_upload(page: Page, bytes_per_s: int) -> Any:
    """Slow the browser's uploads down (DevTools network emulation) so progress can be seen."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": bytes_per_s})
    return cdp


def test_desk_intake_with_a_checklist_of_scans_checked_before_and_after_upload(
        stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]) -> None:
    desk = officers("desk")
    page = desk.page
    desk.open(f"tiep-nhan/{PROCEDURE}")
    expect(desk.heading()).to_contain_text("Tiếp nhận hồ sơ: Cấp giấy phép")
    page.get_by_label("Doanh nghiệp", exact=True).check()
    page.locator("#f-ChuHoSo").fill("Công ty TNHH Phòng khám Đa khoa Bến Thành")
    page.locator("#f-SoGiayToChuHoSo").fill("0301234562")
    checklist = page.get_by_role("region", name="Thành phần hồ sơ cần kiểm tra")
    tally = checklist.get_by_role("status").filter(has_text="thành phần bắt buộc")
    expect(tally).to_contain_text("Đã nhận 0/3 thành phần bắt buộc; còn thiếu")
    desk.check("Tiếp nhận: danh mục thành phần hồ sơ")

    # The browser refuses a program renamed .pdf before uploading anything.
    report = component(page, REPORT)
    report.get_by_label(f"Tệp scan: {REPORT}", exact=True).set_input_files(
        {"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 60})
    expect(file_item(report, "bao-cao.pdf")).to_contain_text("không đúng định dạng cho phép")
    # A .docx that is no Office document passes the browser's look at its first bytes; the server's
    # check of the whole content rejects it.
    report.get_by_label(f"Tệp scan: {REPORT}", exact=True).set_input_files(
        {"name": "bao-cao.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 not a zip at all"})
    expect(file_item(report, "bao-cao.docx")).to_contain_text("Máy chủ từ chối tệp", timeout=60_000)
    expect(report.get_by_label("Đã nhận", exact=True)).not_to_be_checked()
    desk.check("Tiếp nhận: tệp bị từ chối")
    screenshot(page, "tiep-nhan-tep-bi-tu-choi")
    for name in ("bao-cao.pdf", "bao-cao.docx"):
        file_item(report, name).get_by_role("button", name=re.compile("^Bỏ tệp")).click()
    expect(report.get_by_role("listitem")).to_have_count(0)

    # Dropped on the zone: the scan of the safety report, then its preview.
    scan = png_file("bao-cao-an-toan.png", "Bao cao danh gia an toan")
    drop(page, report.get_by_test_id(re.compile("-zone$")), [scan])
    expect(report.get_by_label("Đã nhận", exact=True)).to_be_checked()
    expect(file_item(report, scan["name"])).to_contain_text("Đã kiểm tra: PNG")
    file_item(report, scan["name"]).get_by_role("button", name=re.compile("^Xem trước")).click()
    expect(report.get_by_role("img", name=scan["name"])).to_be_visible()
    desk.check("Tiếp nhận: xem trước tệp đính kèm")

    # A bigger file over a slow line: its progress is shown while it goes up.
    cdp = _throttled_upload(page, 256 * 1024)
    big = pdf_file("don-de-nghi.pdf", "x" * 1_500_000)
    application = component(page, APPLICATION)
    application.get_by_label("Bản chính", exact=True).check()
    application.get_by_label(f"Tệp scan: {APPLICATION}", exact=True).set_input_files(big)
    progress = application.get_by_role("progressbar", name="Tiến độ tải lên don-de-nghi.pdf")
    expect(progress).to_be_visible()
    expect(file_item(application, big["name"])).to_contain_text(re.compile(r"Đang tải lên [1-9]\d?%"))
    desk.check("Tiếp nhận: đang tải tệp lên")
    screenshot(page, "tiep-nhan-dang-tai-len")
    expect(file_item(application, big["name"])).to_contain_text("Đã kiểm tra: PDF", timeout=60_000)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    attach_at_intake(page, {CERTIFICATE: (None, "Bản sao")})  # the paper only
    expect(tally).to_contain_text("Đã nhận 3/3 thành phần bắt buộc — đủ thành phần")
    report.get_by_role("button", name="Đóng xem trước").click()
    expect(file_item(report, scan["name"]).get_by_role("button", name=re.compile("^Xem trước"))).to_be_focused()
    desk.check("Tiếp nhận: đủ thành phần hồ sơ")
    checklist.evaluate("(el) => el.scrollIntoView()")
    screenshot(page, "tiep-nhan-dinh-kem")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing runs off the side
    assert checklist.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    desk.check("Tiếp nhận: danh mục thành phần hồ sơ, màn hình điện thoại")
    screenshot(page, "tiep-nhan-dinh-kem-dien-thoai")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(desk.heading()).to_have_text(re.compile(r"^Hồ sơ 000\.00\.13\.H29-\d{6}-\d{4}$"))
    code = desk.heading().inner_text().removeprefix("Hồ sơ ")
    documents = page.get_by_role("region", name="Tài liệu")
    expect(documents).to_contain_text(scan["name"])
    expect(documents).to_contain_text(big["name"])

    _handed_to_its_specialised_software(Officer(stack, "desk", HCMC_UNIT), code)
    desk.open(f"ho-so/{code}")
    dossier = _ok(Officer(stack, "desk", HCMC_UNIT).get(f"/v1/dossiers/{code}"))["dossier"]
    assert [(c["code"], c["copy_kind"]) for c in dossier["received_components"]] == [
        ("DDN", "original"), ("BCDG", "original"), ("CCNV", "copy")]
    assert sorted((d["component_code"], d["content_type"], d["size"]) for d in dossier["documents"]) == [
        ("BCDG", "image/png", len(scan["buffer"])), ("DDN", "application/pdf", len(big["buffer"]))]

    # The scanned report becomes the certified digitised copy, signed by the desk officer (FR-5).
    papers = page.get_by_role("region", name="Thành phần hồ sơ giấy và bản số hóa")
    expect(papers).to_contain_text(f"{CERTIFICATE} — Bản sao, bản giấy")
    desk.check("Hồ sơ: thành phần hồ sơ giấy")
    digitise_scan(page, scan["name"])
    expect(papers).to_contain_text(re.compile(r"✔ Chữ ký số hợp lệ: .*" + re.escape(desk.name)))
    expect(documents).not_to_contain_text(scan["name"])
    expect(documents).to_contain_text("bao-cao-an-toan (bản số hóa).pdf")
    desk.check("Hồ sơ: bản số hóa có ký số")
    screenshot(page, "so-hoa-ky-so")


def test_files_with_a_supplement_and_with_an_appraisal_opinion(
        stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]) -> None:
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    code = _ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)["dossier"]["code"]
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    _ok(appraiser.act(code, "yeu_cau_bo_sung", reason="Bổ sung bản sao giấy chứng sinh."))

    at_desk = officers("desk")
    page = at_desk.page
    new_papers = [png_file("giay-chung-sinh.png", "Giay chung sinh"), pdf_file("to-khai-sua.pdf", "To khai sua")]
    # the dialog, with its files, checked before confirming
    at_desk.open(f"ho-so/{code}")
    page.get_by_role("button", name="Tiếp nhận hồ sơ bổ sung", exact=True).click()
    dialog = page.get_by_role("dialog", name="Tiếp nhận hồ sơ bổ sung")
    dialog.get_by_label("Giấy tờ bổ sung (nếu có)", exact=True).set_input_files(new_papers)
    expect(file_item(dialog, "to-khai-sua.pdf")).to_contain_text("Đã kiểm tra: PDF", timeout=60_000)
    expect(file_item(dialog, "giay-chung-sinh.png")).to_contain_text("Đã kiểm tra: PNG", timeout=60_000)
    at_desk.check("Nhận bổ sung: tệp đính kèm")
    screenshot(page, "nhan-bo-sung-dinh-kem")
    page.keyboard.press("Escape")
    receive_supplement_with_files(page, code, new_papers)
    documents = page.get_by_role("region", name="Tài liệu")
    for file in new_papers:
        expect(documents).to_contain_text(file["name"])

    opinion = officers("appraiser")
    act_with_files(opinion.page, code, "Trình lãnh đạo phòng", [pdf_file("to-trinh.pdf", "To trinh")])
    expect(opinion.page.get_by_role("region", name="Tài liệu")).to_contain_text("to-trinh.pdf")
    opinion.check("Hồ sơ: tài liệu nội bộ kèm tờ trình")
    dossier = _ok(desk.get(f"/v1/dossiers/{code}"))["dossier"]
    kinds = {d["name"]: d["kind"] for d in dossier["documents"]}
    assert kinds == {"giay-chung-sinh.png": "submitted", "to-khai-sua.pdf": "submitted", "to-trinh.pdf": "internal"}


def _upload_by_api(officer: Officer, file: FilePayload) -> str:
    """An upload as the browser makes it (presigned POST), once the server has checked it."""
    started = _ok(officer.post("/v1/uploads", {"file_name": file["name"]}), 201)
    post = started["post"]
    sent = requests.post(post["url"], data=post["fields"], files={"file": (file["name"], file["buffer"],
                                                                           file["mimeType"])}, timeout=30)
    assert sent.status_code in (200, 201, 204), sent.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        upload = _ok(officer.get(f"/v1/uploads/{started['upload']['id']}"))["upload"]
        if upload["status"] != "pending":
            assert upload["status"] == "ready", upload
            return str(upload["id"])
        time.sleep(0.3)
    raise AssertionError("the upload was never checked")


def test_the_applicants_e_data_is_shown_and_reused_at_intake(
        stack: LocalStack, officers: Callable[..., OfficerSession], screenshot: Callable[[Page, str], None]) -> None:
    staff = {r: Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser", "leader", "clerk")}
    staff["admin"] = Officer(stack, "admin", MINISTRY_UNIT)
    owner = DESK_EXAMPLE["SoGiayToChuHoSo"]
    certificate = pdf_file("giay-chung-sinh.pdf", "Giay chung sinh cua chu ho so")
    body = {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "ThanhPhanHoSo": [
        {"MaThanhPhanHoSo": "GCS", "LoaiBan": "copy", "MaTepTaiLen": [_upload_by_api(staff["desk"], certificate)]}]}
    code = _ok(staff["desk"].post("/v1/dossiers", body), 201)["dossier"]["code"]
    _ok(staff["desk"].act(code, "chuyen_phong"))
    _ok(staff["head"].act(code, "phan_cong", assignee=staff["appraiser"].sub))
    result = _ok(staff["appraiser"].post(f"/v1/dossiers/{code}/results", {}), 201)
    _ok(staff["appraiser"].act(code, "trinh"))
    _ok(staff["head"].act(code, "trinh_lanh_dao"))
    _ok(staff["leader"].post(f"/v1/dossiers/{code}/documents/{result['id']}/sign", {}))
    _ok(staff["leader"].act(code, "phe_duyet"))
    _ok(staff["clerk"].act(code, "phat_hanh"))
    deadline = time.monotonic() + 60  # the e-data store is filled from the dossiers' stream
    while _ok(staff["admin"].post("/v1/admin/edata/stats", {"owner": owner}))["documents"] < 2:
        assert time.monotonic() < deadline, "the issued dossier's documents never reached the e-data store"
        time.sleep(1)

    desk = officers("desk")
    page = desk.page
    desk.open("tiep-nhan/1.001193")
    expect(desk.heading()).to_have_text("Tiếp nhận hồ sơ: Đăng ký khai sinh")
    page.get_by_role("button", name="Tìm trong kho dữ liệu điện tử").click()
    expect(page.get_by_role("group", name="Kho dữ liệu điện tử của chủ hồ sơ")).to_contain_text(
        "số định danh cá nhân hoặc mã số doanh nghiệp")
    page.locator("#f-SoGiayToChuHoSo").fill(owner)
    reuse_from_edata_at_intake(page, {"Giấy chứng sinh hoặc văn bản xác nhận việc sinh": certificate["name"]})
    expect(component(page, "Giấy chứng sinh")).to_contain_text(f"từ hồ sơ {code}")
    desk.check("Tiếp nhận: giấy tờ dùng lại từ kho dữ liệu điện tử")
    screenshot(page, "tiep-nhan-kho-du-lieu")
