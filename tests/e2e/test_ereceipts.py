"""E-receipts end to end over HTTP on the local stack (SPEC §7.8): the citizen pays on the
payment platform → the platform's callback → the outbox → the stream relay → the ereceipts queue
→ the provider simulator issues one receipt → the dossier shows it (PDF link) → DVCQG's fee record
carries it; another unit's officer cannot cancel it and an anonymous caller cannot read it;
replace with a reason (linked to the original), then cancel with a reason."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.specialised.push import PUSHED_ACTION
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator

TIMEOUT_S = 90


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _until(what: str, probe: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"not within {TIMEOUT_S} s: {what}")


def _awaiting_payment(stack: LocalStack) -> str:
    """A 1.000105 desk dossier (a 2 000 000 đ fee in the catalogue) waiting for its fee (status 6),
    once its hand-over to the demo specialised software is recorded (so nothing races the officers)."""
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    body = {**DESK_EXAMPLE, "MaTTHC": "1.000105", "MaDonViTiepNhan": HCMC_UNIT, "LoaiDoiTuong": "2"}
    code = str(_ok(desk.post("/v1/dossiers", body), 201)["dossier"]["code"])
    _until("the hand-over to the specialised software", lambda: any(
        e["action"] == PUSHED_ACTION for e in _ok(desk.get(f"/v1/dossiers/{code}"))["events"]))
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    _ok(appraiser.act(code, "yeu_cau_nop_phi", reason="Nộp lệ phí."))
    return code


def _receipts(officer: Officer, code: str) -> list[dict[str, Any]]:
    return list(_ok(officer.get(f"/v1/dossiers/{code}/receipts"))["receipts"])


def test_paid_on_the_platform_issued_shown_synced_replaced_and_cancelled(stack: LocalStack) -> None:
    desk, head = Officer(stack, "desk", HCMC_UNIT), Officer(stack, "head", HCMC_UNIT)
    code = _awaiting_payment(stack)
    payment = _ok(desk.post(f"/v1/dossiers/{code}/payments", {}), 201)
    paid = requests.post(f"{simulator(stack, 'payment')}/_sim/pay/{payment['ref']}", json={"MaLoi": "00"}, timeout=30)
    assert paid.json()["callback"]["status"] == 200, paid.text

    issued = _until("the receipt is issued", lambda: [r for r in _receipts(desk, code) if r["status"] == "issued"])
    (receipt,) = issued
    assert receipt["payment_ref"] == payment["ref"] and receipt["amount"] == payment["amount"]
    assert receipt["number"] and receipt["series"] and receipt["lookup_code"] and receipt["issued_at"]
    provider = simulator(stack, "ereceipt")
    records = requests.get(f"{provider}/_sim/records", timeout=10).json()
    ours = [r for r in records["receipts"] if r["dossier_code"] == code]
    assert len(ours) == 1 and ours[0]["lookup_code"] == receipt["lookup_code"]
    link = _ok(desk.get(f"/v1/dossiers/{code}/receipts/{receipt['id']}/file/pdf"))
    assert requests.get(link["url"], timeout=10).content.startswith(b"%PDF")

    def dvcqg_fee() -> dict[str, Any] | None:
        answer = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/records/{code}", timeout=10)
        fees = answer.json().get("dossier", {}).get("DanhSachLePhi", []) if answer.status_code == 200 else []
        return next((f for f in fees if f.get("SoBienLai") == receipt["number"]), None)

    fee = _until("DVCQG's fee record carries the receipt", dvcqg_fee)
    assert fee["MaTraCuuBienLai"] == receipt["lookup_code"]

    # escalation: another unit's officer, an anonymous caller
    other = Officer(stack, "desk", HANOI_UNIT)
    path = f"/v1/dossiers/{code}/receipts/{receipt['id']}"
    assert other.post(f"{path}/cancel", {"reason": "Huỷ thử từ đơn vị khác"}).status_code == 404
    assert other.get(f"/v1/dossiers/{code}/receipts").status_code == 404
    assert requests.get(f"{stack.api_url}/v1/dossiers/{code}/receipts", timeout=10).status_code == 401
    assert _receipts(desk, code)[0]["status"] == "issued"

    # replace with a reason: a new receipt linked to the original
    new = _ok(head.post(f"{path}/replace", {"reason": "Sai địa chỉ người nộp", "payer_address": "12 Lê Lợi"}), 202)
    assert new["replaces"] == receipt["id"]
    _until("the replacement is issued", lambda: [r for r in _receipts(desk, code)
                                                  if r["id"] == new["id"] and r["status"] == "issued"])
    by_id = {r["id"]: r for r in _receipts(desk, code)}
    assert by_id[receipt["id"]]["status"] == "replaced" and by_id[receipt["id"]]["replaced_by"] == new["id"]

    # cancel the replacement with a reason
    cancelled = _ok(desk.post(f"/v1/dossiers/{code}/receipts/{new['id']}/cancel", {"reason": "Thu nhầm, đã hoàn"}))
    assert cancelled["status"] == "cancelled" and cancelled["reason"] == "Thu nhầm, đã hoàn"
    events = [e["action"] for e in _ok(desk.get(f"/v1/dossiers/{code}"))["events"]]
    assert events.count("receipt_issued") == 2 and "receipt_replace_requested" in events
    assert events[-1] == "receipt_cancelled"
