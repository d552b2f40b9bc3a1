"""Issue 17 item 3, through HTTP on the local stack: the DVCQG simulator sends the citizen's
supplement, a fee paid on DVCQG and withdrawal requests about a dossier it posted, each signed as
DVCQG signs; hoso records each once (a resend answers the same and changes nothing), the desk
receives the supplement, refuses one withdrawal request and confirms the next, and DVCQG ends up
with the supplement's files and fees and the withdrawal in its sync records."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from local.simulators.accounts import HCMC_UNIT
from local.simulators.dvcqg_later import SUPPLEMENT_FEE_CODE
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator


def send(stack: LocalStack, kind: str, ref: str, **options: Any) -> dict[str, Any]:
    answer = requests.post(f"{simulator(stack, 'dvcqg')}/_sim/send/{kind}/{ref}", json=options, timeout=60)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def dvcqg_record(stack: LocalStack, code: str, done: Callable[[dict[str, Any]], bool],
                 timeout_s: float = 120) -> dict[str, Any]:
    deadline, entry = time.monotonic() + timeout_s, {}
    while time.monotonic() < deadline:
        answer = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/records/{code}", timeout=10)
        if answer.status_code == 200 and done(entry := answer.json()):
            return entry
        time.sleep(0.5)
    raise AssertionError(f"DVCQG's records of {code} never got there: {entry}")


def test_supplement_payment_and_withdrawal_from_dvcqg(stack: LocalStack) -> None:
    posted = requests.post(f"{simulator(stack, 'dvcqg')}/_sim/post-dossier",
                           json={"MaDonViTiepNhan": HCMC_UNIT}, timeout=60).json()
    assert posted["status"] == 201, posted
    code, ref = posted["body"]["MaHoSo"], posted["MaHoSoDVCQG"]
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))

    early = send(stack, "supplement", ref)
    assert early["status"] == 409 and early["body"]["error_code"] == "NOT_AWAITING_SUPPLEMENT", early
    for officer, action, fields in ((desk, "tiep_nhan", {}), (desk, "chuyen_phong", {}),
                                    (head, "phan_cong", {"assignee": appraiser.sub}),
                                    (appraiser, "yeu_cau_bo_sung", {"reason": "Bổ sung bản sao giấy chứng sinh"})):
        assert officer.act(code, action, **fields).status_code == 200, action

    supplement = send(stack, "supplement", ref, fee=8000)
    assert supplement["status"] == 201 and supplement["body"]["MaHoSo"] == code, supplement
    again = send(stack, "supplement", ref, resend=True)
    assert again["status"] == 200 and again["body"] == supplement["body"], "a resend answers the same"
    dossier = desk.get(f"/v1/dossiers/{code}").json()["dossier"]
    from_dvcqg = [d for d in dossier["documents"] if d["source"] == "dvcqg"]
    assert len(from_dvcqg) == 1 and dossier["status"] == 5, "recorded once; the desk receives it"
    assert dossier["supplements"][-1]["submitted_documents"] == [from_dvcqg[0]["id"]]
    inbox = desk.get(f"/v1/units/{HCMC_UNIT}/dvcqg-requests").json()
    assert code in [d["code"] for d in inbox["supplemented"]]
    assert desk.act(code, "nhan_bo_sung").status_code == 200

    paid = send(stack, "payment", ref, SoTien=8000, MaPhiLePhi=[SUPPLEMENT_FEE_CODE])
    assert paid["status"] == 201, paid
    assert send(stack, "payment", ref, resend=True)["status"] == 200
    fees = {f["code"]: f for f in desk.get(f"/v1/dossiers/{code}").json()["dossier"]["fees"]}
    assert fees[SUPPLEMENT_FEE_CODE]["paid"]
    payments = desk.get(f"/v1/dossiers/{code}/payments").json()["payments"]
    assert [p["transaction_id"] for p in payments] == [paid["sent"]["MaGiaoDich"]]
    forged = send(stack, "payment", ref, SoTien=8000, MaPhiLePhi=[SUPPLEMENT_FEE_CODE], MaGiaoDich="GIA-MAO")
    assert forged["status"] == 409, "paid already (and the platform does not know that transaction)"

    first = send(stack, "withdrawal", ref)
    assert first["status"] == 201 and first["body"]["TrangThaiHoSo"] == "4", "a request withdraws nothing"
    pending = desk.get(f"/v1/units/{HCMC_UNIT}/dvcqg-requests").json()["withdrawals"]
    assert code in [d["code"] for d in pending]
    refused = desk.post(f"/v1/dossiers/{code}/withdrawal-request",
                        {"decision": "refuse", "reason": "Hồ sơ đang thẩm định, đề nghị liên hệ Bộ phận Một cửa"})
    assert refused.status_code == 200 and refused.json()["dossier"]["status"] == 4, refused.text
    assert code not in [d["code"] for d in desk.get(f"/v1/units/{HCMC_UNIT}/dvcqg-requests").json()["withdrawals"]]
    assert send(stack, "withdrawal", ref)["status"] == 201
    confirmed = desk.post(f"/v1/dossiers/{code}/withdrawal-request", {"decision": "confirm"})
    assert confirmed.status_code == 200 and confirmed.json()["dossier"]["status"] == 7, confirmed.text

    entry = dvcqg_record(stack, code, lambda e: e.get("dossier", {}).get("TrangThaiHoSo") == "7")
    record = entry["dossier"]
    [round_] = record["DanhSachHoSoBoSung"]
    assert [f["TepDinhKemId"] for f in round_["DanhSachGiayToBoSung"]] == [from_dvcqg[0]["id"]]
    assert [(f["MaPhiLePhi"], f["Gia"]) for f in round_["DanhSachLePhiBoSung"]] == [(SUPPLEMENT_FEE_CODE, "8000")]
    steps = [p["NoiDungXuLy"] for p in entry["progress"]]
    assert any(s.startswith("Từ chối yêu cầu rút hồ sơ: Hồ sơ đang thẩm định") for s in steps), steps
    assert entry["progress"][-1]["TrangThai"] == "7"
    sent = [s for s in requests.get(f"{simulator(stack, 'dvcqg')}/_sim/records", timeout=10).json()["sent"]
            if s["MaHoSoDVCQG"] == ref]
    assert [(s["kind"], s["status"]) for s in sent] == [
        ("supplement", 409), ("supplement", 201), ("supplement", 200), ("payment", 201), ("payment", 200),
        ("payment", 409), ("withdrawal", 201), ("withdrawal", 201)]
    violations = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/violations", timeout=10).json()
    assert [v for v in violations if v.get("MaHoSo") == code] == []
