"""E-receipts (SPEC §7.8) against moto and the e-receipt provider simulator over HTTP: issued on
payment through the outbox (the payment and its pending receipt in one transaction), idempotent
at the provider, stored (S3 + the dossier's fee record), sent to the applicant, listed in DVCQG's
fee records; a fault between the writes and a provider that fails then recovers never make two
receipts; cancel/replace with a reason; the daily reconciliation issues the missing and flags the
rest."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from pynamodb.connection import Connection

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import FeeItem
from chalicelib.ereceipts import provider as providers
from chalicelib.ereceipts import records
from chalicelib.ereceipts import service as receipts
from chalicelib.integrations import secrets
from chalicelib.payments import service as payments
from chalicelib.settings import get_settings, reset_settings_cache
from chalicelib.store import dossiers
from chalicelib.sync import payloads
from local.simulators.base import RunningServer, serve
from local.simulators.ereceipt import EreceiptSimulator
from local.simulators.messaging import MessagingSimulator
from tests.integration.documents.conftest import REGION, World, awaiting_payment, officer

FEE = FeeItem(code="LP-KS", name="Lệ phí cấp bản sao trích lục khai sinh", amount=16000, kind="1")
KEY = "test-ereceipt-key"


@pytest.fixture(scope="module")
def provider_sim() -> Iterator[tuple[RunningServer, EreceiptSimulator, RunningServer]]:
    sim = EreceiptSimulator("ereceipt", {"hoso": KEY})
    server = serve(sim, 0)
    messaging = serve(MessagingSimulator("messaging", "test-messaging-token"), 0)
    yield server, sim, messaging
    server.stop()
    messaging.stop()


@pytest.fixture
def ereceipt(world: World, provider_sim: Any, monkeypatch: pytest.MonkeyPatch) -> EreceiptSimulator:
    server, sim, messaging = provider_sim
    monkeypatch.setenv("ERECEIPT_BASE_URL", server.url)
    monkeypatch.setenv("MESSAGING_BASE_URL", messaging.url)
    reset_settings_cache()
    sm = boto3.client("secretsmanager", region_name=REGION)
    sm.create_secret(Name=get_settings().ereceipt_secret_id,
                     SecretString=json.dumps({"default": {"client_id": "hoso", "key": KEY}}))
    sm.create_secret(Name=get_settings().messaging_secret_id,
                     SecretString=json.dumps({"token": "test-messaging-token"}))
    secrets.clear_cache()
    for url in (server.url, messaging.url):
        requests.post(f"{url}/_sim/reset", timeout=5).raise_for_status()
    return sim


def relay_and_issue(world: World) -> list[dict[str, str]]:
    """What the outbox relay and the issue_receipts worker do with the stream's new records."""
    found = records.signals(world.stream_records())
    for signal in found:
        receipts.issue(signal["code"], signal["id"])
    return found


def pay_cash(world: World, code: str, amount: int = 16000) -> Any:
    answer = world.call("POST", f"/v1/dossiers/{code}/payments/cash", "desk",
                        body={"amount": amount, "receipt_number": "0000123"})
    assert answer.status_code == 201, answer.body
    return answer.json_body


def issue_requests(sim: EreceiptSimulator) -> list[dict[str, Any]]:
    return [r for r in sim.requests if r["path"] == "/v1/receipts" and r["method"] == "POST"]


def test_cash_payment_issues_one_receipt_shown_sent_and_listed_for_dvcqg(world: World,
                                                                         ereceipt: EreceiptSimulator) -> None:
    code = awaiting_payment(world, [FEE])
    payment = pay_cash(world, code)
    # the payment's transaction wrote the pending receipt: the outbox signal
    signals = relay_and_issue(world)
    assert signals == [{"code": code, "id": f"{payment['ref']}-1"}]
    assert len(ereceipt.receipts) == 1 and [r["status"] for r in issue_requests(ereceipt)] == [201]
    listed = world.call("GET", f"/v1/dossiers/{code}/receipts", "appraiser")
    assert listed.status_code == 200
    shown = listed.json_body["receipts"][0]
    assert shown["status"] == "issued" and shown["amount"] == 16000 and shown["number"] == "0000001"
    assert shown["series"] == "HS-26E" and shown["lookup_code"] and shown["notified"] is True
    link = world.call("GET", f"/v1/dossiers/{code}/receipts/{shown['id']}/file/pdf", "desk")
    assert link.status_code == 200 and link.json_body["name"].endswith(".pdf")
    pdf = world.s3.get_object(Bucket="hoso-dev-attachments", Key=shown["pdf_key"])["Body"].read()
    assert pdf.startswith(b"%PDF")
    # the dossier's record and DVCQG's fee list carry it
    dossier = dossiers.get(code)
    assert dossier is not None and dossier.fees[0].receipt is not None
    record = payloads.dossier_record(dossier, unit_name="UBND", link=lambda doc: f"https://hoso/{doc.id}")
    fee_record = record["DanhSachLePhi"][0]
    assert fee_record["SoBienLai"] == "0000001" and fee_record["KyHieuBienLai"] == "01BLP0-001HS-26E"
    assert fee_record["MaTraCuuBienLai"] == shown["lookup_code"] and len(fee_record["NgayBienLai"]) == 14
    assert dossiers.events(code)[-1].action == "receipt_issued"
    # the applicant was told (e-mail and/or SMS, referenced by the receipt)
    sent = requests.get(f"{get_settings().messaging_base_url}/_sim/messages", timeout=5).json()["messages"]
    assert sent and all(m["reference"] == f"receipt-{shown['id']}" and "0000001" in m["text"] for m in sent)
    # a redelivered signal issues nothing more
    receipts.issue(code, shown["id"])
    assert len(issue_requests(ereceipt)) == 1 and len(ereceipt.receipts) == 1


