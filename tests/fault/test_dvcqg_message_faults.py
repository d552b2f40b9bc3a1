"""A failure inside the transaction of one of DVCQG's later messages (SPEC §7.1) or of the desk's
decision on a withdrawal request leaves nothing half-written: no audit event, outbox record or
counter moved, no idempotency record, no file left in S3; the message sent again is then recorded
once, and an answer lost after the commit is answered again from the message's record."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any

from chalicelib.domain.calendar import VN_TZ
from chalicelib.services.dvcqg_messages import WithdrawalIndexItem
from chalicelib.store import dossiers
from chalicelib.store.models import DvcqgRefItem
from local.simulators.accounts import HCMC_UNIT
from local.simulators.dvcqg import build_dossier
from local.simulators.pdf import minimal_pdf
from local.stack import LocalStack
from tests.fault.test_transaction_faults import (
    _attachment_keys,
    fail_last_item,
    injected,
    lost_answer,
    service_error,
    snapshot,
)
from tests.security.stack import Caller


def _now() -> str:
    return dt.datetime.now(VN_TZ).strftime("%Y%m%d%H%M%S")


def _awaiting_supplement(staff: dict[str, Caller]) -> tuple[str, str]:
    body = build_dossier(overrides={"MaDonViTiepNhan": HCMC_UNIT})
    posted = staff["dvcqg"].post("/v1/dvcqg/dossiers", body)
    assert posted.status_code == 201, posted.text
    code = posted.json()["MaHoSo"]
    for role, action, fields in (("desk", "tiep_nhan", {}), ("desk", "chuyen_phong", {}),
                                 ("head", "phan_cong", {"assignee": staff["appraiser"].sub}),
                                 ("appraiser", "yeu_cau_bo_sung", {"reason": "Thiếu bản sao"})):
        assert staff[role].act(code, action, **fields).status_code == 200, action
    return code, body["MaHoSoDVCQG"]


def _supplement() -> dict[str, Any]:
    pdf = base64.b64encode(minimal_pdf("Bo sung", ["BAN SAO"])).decode()
    return {"MaYeuCau": f"BS-FAULT-{secrets.token_hex(4)}", "NgayBoSung": _now(), "GhiChu": "Bổ sung",
            "TaiLieuNop": [{"TepDinhKemId": f"TEP-{secrets.token_hex(4)}", "TenTepDinhKem": "ban-sao.pdf",
                            "MaThanhPhanHoSo": "GCS", "NoiDungBase64": pdf}]}


def _recorded(message_id: str) -> bool:
    try:
        DvcqgRefItem.get(f"DVCQGMSG#{message_id}", "REF", consistent_read=True)
    except DvcqgRefItem.DoesNotExist:
        return False
    return True


def test_a_supplement_whose_transaction_fails_leaves_nothing_and_is_recorded_once_when_sent_again(
        stack: LocalStack, staff: dict[str, Caller]) -> None:
    code, ref = _awaiting_supplement(staff)
    path, message = f"/v1/dvcqg/dossiers/{ref}/supplements", _supplement()
    before, files_before = snapshot(code), _attachment_keys(stack)
    for fault, status in ((fail_last_item, 409), (service_error, 500)):
        event = "provide-client-params" if fault is fail_last_item else "before-call"
        with injected(event, fault, message["MaYeuCau"]) as fired:
            answer = staff["dvcqg"].post(path, message)
        assert fired and answer.status_code == status, answer.text
        assert snapshot(code) == before, "a cancelled transaction left part of its writes behind"
        assert not _recorded(message["MaYeuCau"]) and _attachment_keys(stack) == files_before, "no orphan file"
    first = staff["dvcqg"].post(path, message)
    assert first.status_code == 201, first.text
    again = staff["dvcqg"].post(path, message)
    assert again.status_code == 200 and again.json() == first.json()
    after = snapshot(code)
    assert len(after.events) == len(before.events) + 1 and len(after.outbox) == len(before.outbox) + 1
    assert len(_attachment_keys(stack) - files_before) == 1, "the file stored once"
    assert after.counters != before.counters, "the dossier moved into the desk's supplemented count"


def test_an_answer_lost_after_the_commit_is_answered_again_from_the_record(stack: LocalStack,
                                                                           staff: dict[str, Caller]) -> None:
    code, ref = _awaiting_supplement(staff)
    path, message = f"/v1/dvcqg/dossiers/{ref}/withdrawal", {"MaYeuCau": f"RUT-FAULT-{secrets.token_hex(4)}",
                                                             "NgayYeuCau": _now(), "LyDo": "Xin rút"}
    before = snapshot(code)
    with injected("after-call", lost_answer, message["MaYeuCau"]) as fired:
        lost = staff["dvcqg"].post(path, message)
    assert fired and lost.status_code == 500, lost.text
    resent = staff["dvcqg"].post(path, message)
    assert resent.status_code == 200 and resent.json()["MaHoSo"] == code, resent.text
    after = snapshot(code)
    assert len(after.events) == len(before.events) + 1, "committed once, not twice"


def test_a_desk_decision_whose_transaction_fails_leaves_the_request_pending(staff: dict[str, Caller]) -> None:
    code, ref = _awaiting_supplement(staff)
    message = {"MaYeuCau": f"RUT-FAULT-{secrets.token_hex(4)}", "NgayYeuCau": _now(), "LyDo": "Xin rút"}
    assert staff["dvcqg"].post(f"/v1/dvcqg/dossiers/{ref}/withdrawal", message).status_code == 201
    before = snapshot(code)
    with injected("provide-client-params", fail_last_item, code) as fired:
        answer = staff["desk"].post(f"/v1/dossiers/{code}/withdrawal-request", {"decision": "confirm"})
    assert fired and answer.status_code == 409, answer.text
    assert snapshot(code) == before
    stored = dossiers.get(code)
    assert stored is not None and stored.withdrawal_requests[-1].state == "pending"
    assert WithdrawalIndexItem.count(f"WITHDRAWALS#{HCMC_UNIT}", WithdrawalIndexItem.sk == code) == 1
    confirmed = staff["desk"].post(f"/v1/dossiers/{code}/withdrawal-request", {"decision": "confirm"})
    assert confirmed.status_code == 200 and confirmed.json()["dossier"]["status"] == 7, confirmed.text
    assert WithdrawalIndexItem.count(f"WITHDRAWALS#{HCMC_UNIT}", WithdrawalIndexItem.sk == code) == 0
