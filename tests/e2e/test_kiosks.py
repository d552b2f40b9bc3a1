"""Self-service kiosks (SPEC §7.9) through HTTP on the local stack: the kiosk simulator calls hoso
as the seeded kiosk of TP HCM's unit — guidance, a form filled in advance that a desk officer takes
and receives as a dossier, that dossier's status by its receipt's QR and its receipt reprinted — and
an administrator registers a kiosk whose key stops working once revoked."""

from __future__ import annotations

from typing import Any

import requests

from chalicelib.documents import lookup
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.kiosks import model
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from local.simulators.kiosk import DEFAULT_TOKEN
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator


def _kiosk(stack: LocalStack, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, f"{simulator(stack, 'kiosk')}/api/{path}", json=body, timeout=60)


def test_a_citizen_files_at_the_kiosk_the_desk_receives_and_the_kiosk_reprints_the_receipt(stack: LocalStack) -> None:
    listed = _kiosk(stack, "GET", "procedures")
    assert listed.status_code == 200, listed.text
    assert listed.json()["unit_code"] == HCMC_UNIT and "1.001193" in {p["code"] for p in listed.json()["items"]}
    guidance = _kiosk(stack, "GET", "procedures/1.001193")
    assert guidance.status_code == 200 and guidance.json()["documents"] and guidance.json()["guidance"]

    filled = {"MaTTHC": "1.001193", "LoaiDoiTuong": "1", "ChuHoSo": DESK_EXAMPLE["ChuHoSo"],
              "SoGiayToChuHoSo": DESK_EXAMPLE["SoGiayToChuHoSo"], "DuLieuBieuMau": DESK_EXAMPLE["DuLieuBieuMau"]}
    made = _kiosk(stack, "POST", "drafts", filled)
    assert made.status_code == 201, made.text
    ticket = made.json()["ticket"]

    desk = Officer(stack, "desk", HCMC_UNIT)
    waiting = [d for d in desk.get("/v1/drafts").json()["items"] if d["source"] == "kiosk" and d["id"] == ticket]
    assert waiting and waiting[0]["kiosk_name"] == "Ki-ốt sảnh tiếp nhận (mô phỏng)"
    taken = desk.post(f"/v1/units/{HCMC_UNIT}/kiosk-drafts/{ticket}/take", {})
    assert taken.status_code == 200, taken.text
    data = {k: v for k, v in taken.json()["data"].items() if k != model.KIOSK_KEY}
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, **data})
    assert created.status_code == 201, created.text
    code = created.json()["dossier"]["code"]
    assert created.json()["dossier"]["unit_code"] == HCMC_UNIT

    qr = lookup.lookup_url(code, lookup.token_for(code))  # printed on the receipt the desk hands over
    status = _kiosk(stack, "POST", "lookups", {"qr": qr})
    assert status.status_code == 200 and status.json()["code"] == code, status.text
    assert DESK_EXAMPLE["ChuHoSo"] not in status.text and DESK_EXAMPLE["SoGiayToChuHoSo"] not in status.text
    reprint = _kiosk(stack, "POST", "receipts", {"qr": qr})
    assert reprint.status_code == 200, reprint.text
    pdf = requests.get(reprint.json()["url"], timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    wrong = _kiosk(stack, "POST", "receipts", {"code": code, "token": "0000000Z"})
    assert wrong.status_code == 404 and wrong.json()["error_code"] == "NOT_FOUND"


def test_a_registered_kiosk_works_until_revoked_and_never_reaches_officer_routes(stack: LocalStack) -> None:
    admin = Officer(stack, "admin", MINISTRY_UNIT)
    registered = admin.post("/v1/admin/kiosks", {"kiosk_id": "kiosk-e2e-sanh-b", "name": "Ki-ốt sảnh B",
                                                 "unit_code": HCMC_UNIT})
    assert registered.status_code == 201, registered.text
    token = registered.json()["token"]
    sim = simulator(stack, "kiosk")
    requests.post(f"{sim}/_sim/config", json={"token": token}, timeout=10).raise_for_status()
    try:
        assert _kiosk(stack, "GET", "procedures").status_code == 200
        officer_route = requests.get(f"{stack.api_url}/v1/drafts", headers={"Authorization": f"Bearer {token}"},
                                     timeout=30)
        assert officer_route.status_code == 401 and officer_route.json()["error_code"] == "INVALID_TOKEN"
        assert admin.post("/v1/admin/kiosks/kiosk-e2e-sanh-b/revoke", {}).status_code == 200
        refused = _kiosk(stack, "GET", "procedures")
        assert refused.status_code == 401 and refused.json()["error_code"] == "INVALID_CLIENT"
    finally:
        requests.post(f"{sim}/_sim/config", json={"token": DEFAULT_TOKEN}, timeout=10).raise_for_status()
    assert _kiosk(stack, "GET", "procedures").status_code == 200
