"""Issue 12, fees, post and delivery at the desk on moto with the payment and post simulators:
cash at the desk is the only manual confirmation (catalogue amount, receipt number), the
dossier's payments with the platform's e-receipt, the postal quote and service, desk delivery
with the identity paper checked and its printable slip — and a failure in the middle of a
delivery or a cash payment leaves nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from chalicelib.documents import delivery
from chalicelib.documents import service as documents
from chalicelib.domain.catalogue import FeeItem
from chalicelib.payments import service as payments
from chalicelib.post import service as post
from chalicelib.store import dossiers
from tests.fault.test_transaction_faults import fail_last_item, injected, service_error, snapshot
from tests.integration.documents.conftest import (
    APPLICANT,
    PAYMENT_KEY,
    World,
    awaiting_payment,
    officer,
    pay_on_platform,
    payment_callback,
)
from tests.integration.documents.test_delivery import APPLICANT_ID, RECEIPT
from tests.integration.documents.test_delivery import _ready as ready_with_fee_on_delivery
from tests.integration.documents.test_post import RECEIVER, SENDER
from tests.integration.documents.test_results import pdf_text

FEE = FeeItem(code="LP-KS", name="Lệ phí cấp bản sao trích lục khai sinh", amount=16000, kind="1")
FEE2 = FeeItem(code="PHI-TD", name="Phí thẩm định", amount=50000, kind="2")


@pytest.fixture
def awaiting(world: World) -> str:
    return awaiting_payment(world, [FEE, FEE2])


def _cash(world: World, code: str, role: str = "desk", **body: Any) -> Any:
    return world.call("POST", f"/v1/dossiers/{code}/payments/cash", role,
                      body={"amount": 66000, "receipt_number": "0000815", "receipt_symbol": "BL/26P", **body})


# --- fees --------------------------------------------------------------------------------------
def test_cash_at_the_desk_with_the_catalogue_amount_and_a_receipt_moves_the_dossier_on(world: World,
                                                                                       awaiting: str) -> None:
    paid = _cash(world, awaiting)
    assert paid.status_code == 201, paid.body
    assert paid.json_body["method"] == "cash" and paid.json_body["status"] == "paid"
    assert paid.json_body["receipt_number"] == "0000815" and paid.json_body["amount"] == 66000
    dossier = dossiers.get(awaiting)
    assert dossier is not None and dossier.status == 4 and dossier.step_id == "tham_dinh"
    assert all(f.paid for f in dossier.fees) and len(dossier.fees) == 2
    event = dossiers.events(awaiting)[-1]  # the fees, the receipt and the step: one act
    assert event.action == "confirm_payment" and event.actor.role == "desk"
    assert "biên lai số BL/26P 0000815" in event.note and "66000 đồng" in event.note
    listed = world.call("GET", f"/v1/dossiers/{awaiting}/payments", "appraiser").json_body
    assert listed["open"] == [] and [p["receipt_number"] for p in listed["payments"]] == ["0000815"]
    report = payments.reconcile(dossier.updated_at.date())
    assert [c["ref"] for c in report["cash"]] == [paid.json_body["ref"]] and report["mismatches"] == []


def test_cash_must_be_the_catalogue_amount_with_a_receipt_number_taken_by_the_desk(world: World,
                                                                                   awaiting: str) -> None:
    before = snapshot(awaiting)
    short = _cash(world, awaiting, amount=16000)
    assert short.status_code == 422 and short.json_body["error_code"] == "INVALID_CASH_PAYMENT"
    [error] = short.json_body["errors"]
    assert error["field"] == "amount" and "66.000 đồng" in error["message"]
    unnumbered = _cash(world, awaiting, receipt_number="  ")
    assert [e["field"] for e in unnumbered.json_body["errors"]] == ["receipt_number"]
    assert _cash(world, awaiting, role="appraiser").status_code == 403
    assert snapshot(awaiting) == before


def test_no_cash_while_an_online_request_is_open_and_no_bare_confirmation(world: World, awaiting: str) -> None:
    view = world.call("GET", f"/v1/dossiers/{awaiting}", "desk").json_body
    assert "xac_nhan_nop_phi" not in [a["id"] for a in view["available_actions"]]
    bare = world.call("POST", f"/v1/dossiers/{awaiting}/actions", "desk", body={"action": "xac_nhan_nop_phi"})
    assert bare.status_code == 409 and bare.json_body["error_code"] == "CASH_RECEIPT_REQUIRED", bare.body
    ref = world.call("POST", f"/v1/dossiers/{awaiting}/payments", "desk").json_body["ref"]
    pending = _cash(world, awaiting)
    assert pending.status_code == 409 and pending.json_body["error_code"] == "PAYMENT_PENDING"
    assert ref in pending.json_body["message"]
    assert dossiers.get(awaiting).status == 6  # type: ignore[union-attr]


def test_the_platforms_e_receipt_is_listed_with_the_dossiers_payments(world: World, awaiting: str) -> None:
    ref = world.call("POST", f"/v1/dossiers/{awaiting}/payments", "desk").json_body["ref"]
    sent = pay_on_platform(world, ref)
    assert sent["SoBienLai"].startswith("BLĐT-") and sent["UrlBienLai"] == f"{world.sims.payment.url}/bien-lai/{ref}"
    assert payment_callback(world, sent).status_code == 200
    [paid] = world.call("GET", f"/v1/dossiers/{awaiting}/payments", "head").json_body["payments"]
    assert paid["status"] == "paid" and paid["receipt_number"] == sent["SoBienLai"]
    assert paid["receipt_url"] == sent["UrlBienLai"] and paid["transaction_id"] == sent["MaGiaoDich"]
    page = requests.get(sent["UrlBienLai"], timeout=10)
    assert page.status_code == 200 and sent["SoBienLai"] in page.text


def test_an_e_receipt_link_elsewhere_than_the_platform_is_not_kept(world: World, awaiting: str) -> None:
    ref = world.call("POST", f"/v1/dossiers/{awaiting}/payments", "desk").json_body["ref"]
    sent = {**pay_on_platform(world, ref), "UrlBienLai": "https://lua-dao.invalid/bien-lai"}
    sent["MaXacThuc"] = payments.mac(PAYMENT_KEY, sent, payments.CALLBACK_MAC_FIELDS)
    assert payment_callback(world, sent).status_code == 200
    recorded = payments.get_payment(ref)
    assert recorded is not None and recorded.status == "paid" and recorded.receipt_url is None


@pytest.mark.parametrize("fault", [service_error, fail_last_item])
def test_a_cash_payment_failing_mid_way_writes_nothing(world: World, awaiting: str, fault: Any) -> None:
    before = snapshot(awaiting)
    with injected("before-call" if fault is service_error else "provide-client-params", fault, "0000815") as fired:
        failed = _cash(world, awaiting)
    assert fired and failed.status_code in (409, 500), failed.body
    assert snapshot(awaiting) == before
    assert world.call("GET", f"/v1/dossiers/{awaiting}/payments", "desk").json_body["payments"] == []
    assert _cash(world, awaiting).status_code == 201


# --- post --------------------------------------------------------------------------------------
def _issued(world: World) -> str:
    return world.processed().code


def test_the_postal_service_quotes_and_the_order_records_the_service_and_its_fee(world: World) -> None:
    code = _issued(world)
    far = {**RECEIVER, "provinceCode": "01", "communeCode": "00004"}
    quoted = world.call("POST", f"/v1/dossiers/{code}/post-quote", "desk",
                        body={"sender": SENDER, "receiver": far, "service": "EMS"})
    assert quoted.status_code == 200, quoted.body
    assert quoted.json_body == {"service": "EMS", "service_name": "Chuyển phát nhanh EMS", "fee": 38000,
                                "estimated_days": 2, "cod_amount": 0}
    near = world.call("POST", f"/v1/dossiers/{code}/post-quote", "desk",
                      body={"sender": SENDER, "receiver": RECEIVER}).json_body
    assert near["service"] == "BD" and near["fee"] == 16000
    assert world.sims.post_sim.orders == {}, "a quote books nothing"
    created = world.call("POST", f"/v1/dossiers/{code}/post-order", "desk",
                         body={"sender": SENDER, "receiver": far, "service": "EMS"})
    assert created.status_code == 201, created.body
    assert created.json_body["service"] == "EMS" and created.json_body["fee"] == 38000
    assert world.sims.post_sim.orders[code]["request"]["service"] == "EMS"
    assert "Chuyển phát nhanh EMS, cước 38.000 đồng" in dossiers.events(code)[-1].note
    view = world.call("GET", f"/v1/dossiers/{code}/delivery", "appraiser").json_body
    assert view["post_order"]["tracking_number"] == created.json_body["tracking_number"]
    late = world.call("POST", f"/v1/dossiers/{code}/post-quote", "desk", body={"sender": SENDER, "receiver": far})
    assert late.status_code == 409 and late.json_body["error_code"] == "ORDER_EXISTS"


def test_a_quote_before_the_result_is_ready_or_by_another_role_is_refused(world: World) -> None:
    early = world.to_approval().code
    answer = world.call("POST", f"/v1/dossiers/{early}/post-quote", "desk", body={"sender": SENDER,
                                                                                   "receiver": RECEIVER})
    assert answer.status_code == 409 and answer.json_body["error_code"] == "RESULT_NOT_READY"
    code = _issued(world)
    assert world.call("POST", f"/v1/dossiers/{code}/post-quote", "appraiser",
                      body={"sender": SENDER, "receiver": RECEIVER}).status_code == 403
    unknown = world.call("POST", f"/v1/dossiers/{code}/post-quote", "desk",
                         body={"sender": SENDER, "receiver": RECEIVER, "service": "TAU-HOA"})
    assert unknown.status_code == 422


# --- delivery at the desk ----------------------------------------------------------------------
def _deliver(world: World, code: str, **body: Any) -> Any:
    payload = {"receiver": {"name": APPLICANT, "id_number": APPLICANT_ID}, "id_checked": True,
               "originals_checked": True, "originals": ["TP01"], "fee_receipt": RECEIPT, **body}
    return world.call("POST", f"/v1/dossiers/{code}/delivery", "desk", body=payload)


def test_the_delivery_slip_is_printed_only_after_the_delivery(world: World) -> None:
    dossier = ready_with_fee_on_delivery(world)
    early = world.call("GET", f"/v1/dossiers/{dossier.code}/forms/tra-ket-qua", "desk")
    assert early.status_code == 409, early.body
    unchecked = _deliver(world, dossier.code, id_checked=False)
    assert unchecked.status_code == 422 and [e["field"] for e in unchecked.json_body["errors"]] == ["id_checked"]
    done = _deliver(world, dossier.code)
    assert done.status_code == 200, done.body
    [attempt] = done.json_body["desk"]["attempts"]
    assert attempt["id_checked"] is True and attempt["originals"] == ["TP01"]
    slip = world.call("GET", f"/v1/dossiers/{dossier.code}/forms/tra-ket-qua", "head")
    assert slip.status_code == 200, slip.body
    assert "Phiếu giao nhận kết quả" in slip.json_body["name"]
    text = pdf_text(documents.render_form(dossier.code, "tra-ket-qua", officer("desk")))
    assert "PHIẾU GIAO NHẬN KẾT QUẢ GIẢI QUYẾT HỒ SƠ" in text and APPLICANT in text and APPLICANT_ID in text
    assert "Chủ hồ sơ trực tiếp nhận kết quả" in text and "BL/26P 0001234" in text and "16.000 đồng" in text


@pytest.mark.parametrize("fault", [service_error, fail_last_item])
def test_a_desk_delivery_failing_mid_way_writes_nothing(world: World, fault: Any) -> None:
    dossier = ready_with_fee_on_delivery(world)
    before = snapshot(dossier.code)
    with injected("before-call" if fault is service_error else "provide-client-params", fault,
                  "deliver_result") as fired:
        failed = _deliver(world, dossier.code)
    assert fired and failed.status_code in (409, 500), failed.body
    assert snapshot(dossier.code) == before, "the dossier, its trail or its counters changed"
    assert delivery.get_desk(dossier.code) is None, "a delivery record without its delivery"
    assert not any(f.paid for f in dossiers.get(dossier.code).fees)  # type: ignore[union-attr]
    retried = _deliver(world, dossier.code)
    assert retried.status_code == 200 and retried.json_body["state"] == "delivered", retried.body
    assert [a["outcome"] for a in retried.json_body["desk"]["attempts"]] == ["delivered"]


def test_a_postal_order_failing_mid_way_writes_nothing(world: World) -> None:
    code = _issued(world)
    before = snapshot(code)
    with injected("provide-client-params", fail_last_item, "post_order_created") as fired:
        failed = world.call("POST", f"/v1/dossiers/{code}/post-order", "desk",
                            body={"sender": SENDER, "receiver": RECEIVER, "service": "EMS"})
    assert fired and failed.status_code == 409, failed.body
    assert snapshot(code) == before and post.get_order(code) is None
    again = world.call("POST", f"/v1/dossiers/{code}/post-order", "desk",
                       body={"sender": SENDER, "receiver": RECEIVER, "service": "EMS"})
    assert again.status_code == 201 and again.json_body["fee"] == 25000
