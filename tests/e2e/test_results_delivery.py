"""Issue 6 'done when', through HTTP on the local stack: a desk dossier's result is generated
from its template, signed (PAdES, eSign simulator), verified by an officer and by anyone
holding the file, issued (status 9), sent with the post simulator, tracked through the
postal service's callbacks and delivered (status 10, ``HinhThuc`` "1"); the receipt PDF
reads back with the applicant's Vietnamese name exactly as typed.

On the way to DVCQG: every audit event has its outbox record, and the DVCQG simulator ends up
with the dossier delivered by post, its steps in order, and a result link that downloads the
signed file — fetched and recorded by the simulator itself at status 10."""

from __future__ import annotations

import base64
import hashlib
import io
import time
from collections.abc import Callable
from typing import Any

import requests
from pypdf import PdfReader

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import OutboxItem
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator

APPLICANT = "Trần Thị Ánh Tuyết"
SENDER = {"name": "Bộ phận Một cửa Sở Khoa học và Công nghệ", "phone": "0903829000",
          "address": "244 Điện Biên Phủ, phường Xuân Hòa", "provinceCode": "79", "communeCode": "26740"}
RECEIVER = {"name": APPLICANT, "phone": "0987654321", "address": "Số 7 đường Nguyễn Đình Chiểu, phường Sài Gòn",
            "provinceCode": "79", "communeCode": "26734"}


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _download(url: str) -> bytes:
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    return answer.content


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_result_is_signed_verified_and_delivered_by_post(stack: LocalStack) -> None:
    desk, head, appraiser, leader, clerk = (Officer(stack, r, HCMC_UNIT)
                                            for r in ("desk", "head", "appraiser", "leader", "clerk"))
    created = _ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "ChuHoSo": APPLICANT,
                                             "HinhThucNhanKetQua": "1"}), 201)
    code = created["dossier"]["code"]

    # the receipt: real text, the applicant's name exactly as typed (no normalisation on the way back)
    receipt = _ok(desk.get(f"/v1/dossiers/{code}/forms/tiep-nhan"))
    receipt_text = _text(_download(receipt["url"]))
    assert APPLICANT in receipt_text and code in receipt_text

    # processing, with the result drafted by the appraiser and signed by the leader
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    result = _ok(appraiser.post(f"/v1/dossiers/{code}/results", {"content": "Đồng ý đăng ký khai sinh."}), 201)
    doc_id = result["id"]
    _ok(appraiser.act(code, "trinh"))
    _ok(head.act(code, "trinh_lanh_dao"))
    signed = _ok(leader.post(f"/v1/dossiers/{code}/documents/{doc_id}/sign", {}))
    assert [s["signer_name"] for s in signed["signatures"]] == [leader.account["HoVaTen"]]
    _ok(leader.act(code, "phe_duyet"))
    issued = _ok(clerk.act(code, "phat_hanh"))
    assert issued["dossier"]["status"] == 9

    # verified by an officer (stored copy) and by anyone holding the file
    report = _ok(desk.get(f"/v1/dossiers/{code}/documents/{doc_id}/verification"))
    assert report["ok"] and report["stored_hash_matches"] and len(report["signatures"]) == 1
    assert report["signatures"][0]["trusted"] and report["signatures"][0]["intact"]
    link = _ok(desk.get(f"/v1/dossiers/{code}/documents/{doc_id}/link"))
    content = _download(link["url"])
    assert hashlib.sha256(content).hexdigest() == link["sha256"]
    assert APPLICANT in _text(content)
    public = _ok(requests.post(f"{stack.api_url}/v1/documents/verify",
                               json={"pdf_base64": base64.b64encode(content).decode()}, timeout=60))
    assert public["ok"] and public["signatures"][0]["signer"] == leader.account["HoVaTen"]
    tampered = bytearray(content)
    tampered[len(tampered) // 3] ^= 0x01
    forged = _ok(requests.post(f"{stack.api_url}/v1/documents/verify",
                               json={"pdf_base64": base64.b64encode(bytes(tampered)).decode()}, timeout=60))
    assert forged["ok"] is False

    # by post: the order, then the postal service's callbacks through the simulator
    order = _ok(desk.post(f"/v1/dossiers/{code}/post-order", {"sender": SENDER, "receiver": RECEIVER}), 201)
    post = simulator(stack, "post")
    for status in ("picked_up", "in_transit", "out_for_delivery", "delivered"):
        moved = _ok(requests.post(f"{post}/_sim/orders/{code}/status", json={"status": status}, timeout=30))
        assert moved["callback"]["status"] == 200, moved
    view = _ok(desk.get(f"/v1/dossiers/{code}"))
    dossier = view["dossier"]
    assert dossier["status"] == 10 and dossier["result_delivery"] == "1" and dossier["delivered_at"]
    actions = [e["action"] for e in view["events"]]
    assert actions[-1] == "deliver_result" and actions.count("post_tracking") == 3
    assert view["events"][-1]["actor"]["sub"] == "postal-service"
    assert order["tracking_number"] in view["events"][-1]["note"]
    delivery = _ok(desk.get(f"/v1/dossiers/{code}/delivery"))
    assert delivery["state"] == "delivered" and delivery["post_order"]["status"] == "delivered"

    # DVCQG: every audit event has its outbox record; the portal sees the dossier delivered by post
    assert _outbox_seqs(code) == [e["seq"] for e in view["events"]]
    entry = _dvcqg_record(stack, code, lambda e: e["dossier"].get("TrangThaiHoSo") == "10"
                          and len(e["progress"]) == len(view["events"]))
    record = entry["dossier"]
    assert record["HinhThuc"] == "1" and record["NgayTra"] and record["ChuHoSo"] == APPLICANT
    [result_doc] = record["DanhSachGiayToKetQua"]
    assert result_doc["GiayToId"] == doc_id and result_doc["TenGiayTo"].startswith("Trích lục khai sinh")
    assert hashlib.sha256(_download(result_doc["DuongDanTepTinKetQua"])).hexdigest() == link["sha256"]
    # the portal itself downloaded the signed PDF through that link at status 10, and recorded it
    [fetched] = entry["results"]
    assert fetched["GiayToId"] == doc_id and fetched["http_status"] == 200 and fetched["is_pdf"] and fetched["signed"]
    assert fetched["sha256"] == link["sha256"]
    violations = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/violations", timeout=10).json()
    assert [v for v in violations if v.get("MaHoSo") == code] == []
    assert [p["TrangThai"] for p in entry["progress"]][-1] == "10"


def _dvcqg_record(stack: LocalStack, code: str, done: Callable[[dict[str, Any]], bool],
                  timeout_s: float = 120) -> dict[str, Any]:
    """What the DVCQG simulator holds for the dossier once ``done`` (the sync is asynchronous)."""
    deadline = time.monotonic() + timeout_s
    entry: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/records/{code}", timeout=10)
        if answer.status_code == 200:
            entry = answer.json()
            if done(entry):
                return entry
        time.sleep(0.5)
    raise AssertionError(f"DVCQG did not get the delivered dossier in {timeout_s} s: {entry}")


def _outbox_seqs(code: str) -> list[int]:
    """The stack's process environment points the models at its moto server."""
    return [int(i.data["seq"]) for i in OutboxItem.query(dossier_pk(code), OutboxItem.sk.startswith("OUTBOX#"))]
