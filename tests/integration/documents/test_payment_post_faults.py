"""Payments and post: a failure between the writes of a use case leaves nothing half-done, and a
retry (the platform's redelivery, the officer's second click, the next reconciliation) finishes it.

Runs on moto in-process with the payment and post simulators (this package's fixtures — not in
``tests/fault``, whose shared local stack and an in-process moto cannot share a process); faults
are injected into the app's transaction client with the helpers of
``tests/fault/test_transaction_faults.py``: a condition failing on the last item (moto rolls the earlier ones
back), a service error, an answer lost after the commit. The attacks: a callback redelivered after
a crash between its writes ends applied; two concurrent payment requests make one charge;
tracking events out of order end in the right state, a delivery recorded once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.auth.registry import create_client
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import FeeItem
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.dossier import Fee
from chalicelib.payments import service as payments
from chalicelib.post import service as post
from chalicelib.store import dossiers
from tests.fault.test_transaction_faults import fail_last_item, injected, lost_answer, service_error, snapshot
from tests.integration.documents.conftest import (
    PAYMENT_KEY,
    World,
    awaiting_payment,
    pay_on_platform,
    payment_callback,
)

FEE = FeeItem(code="LP-KS", name="Lệ phí cấp bản sao trích lục khai sinh", amount=16000, kind="1")
FEE2 = FeeItem(code="PHI-TD", name="Phí thẩm định", amount=50000, kind="2")
PARTY = {"name": "Nguyễn Thị Ánh", "phone": "0912345678", "address": "Số 12 đường Lê Lợi", "provinceCode": "79",
         "communeCode": "26734"}


def once(handler: Callable[..., Any]) -> Callable[..., Any]:
    """``handler`` the first time only: the crash happens once, the retry goes through."""
    left = [1]

    def first(**kwargs: Any) -> Any:
        if left[0] == 0:
            return None
        left[0] -= 1
        return handler(**kwargs)

    return first


# --- payments --------------------------------------------------------------------------------
@pytest.fixture
def awaiting(world: World) -> str:
    return awaiting_payment(world, [FEE, FEE2])


def _request(world: World, code: str, **body: Any) -> Any:
    return world.call("POST", f"/v1/dossiers/{code}/payments", "desk", body=body or None)


def _applied(code: str, ref: str) -> None:
    dossier = dossiers.get(code)
    assert dossier is not None and dossier.status == 4 and dossier.step_id == "tham_dinh", dossier
    assert all(f.paid for f in dossier.fees)
    payment = payments.get_payment(ref)
    assert payment is not None and payment.status == "paid" and payment.applied
    assert [e.action for e in dossiers.events(code)].count("confirm_payment") == 1


def test_a_callback_redelivered_after_a_crash_between_its_writes_ends_applied(world: World, awaiting: str) -> None:
    ref = _request(world, awaiting).json_body["ref"]
    sent = pay_on_platform(world, ref)
    before = snapshot(awaiting)
    with injected("before-call", service_error, awaiting) as fired:  # DynamoDB fails the dossier's write
        crashed = payment_callback(world, sent)
    assert fired and crashed.status_code == 500, "the platform must be told to deliver again"
    assert payments.get_payment(ref).status == "pending", "a half-applied payment was recorded"  # type: ignore[union-attr]
    assert snapshot(awaiting) == before
    again = payment_callback(world, sent)  # the platform redelivers
    assert again.status_code == 200 and again.json_body["MaLoi"] == "00", again.body
    _applied(awaiting, ref)
    assert payment_callback(world, sent).status_code == 200
    _applied(awaiting, ref)


def test_a_callback_meeting_a_concurrent_change_is_retried_not_lost(world: World, awaiting: str) -> None:
    ref = _request(world, awaiting).json_body["ref"]
    sent = pay_on_platform(world, ref)
    with injected("provide-client-params", once(fail_last_item), awaiting) as fired:
        answer = payment_callback(world, sent)
    assert fired and answer.status_code == 200, answer.body
    _applied(awaiting, ref)


def test_a_callback_answer_lost_after_the_commit_is_redelivered_without_a_second_step(world: World,
                                                                                       awaiting: str) -> None:
    ref = _request(world, awaiting).json_body["ref"]
    sent = pay_on_platform(world, ref)
    with injected("after-call", lost_answer, awaiting) as fired:
        assert payment_callback(world, sent).status_code == 500
    assert fired
    _applied(awaiting, ref)
    after = snapshot(awaiting)
    assert payment_callback(world, sent).status_code == 200
    assert snapshot(awaiting) == after


def test_a_paid_record_whose_dossier_was_never_moved_is_healed_by_the_redelivery(world: World, awaiting: str) -> None:
    """What the old two-write callback left behind: the payment saved as paid, the dossier in status 6."""
    ref = _request(world, awaiting).json_body["ref"]
    sent = pay_on_platform(world, ref)
    stuck = payments.get_payment(ref).model_copy(update={  # type: ignore[union-attr]
        "status": "paid", "transaction_id": sent["MaGiaoDich"], "result_code": "00", "paid_at": dt.datetime.now(VN_TZ)})
    payments._save(stuck)
    assert payment_callback(world, sent).status_code == 200
    _applied(awaiting, ref)


def test_two_concurrent_payment_requests_make_one_charge(world: World, awaiting: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The second officer's request arrives while the first one is talking to the platform."""
    original = payments.outbound.post_json
    answers: list[Any] = []

    def platform(url: str, body: Any, *args: Any, **kwargs: Any) -> Any:
        if not answers:
            answers.append(None)
            answers[0] = _request(world, awaiting)  # the concurrent request
        return original(url, body, *args, **kwargs)

    monkeypatch.setattr(payments.outbound, "post_json", platform)
    first = _request(world, awaiting)
    monkeypatch.setattr(payments.outbound, "post_json", original)
    second = answers[0]
    assert first.status_code in (200, 201) and second.status_code in (200, 201), (first.body, second.body)
    assert first.json_body["ref"] == second.json_body["ref"]
    assert len(world.sims.payment_sim.transactions) == 1, "the citizen was asked to pay twice"
    # asked again later: the open request is answered, not a new one
    third = _request(world, awaiting)
    assert third.status_code == 200 and third.json_body["ref"] == first.json_body["ref"]
    assert third.json_body["payment_url"].endswith(f"/pay/{first.json_body['ref']}")
    assert [e.action for e in dossiers.events(awaiting)].count("payment_requested") == 1
    listed = world.call("GET", f"/v1/dossiers/{awaiting}/payments", "desk")
    assert listed.status_code == 200 and [p["ref"] for p in listed.json_body["open"]] == [first.json_body["ref"]]


