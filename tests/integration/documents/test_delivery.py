"""Result delivery at the desk (FR-18.4–18.6): receiver or proxy with authorisation, time, fee
receipt; "not delivered" until the originals are checked; status 10 through the process."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.catalogue import FeeItem
from chalicelib.domain.dossier import Dossier
from chalicelib.store import catalogue, dossiers
from tests.fault.test_transaction_faults import snapshot
from tests.integration.documents.conftest import APPLICANT, World
from tests.integration.documents.test_post import RECEIVER, SENDER

APPLICANT_ID = "001090012345"  # DESK_EXAMPLE's SoGiayToChuHoSo
RECEIPT = {"number": "0001234", "symbol": "BL/26P", "amount": 16000, "method": "tien_mat"}


def _ready(world: World) -> Dossier:
    """A dossier waiting at the desk (status 9) whose procedure collects a fee on delivery."""
    procedure = catalogue.get_procedure("1.001193")
    assert procedure is not None
    catalogue.put_procedure(procedure.model_copy(update={"fees": [FeeItem(
        code="LP-KS-BS", name="Phí cấp bản sao trích lục", amount=16000, kind="2", collected="on_delivery")]}))
    return world.processed()


def _deliver(world: World, code: str, role: str = "desk", **body: Any) -> Any:
    payload = {"receiver": {"name": APPLICANT, "id_number": APPLICANT_ID}, "id_checked": True,
               "originals_checked": True, "fee_receipt": RECEIPT, **body}
    return world.call("POST", f"/v1/dossiers/{code}/delivery", role, body=payload)


def test_the_applicant_receives_the_result_with_the_fee_receipt(world: World) -> None:
    dossier = _ready(world)
    assert dossier.status == 9 and not dossier.fees
    waiting = world.call("GET", f"/v1/dossiers/{dossier.code}/delivery", "leader")
    assert waiting.status_code == 200 and waiting.json_body["state"] == "awaiting_delivery"
    assert waiting.json_body["on_time"] is True and waiting.json_body["unpaid_fees"][0]["amount"] == 16000

    answer = _deliver(world, dossier.code)
    assert answer.status_code == 200, answer.body
    body = answer.json_body
    assert body["state"] == "delivered" and body["status"] == 10 and body["result_delivery"] == "0"
    [attempt] = body["desk"]["attempts"]
    assert attempt["receiver"]["name"] == APPLICANT and attempt["proxy"] is False and attempt["outcome"] == "delivered"
    assert body["desk"]["receipts"][0]["number"] == "0001234" and body["desk"]["receipts"][0]["fees"] == ["LP-KS-BS"]
    after = dossiers.get(dossier.code)
    assert after is not None and after.status == 10 and after.delivered_at is not None
    assert [f.paid for f in after.fees] == [True] and not body["unpaid_fees"]
    delivered = dossiers.events(dossier.code)[-1]  # one act: who received it, the receipt, the step
    assert delivered.action == "deliver_result" and delivered.to_status == 10 and delivered.actor.role == "desk"
    assert "Biên lai số BL/26P 0001234, 16.000 đồng, tiền mặt" in delivered.note and APPLICANT in delivered.note
    # delivered once: a second delivery is refused
    again = _deliver(world, dossier.code, fee_receipt=None)
    assert again.status_code == 409 and again.json_body["error_code"] == "RESULT_NOT_READY"


def test_a_proxy_needs_an_authorisation(world: World) -> None:
    dossier = _ready(world)
    proxy = {"name": "Lê Văn Bình", "id_number": "079085001122", "phone": "0912000111"}
    refused = _deliver(world, dossier.code, receiver=proxy)
    assert refused.status_code == 422 and refused.json_body["error_code"] == "INVALID_DELIVERY"
    assert [e["field"] for e in refused.json_body["errors"]] == ["receiver.authorisation"]
    assert dossiers.get(dossier.code).status == 9  # type: ignore[union-attr]
    answer = _deliver(world, dossier.code, receiver={
        **proxy, "authorisation": "Giấy ủy quyền số 15/2026 ngày 10/03/2026, UBND phường Sài Gòn chứng thực"})
    assert answer.status_code == 200, answer.body
    assert answer.json_body["desk"]["attempts"][0]["proxy"] is True
    assert "nhận thay theo Giấy ủy quyền số 15/2026" in dossiers.events(dossier.code)[-1].note


def test_not_delivered_until_the_originals_are_checked(world: World) -> None:
    dossier = _ready(world)
    pending = _deliver(world, dossier.code, originals_checked=False, note="Chưa mang bản chính giấy chứng sinh")
    assert pending.status_code == 200, pending.body
    assert pending.json_body["state"] == "pending_originals" and pending.json_body["status"] == 9
    last = dossiers.events(dossier.code)[-1]
    assert last.action == "result_not_delivered" and "Chưa mang bản chính giấy chứng sinh" in last.note
    after = dossiers.get(dossier.code)
    assert after is not None and after.status == 9 and after.delivered_at is None
    assert [f.paid for f in after.fees] == [True]  # the fee was collected at the first visit
    # the applicant comes back with the originals: nothing left to pay
    done = _deliver(world, dossier.code, fee_receipt=None)
    assert done.status_code == 200, done.body
    assert done.json_body["state"] == "delivered" and len(done.json_body["desk"]["attempts"]) == 2
    assert [a["outcome"] for a in done.json_body["desk"]["attempts"]] == ["pending_originals", "delivered"]


def test_fee_receipt_is_required_and_must_match(world: World) -> None:
    dossier = _ready(world)
    before = dossiers.events(dossier.code)
    missing = _deliver(world, dossier.code, fee_receipt=None)
    assert missing.status_code == 422 and missing.json_body["errors"][0]["field"] == "fee_receipt"
    wrong = _deliver(world, dossier.code, fee_receipt={**RECEIPT, "amount": 15000})
    assert wrong.status_code == 422 and wrong.json_body["errors"][0]["field"] == "fee_receipt.amount"
    assert "16.000 đồng" in wrong.json_body["errors"][0]["message"]
    assert dossiers.events(dossier.code) == before  # nothing recorded


def test_delivery_only_when_ready_at_the_desk_and_not_while_with_the_post(world: World) -> None:
    early = world.to_approval()
    answer = _deliver(world, early.code)
    assert answer.status_code == 409 and answer.json_body["error_code"] == "RESULT_NOT_READY"
    dossier = _ready(world)
    assert _deliver(world, dossier.code, role="leader").status_code == 403
    assert world.call("POST", f"/v1/dossiers/{dossier.code}/post-order", "desk",
                      body={"sender": SENDER, "receiver": RECEIVER}).status_code == 201
    with_post = _deliver(world, dossier.code)
    assert with_post.status_code == 409 and with_post.json_body["error_code"] == "DELIVERY_BY_POST"
    view = world.call("GET", f"/v1/dossiers/{dossier.code}/delivery", "desk").json_body
    assert view["post_order"]["status"] == "created" and view["result_delivery"] == "1"


@pytest.mark.parametrize("result_delivery", ["0", "1"])
def test_no_bare_delivery_of_a_result_returned_at_the_desk_or_by_post(world: World, result_delivery: str) -> None:
    dossier = world.processed(HinhThucNhanKetQua=result_delivery)
    view = world.call("GET", f"/v1/dossiers/{dossier.code}", "desk").json_body
    assert view["available_actions"] == []  # "tra_ket_qua" is not offered: the delivery panel hands it over
    before = snapshot(dossier.code)
    bare = world.call("POST", f"/v1/dossiers/{dossier.code}/actions", "desk", body={"action": "tra_ket_qua"})
    assert bare.status_code == 409 and bare.json_body["error_code"] == "DELIVERY_RECORD_REQUIRED", bare.body
    assert "mục Trả kết quả" in bare.json_body["message"]
    assert snapshot(dossier.code) == before  # nothing written


def test_a_result_returned_electronically_keeps_the_bare_action(world: World) -> None:
    dossier = world.processed(HinhThucNhanKetQua="2")
    view = world.call("GET", f"/v1/dossiers/{dossier.code}", "desk").json_body
    assert [a["id"] for a in view["available_actions"]] == ["tra_ket_qua"]
    done = world.call("POST", f"/v1/dossiers/{dossier.code}/actions", "desk", body={"action": "tra_ket_qua"})
    assert done.status_code == 200, done.body
    after = dossiers.get(dossier.code)
    assert after is not None and after.status == 10 and after.result_delivery == "2"