def test_provider_failing_then_recovering_makes_one_receipt(world: World, ereceipt: EreceiptSimulator,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "BACKOFF_S", 0.0)
    code = awaiting_payment(world, [FEE])
    pay_cash(world, code)
    (signal,) = records.signals(world.stream_records())
    # down: every attempt fails, the message comes back later
    requests.post(f"{get_settings().ereceipt_base_url}/_sim/mode", json={"down": True}, timeout=5)
    with pytest.raises(providers.ProviderUnavailable):
        receipts.issue(signal["code"], signal["id"])
    stored = records.load(code, signal["id"])
    assert stored is not None and stored.receipt.status == "pending" and stored.receipt.attempts == 1
    # up again, but the provider's answer to the issue is lost after it issued: the adapter's retry
    # (same Idempotency-Key) gets the same receipt back
    requests.post(f"{get_settings().ereceipt_base_url}/_sim/mode", json={"down": False, "lose_next": 1}, timeout=5)
    issued = receipts.issue(signal["code"], signal["id"])
    assert issued is not None and issued.status == "issued"
    assert len(ereceipt.receipts) == 1
    assert [r["status"] for r in issue_requests(ereceipt)][-2:] == [502, 200]


def test_a_fault_between_the_provider_and_the_write_issues_no_second_receipt(
        world: World, ereceipt: EreceiptSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    code = awaiting_payment(world, [FEE])
    pay_cash(world, code)
    (signal,) = records.signals(world.stream_records())
    real = Connection.transact_write_items
    calls = {"n": 0}

    def failing(self: Connection, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        raise RuntimeError("injected: the worker died before its transaction")

    monkeypatch.setattr(Connection, "transact_write_items", failing)
    with pytest.raises(RuntimeError, match="injected"):
        receipts.issue(signal["code"], signal["id"])
    monkeypatch.setattr(Connection, "transact_write_items", real)
    assert calls["n"] == 1 and len(ereceipt.receipts) == 1  # issued at the provider, not recorded here
    stored = records.load(code, signal["id"])
    assert stored is not None and stored.receipt.status == "pending"
    dossier = dossiers.get(code)
    assert dossier is not None and dossier.fees[0].receipt is None
    # the message comes back: the same receipt, recorded once
    issued = receipts.issue(signal["code"], signal["id"])
    assert issued is not None and issued.number == "0000001" and len(ereceipt.receipts) == 1
    assert [e.action for e in dossiers.events(code)].count("receipt_issued") == 1


def test_a_fault_in_the_payment_transaction_leaves_no_receipt_to_issue(world: World, ereceipt: EreceiptSimulator,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    code = awaiting_payment(world, [FEE])
    world.stream_records()
    real = Connection.transact_write_items

    def failing(self: Connection, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected: the payment's transaction failed")

    monkeypatch.setattr(Connection, "transact_write_items", failing)
    answer = world.call("POST", f"/v1/dossiers/{code}/payments/cash", "desk",
                        body={"amount": 16000, "receipt_number": "0000123"})
    monkeypatch.setattr(Connection, "transact_write_items", real)
    assert answer.status_code == 500
    assert records.of_dossier(code) == [] and records.signals(world.stream_records()) == []
    pay_cash(world, code)
    assert len(relay_and_issue(world)) == 1 and len(ereceipt.receipts) == 1


def _issued(world: World, code: str) -> records.Receipt:
    pay_cash(world, code)
    relay_and_issue(world)
    (receipt,) = records.of_dossier(code)
    return receipt


def test_cancel_with_a_reason(world: World, ereceipt: EreceiptSimulator) -> None:
    code = awaiting_payment(world, [FEE])
    receipt = _issued(world, code)
    path = f"/v1/dossiers/{code}/receipts/{receipt.id}/cancel"
    short = world.call("POST", path, "desk", body={"reason": "x"})
    assert short.status_code == 422 and short.json_body["error_code"] == "INVALID_REASON"
    assert world.call("POST", path, "appraiser", body={"reason": "Thu nhầm khoản phí"}).status_code == 403
    done = world.call("POST", path, "desk", body={"reason": "Thu nhầm khoản phí"})
    assert done.status_code == 200 and done.json_body["status"] == "cancelled"
    assert ereceipt.receipts[str(receipt.lookup_code)]["status"] == "cancelled"
    event = dossiers.events(code)[-1]
    assert event.action == "receipt_cancelled" and "Thu nhầm khoản phí" in event.note
    dossier = dossiers.get(code)
    assert dossier is not None and dossier.fees[0].receipt is None
    again = world.call("POST", path, "desk", body={"reason": "Thu nhầm khoản phí"})
    assert again.status_code == 409 and again.json_body["error_code"] == "RECEIPT_NOT_ISSUED"


def test_replace_links_the_new_receipt_to_the_original(world: World, ereceipt: EreceiptSimulator) -> None:
    code = awaiting_payment(world, [FEE])
    original = _issued(world, code)
    answer = world.call("POST", f"/v1/dossiers/{code}/receipts/{original.id}/replace", "head",
                        body={"reason": "Sai tên người nộp", "payer_name": "Nguyễn Văn An"})
    assert answer.status_code == 202, answer.body
    new_id = answer.json_body["id"]
    assert answer.json_body["status"] == "pending" and answer.json_body["replaces"] == original.id
    assert relay_and_issue(world) == [{"code": code, "id": new_id}]
    by_id = {r.id: r for r in records.of_dossier(code)}
    assert by_id[original.id].status == "replaced" and by_id[original.id].replaced_by == new_id
    assert by_id[new_id].status == "issued" and by_id[new_id].payer_name == "Nguyễn Văn An"
    remote = ereceipt.receipts[str(by_id[new_id].lookup_code)]
    assert remote["replaces"] == original.lookup_code and remote["reason"] == "Sai tên người nộp"
    assert ereceipt.receipts[str(original.lookup_code)]["status"] == "replaced"
    dossier = dossiers.get(code)
    assert dossier is not None and dossier.fees[0].receipt is not None and dossier.fees[0].receipt.id == new_id


def test_daily_reconciliation_issues_the_missing_and_flags_the_rest(world: World, ereceipt: EreceiptSimulator,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    code = awaiting_payment(world, [FEE])
    payment = pay_cash(world, code)
    world.stream_records()  # the signal got lost: nothing issued
    (pending,) = records.of_dossier(code)
    # as if the payment predated e-receipts
    records.ReceiptItem(pk=dossiers.dossier_pk(code), sk=f"RECEIPT#{pending.id}").delete()
    # the provider has a receipt hoso never asked for
    requests.post(f"{get_settings().ereceipt_base_url}/_sim/receipts",
                  json={"payment_ref": "HSUNKNOWN", "amount": 50000, "unit_code": pending.unit_code}, timeout=5)
    real_call = payments.outbound.call

    def platform_unreachable(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(get_settings().payment_base_url):
            raise payments.outbound.GatewayError("the payment platform is not part of this test")
        return real_call(method, url, *args, **kwargs)

    monkeypatch.setattr(payments.outbound, "call", platform_unreachable)
    day = dt.datetime.now(VN_TZ).date()
    report = payments.reconcile(day)
    assert report["receipts_issued"] == [{"code": code, "ref": payment["ref"]}]
    assert [f["kind"] for f in report["receipts_flagged_by_provider"]] == ["no_payment"]
    relay_and_issue(world)
    (issued,) = records.of_dossier(code)
    assert issued.status == "issued"
    flags = world.call("GET", "/v1/receipts/flagged", "desk")
    assert flags.status_code == 200 and [f["payment_ref"] for f in flags.json_body["flags"]] == ["HSUNKNOWN"]
    assert world.call("GET", "/v1/receipts/flagged", "desk", "000.00.13.H26").json_body["flags"] == []
    # a receipt of another amount than its payment is flagged too
    item = records.ReceiptItem.get(dossiers.dossier_pk(code), f"RECEIPT#{issued.id}")
    item.update(actions=[records.ReceiptItem.data.set({**item.data, "amount": 17000})])
    again = payments.reconcile(day)
    assert [f["kind"] for f in again["receipts_flagged"]] == ["amount_mismatch"]


def test_malformed_requests_are_refused_by_the_provider(world: World, ereceipt: EreceiptSimulator) -> None:
    provider = providers.connect("any")
    with pytest.raises(providers.ProviderRefused) as refused:
        provider.issue({"payment_ref": "X", "amount": 5}, "k-1")
    assert refused.value.status == 400 and refused.value.code == "INVALID"
    bad_key = providers.Provider(providers.ProviderConfig(get_settings().ereceipt_base_url, "default"))
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=get_settings().ereceipt_secret_id,
        SecretString=json.dumps({"default": {"client_id": "hoso", "key": "wrong"}}))
    secrets.clear_cache()
    with pytest.raises(providers.ProviderRefused) as unsigned:
        bad_key.day("20260101")
    assert unsigned.value.status == 401
    assert ereceipt.receipts == {}
    assert officer("desk").sub  # the demo officers are seeded