def test_a_request_overlapping_an_open_one_is_refused_in_vietnamese(world: World, awaiting: str) -> None:
    first = _request(world, awaiting, fee_codes=["LP-KS"])
    assert first.status_code == 201, first.body
    overlapping = _request(world, awaiting)  # every unpaid fee, LP-KS among them
    assert overlapping.status_code == 409 and overlapping.json_body["error_code"] == "PAYMENT_PENDING"
    assert first.json_body["ref"] in overlapping.json_body["message"]
    other = _request(world, awaiting, fee_codes=["PHI-TD"])  # a fee with no open request
    assert other.status_code == 201 and other.json_body["ref"] != first.json_body["ref"]
    assert len(world.sims.payment_sim.transactions) == 2


def test_a_failed_payment_frees_its_fees_for_a_new_request(world: World, awaiting: str) -> None:
    ref = _request(world, awaiting).json_body["ref"]
    assert payment_callback(world, pay_on_platform(world, ref, "51")).status_code == 200
    assert payments.get_payment(ref).status == "failed"  # type: ignore[union-attr]
    again = _request(world, awaiting)
    assert again.status_code == 201 and again.json_body["ref"] != ref


@pytest.mark.parametrize("fault", ["reserve", "finish"])
def test_a_payment_request_interrupted_between_its_writes_is_finished_by_the_retry(
        world: World, awaiting: str, fault: str) -> None:
    before = snapshot(awaiting)
    # the reservation names the dossier's fee locks; the finishing write is the dossier's transition
    marker = f"PAYFEE#{FEE.code}" if fault == "reserve" else "payment_requested"
    with injected("before-call", service_error, marker) as fired:
        answer = _request(world, awaiting)
    assert fired and answer.status_code == 500, answer.body
    assert snapshot(awaiting) == before, "the dossier changed although the request failed"
    retried = _request(world, awaiting)
    assert retried.status_code in (200, 201), retried.body
    assert len(world.sims.payment_sim.transactions) == 1
    assert retried.json_body["payment_url"]
    assert [e.action for e in dossiers.events(awaiting)].count("payment_requested") == 1
    sent = pay_on_platform(world, retried.json_body["ref"])
    assert payment_callback(world, sent).status_code == 200
    _applied(awaiting, retried.json_body["ref"])


