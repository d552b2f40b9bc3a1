"""Fees through the payment platform simulator (SPEC §7.4): request, verified callback, forged
callback refused, receipt recorded, daily reconciliation."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import FeeItem
from chalicelib.payments import service as payments
from chalicelib.store import dossiers
from tests.integration.documents.conftest import World, awaiting_payment, officer, pay_on_platform, payment_callback

FEE = FeeItem(code="LP-KS", name="Lệ phí cấp bản sao trích lục khai sinh", amount=16000, kind="1")


@pytest.fixture
def awaiting(world: World) -> str:
    return awaiting_payment(world, [FEE])


def test_paid_callback_moves_the_dossier_on_and_records_the_receipt(world: World, awaiting: str) -> None:
    requested = world.call("POST", f"/v1/dossiers/{awaiting}/payments", "desk")
    assert requested.status_code == 201, requested.body
    ref = requested.json_body["ref"]
    assert requested.json_body["amount"] == 16000 and requested.json_body["payment_url"].endswith(f"/pay/{ref}")
    platform = world.sims.payment_sim.transactions[ref]["request"]
    assert platform["MaXacThuc"] == payments.mac("test-payment-key", platform, payments.INIT_MAC_FIELDS)
    assert platform["ThongTinBienLai"]["MaHoSo"] == awaiting and platform["SoTien"] == "16000"

    sent = pay_on_platform(world, ref)
    answer = payment_callback(world, sent)
    assert answer.status_code == 200 and answer.json_body["MaLoi"] == "00"
    dossier = dossiers.get(awaiting)
    assert dossier is not None and dossier.status == 4 and dossier.step_id == "tham_dinh"
    assert [(f.code, f.paid) for f in dossier.fees] == [("LP-KS", True)]
    events = dossiers.events(awaiting)
    confirmed = events[-1]  # the receipt, the fees paid and the step: one transaction, one event
    assert events[-2].action == "payment_requested"
    assert confirmed.action == "confirm_payment" and confirmed.actor.sub == payments.PLATFORM_ACTOR_SUB
    assert sent["MaGiaoDich"] in confirmed.note and "Biên lai" in confirmed.note
    payment = payments.get_payment(ref)
    assert payment is not None and payment.status == "paid" and payment.transaction_id == sent["MaGiaoDich"]
    # a redelivery is acknowledged and changes nothing
    assert payment_callback(world, sent).status_code == 200
    assert len(dossiers.events(awaiting)) == len(events)


def test_forged_callbacks_are_refused_and_logged(world: World, awaiting: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    ref = world.call("POST", f"/v1/dossiers/{awaiting}/payments", "desk").json_body["ref"]
    sent = pay_on_platform(world, ref, "51")  # a failed payment, properly signed
    before = dossiers.get(awaiting)
    forged = {**sent, "MaLoi": "00"}  # turned into "paid" without the key
    answer = payment_callback(world, forged)
    assert answer.status_code == 401 and answer.json_body["MaLoi"] == "02"
    unsigned = {k: v for k, v in sent.items() if k != "MaXacThuc"} | {"MaLoi": "00"}
    assert payment_callback(world, unsigned).status_code == 401
    assert dossiers.get(awaiting) == before and payments.get_payment(ref).status == "pending"  # type: ignore[union-attr]
    assert [r.levelname for r in caplog.records if r.getMessage() == "forged payment callback refused"] == [
        "WARNING", "WARNING"]
    # the genuine (failed) result is applied: the dossier keeps waiting
    assert payment_callback(world, sent).status_code == 200
    assert payments.get_payment(ref).status == "failed"  # type: ignore[union-attr]
    assert dossiers.get(awaiting).status == 6  # type: ignore[union-attr]
    assert dossiers.events(awaiting)[-1].action == "payment_failed"


def test_request_only_while_awaiting_payment(world: World) -> None:
    dossier = world.desk_dossier()
    assert world.call("POST", f"/v1/dossiers/{dossier.code}/payments", "desk").status_code == 409
    assert world.call("POST", f"/v1/dossiers/{dossier.code}/payments", "desk", "000.00.13.H26").status_code == 404


@pytest.mark.parametrize("page_size", [payments.RECONCILE_PAGE_SIZE, 1], ids=["one page", "a page per payment"])
def test_daily_reconciliation_reports_differences(world: World, awaiting: str, page_size: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payments, "RECONCILE_PAGE_SIZE", page_size)  # the last page assembles the pages' parts
    first = world.call("POST", f"/v1/dossiers/{awaiting}/payments", "desk").json_body["ref"]
    payment_callback(world, pay_on_platform(world, first))  # applied
    other = world.desk_dossier()
    world.act(other.code, "desk", "chuyen_phong")
    world.act(other.code, "head", "phan_cong", assignee=officer("appraiser").sub)
    world.act(other.code, "appraiser", "yeu_cau_nop_phi")
    second = world.call("POST", f"/v1/dossiers/{other.code}/payments", "desk").json_body["ref"]
    pay_on_platform(world, second)  # paid on the platform, callback never arrived
    report = payments.reconcile(dt.datetime.now(VN_TZ).date())
    rows = {r["ref"]: r for r in report["rows"]}
    assert rows[first]["matches"] and rows[first]["hoso"] == rows[first]["platform"] == "paid"
    assert not rows[second]["matches"] and rows[second]["platform"] == "paid" and rows[second]["hoso"] == "pending"
    assert [m["ref"] for m in report["mismatches"]] == [second] and report["paid_total"] == 16000
    # the missing result is applied from the platform's confirmation, and said so
    assert [r["ref"] for r in report["paid_not_applied"]] == [second] and report["applied"] == [second]
    assert dossiers.get(other.code).status == 4  # type: ignore[union-attr]
    key = f"reports/payments/{dt.datetime.now(VN_TZ).date():%Y/%m/%d}.json"
    stored = json.loads(world.s3.get_object(Bucket="hoso-dev-attachments", Key=key)["Body"].read())
    assert stored["mismatches"] == report["mismatches"]