def test_reconciliation_applies_a_payment_whose_callback_never_came_and_flags_duplicates(world: World,
                                                                                        awaiting: str) -> None:
    ref = _request(world, awaiting).json_body["ref"]
    pay_on_platform(world, ref)  # paid; the callback was lost
    # a legacy double charge on another dossier: two paid requests for one fee
    other = world.desk_dossier()
    for n in (1, 2):
        payments._save(payments.Payment(
            ref=f"HSDUP{n}", code=other.code, amount=16000, fees=[Fee(code=FEE.code, name=FEE.name, amount=FEE.amount)],
            status="paid", requested_at=dt.datetime.now(VN_TZ), requested_by="x", transaction_id=f"GD{n}",
            applied=True))
    day = dt.datetime.now(VN_TZ).date()
    with injected("before-call", service_error, awaiting) as fired:
        failed = payments.reconcile(day)
    assert fired and [r["ref"] for r in failed["paid_not_applied"]] == [ref] and failed["applied"] == []
    assert dossiers.get(awaiting).status == 6  # type: ignore[union-attr]
    report = payments.reconcile(day)  # tomorrow's run, or the operator's
    assert [r["ref"] for r in report["paid_not_applied"]] == [ref] and report["applied"] == [ref]
    _applied(awaiting, ref)
    assert [sorted(d["refs"]) for d in report["duplicates"]] == [["HSDUP1", "HSDUP2"]]
    assert report["duplicates"][0]["code"] == other.code and report["duplicates"][0]["fee"] == FEE.code
    clean = payments.reconcile(day)
    assert clean["paid_not_applied"] == [] and clean["applied"] == []


def test_a_second_payment_of_a_paid_fee_is_recorded_as_a_duplicate_and_moves_nothing(world: World,
                                                                                       awaiting: str) -> None:
    """A request from before the per-fee locks, paid after the fee was paid: flagged for a refund."""
    ref = _request(world, awaiting).json_body["ref"]
    assert payment_callback(world, pay_on_platform(world, ref)).status_code == 200
    first = payments.get_payment(ref)
    assert first is not None
    old = first.model_copy(update={"ref": "HSCU1", "status": "pending", "applied": False, "transaction_id": None,
                                   "result_code": None, "paid_at": None})
    payments._save(old)
    sent = {"MaDoiTac": "HOSO", "MaThamChieu": "HSCU1", "MaGiaoDich": "GDCU1", "SoTien": str(old.amount),
            "MaLoi": "00", "ThoiGianThanhToan": dt.datetime.now(VN_TZ).strftime(payments.DATE_FORMAT)}
    sent["MaXacThuc"] = payments.mac(PAYMENT_KEY, sent, payments.CALLBACK_MAC_FIELDS)
    version = dossiers.get(awaiting).version  # type: ignore[union-attr]
    assert payment_callback(world, sent).status_code == 200
    recorded = payments.get_payment("HSCU1")
    assert recorded is not None and recorded.status == "paid" and recorded.duplicate and recorded.applied
    dossier = dossiers.get(awaiting)
    assert dossier is not None and dossier.status == 4 and dossier.version == version + 1
    assert dossiers.events(awaiting)[-1].action == "payment_duplicate"
    report = payments.reconcile(dt.datetime.now(VN_TZ).date())
    assert [r["ref"] for r in report["paid_twice"]] == ["HSCU1"]


# --- post ------------------------------------------------------------------------------------
def _ready(world: World) -> str:
    return world.processed().code


def _order(world: World, code: str) -> Any:
    return world.call("POST", f"/v1/dossiers/{code}/post-order", "desk", body={"sender": PARTY, "receiver": PARTY})


def _track(world: World, code: str, token: str, status: str, minute: int) -> Any:
    order = post.get_order(code)
    assert order is not None
    at = (order.created_at + dt.timedelta(minutes=minute)).isoformat()
    body = {"orderNumber": code, "trackingNumber": order.tracking_number, "status": status, "occurredAt": at}
    return world.call("POST", "/v1/post/tracking", body=body, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def ordered(world: World) -> tuple[str, str]:
    code = _ready(world)
    assert _order(world, code).status_code == 201
    dossier = dossiers.get(code)
    assert dossier is not None
    return code, create_client("buu-chinh-thu-nghiem", "Bưu chính công ích", [dossier.procedure_code],
                               kind=ClientKind.POSTAL_SERVICE, capabilities=[Capability.POST_TRACKING])


def test_an_order_interrupted_before_its_record_is_finished_by_the_retry(world: World) -> None:
    code = _ready(world)
    before = snapshot(code)
    with injected("before-call", service_error, "post_order_created") as fired:
        assert _order(world, code).status_code == 500
    assert fired and post.get_order(code) is None and snapshot(code) == before
    retried = _order(world, code)
    assert retried.status_code == 201, retried.body
    assert retried.json_body["tracking_number"] == world.sims.post_sim.orders[code]["trackingNumber"]
    assert len(world.sims.post_sim.orders) == 1 and dossiers.get(code).result_delivery == "1"  # type: ignore[union-attr]
    assert _order(world, code).status_code == 409


def test_tracking_events_out_of_order_end_in_the_right_state(world: World, ordered: tuple[str, str]) -> None:
    code, token = ordered
    assert _track(world, code, token, "picked_up", 1).status_code == 200
    assert _track(world, code, token, "out_for_delivery", 3).status_code == 200
    assert _track(world, code, token, "delivered", 4).status_code == 200
    late = _track(world, code, token, "in_transit", 2)  # held up in the postal service's queue
    assert late.status_code == 200 and late.json_body["status"] == "delivered", late.body
    assert [h["status"] for h in late.json_body["history"]] == [
        "created", "picked_up", "in_transit", "out_for_delivery", "delivered"]
    dossier = dossiers.get(code)
    assert dossier is not None and dossier.status == 10
    version = dossier.version
    assert _track(world, code, token, "delivered", 4).status_code == 200  # a replay
    assert _track(world, code, token, "delivered", 9).status_code == 200  # delivered again, later
    assert _track(world, code, token, "out_for_delivery", 8).status_code == 200  # nothing after a delivery
    assert post.get_order(code).status == "delivered"  # type: ignore[union-attr]
    assert [e.action for e in dossiers.events(code)].count("deliver_result") == 1
    assert dossiers.get(code).version == version  # type: ignore[union-attr]


@pytest.mark.parametrize("status", ["in_transit", "delivered"])
def test_a_tracking_update_interrupted_between_its_writes_is_finished_by_the_replay(
        world: World, ordered: tuple[str, str], status: str) -> None:
    code, token = ordered
    before, order_before = snapshot(code), post.get_order(code)
    with injected("before-call", service_error, code) as fired:
        assert _track(world, code, token, status, 5).status_code == 500
    assert fired and snapshot(code) == before and post.get_order(code) == order_before
    replay = _track(world, code, token, status, 5)
    assert replay.status_code == 200 and replay.json_body["status"] == status
    assert _track(world, code, token, status, 5).status_code == 200
    actions = [e.action for e in dossiers.events(code)]
    if status == "delivered":
        assert dossiers.get(code).status == 10 and actions.count("deliver_result") == 1  # type: ignore[union-attr]
    else:
        assert actions.count("post_tracking") == 1
    assert [h["status"] for h in post.get_order(code).model_dump()["history"]] == ["created", status]  # type: ignore[union-attr]


def test_a_delivery_recorded_without_moving_the_dossier_is_healed_by_the_replay(world: World,
                                                                                ordered: tuple[str, str]) -> None:
    """What the old two-write tracking left behind: the order says delivered, the dossier is in status 9."""
    code, token = ordered
    order = post.get_order(code)
    assert order is not None
    at = (order.created_at + dt.timedelta(minutes=4)).isoformat()
    stuck = order.model_copy(update={"status": "delivered", "history": [*order.history, post.TrackingEvent(
        status="delivered", status_text=post.TRACKING_LABELS["delivered"], occurred_at=at)]})
    post.OrderItem(pk=dossiers.dossier_pk(code), sk="POST#ORDER", data=stuck.model_dump(mode="json")).save()
    assert _track(world, code, token, "delivered", 4).status_code == 200
    assert dossiers.get(code).status == 10  # type: ignore[union-attr]
