"""E-receipts' rules without AWS: the stream relay picks only newly pending receipts, a reason is
5–500 printable characters, the per-unit provider setting is strict, the adapter and the
simulator sign alike, the simulator refuses malformed receipts, DVCQG's fee record carries an
issued receipt and nothing otherwise."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Fee, FeeReceipt
from chalicelib.ereceipts import provider as providers
from chalicelib.ereceipts import records
from chalicelib.ereceipts.service import reason_errors
from chalicelib.settings import reset_settings_cache
from chalicelib.sync import payloads
from local.simulators import ereceipt as simulator


def _record(event: str, sk: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"eventName": event, "dynamodb": {"NewImage": {"sk": {"S": sk}, "data": {"S": json.dumps(data)}}}}


def test_only_inserted_pending_receipts_are_relayed() -> None:
    batch = [
        _record("INSERT", "RECEIPT#TM1-1", {"code": "A", "id": "TM1-1", "status": "pending"}),
        _record("MODIFY", "RECEIPT#TM1-1", {"code": "A", "id": "TM1-1", "status": "pending"}),  # a failure noted
        _record("MODIFY", "RECEIPT#TM1-1", {"code": "A", "id": "TM1-1", "status": "issued"}),
        _record("INSERT", "RECEIPT#TM2-1", {"code": "B", "id": "TM2-1", "status": "issued"}),
        _record("INSERT", "OUTBOX#000001", {"code": "A", "seq": 1}),
        {"eventName": "REMOVE", "dynamodb": {}},
    ]
    assert records.signals(batch) == [{"code": "A", "id": "TM1-1"}]


@pytest.mark.parametrize(("reason", "ok"), [("Sai tên", True), ("  abc ", False), ("x" * 501, False),
                                            ("Lý do\x07", False), ("Thu nhầm khoản phí", True)])
def test_a_reason_is_required(reason: str, ok: bool) -> None:
    assert (reason_errors(reason) == []) is ok


@pytest.mark.parametrize("units", ['{"U1": {"endpoint": "ftp://x"}}', "[1]", "{", '{"U1": "https://x"}'])
def test_a_malformed_unit_setting_is_an_error_not_the_default(units: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_ERECEIPT_UNITS", units)
    reset_settings_cache()
    with pytest.raises(providers.ProviderUnavailable, match="HOSO_ERECEIPT_UNITS"):
        providers.config_for("U1")
    reset_settings_cache()


def test_a_unit_uses_its_own_provider_or_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_ERECEIPT_UNITS", '{"U1": {"endpoint": "https://bl.tinh.vn", "credential": "tinh"}}')
    monkeypatch.setenv("ERECEIPT_BASE_URL", "https://bl.default.vn")
    reset_settings_cache()
    assert providers.config_for("U1") == providers.ProviderConfig("https://bl.tinh.vn", "tinh")
    assert providers.config_for("U2") == providers.ProviderConfig("https://bl.default.vn", "default")
    reset_settings_cache()


def test_the_adapter_and_the_simulator_sign_alike() -> None:
    body = json.dumps({"a": "Biên lai"}, ensure_ascii=False).encode()
    assert providers.sign("k", "POST", "/v1/receipts", body) == simulator.sign("k", "POST", "/v1/receipts", body)
    assert providers.sign("k", "POST", "/v1/receipts", body) != providers.sign("k", "POST", "/v1/receipts", b"{}")


GOOD = {"payment_ref": "TM1", "dossier_code": "A", "procedure_code": "1.1", "unit_code": "U1", "method": "cash",
        "paid_at": "20261207083000", "payer": {"name": "Nguyễn Văn An"},
        "lines": [{"code": "LP", "name": "Lệ phí", "amount": 16000}], "amount": 16000}


@pytest.mark.parametrize(("change", "problem"), [
    ({}, None), ({"amount": 15000}, "amount"), ({"lines": []}, "lines"), ({"payer": {"name": ""}}, "payer.name"),
    ({"method": "card"}, "method"), ({"paid_at": "2026-12-07"}, "paid_at"), ({"extra": 1}, "extra"),
    ({"lines": [{"name": "Lệ phí", "amount": True}]}, "lines[0]"),
])
def test_the_simulator_refuses_malformed_receipts(change: dict[str, Any], problem: str | None) -> None:
    found = simulator._problems({**GOOD, **change})
    assert (found == []) if problem is None else any(p.startswith(problem) for p in found), found


def test_the_fee_record_carries_an_issued_receipt_only() -> None:
    at = dt.datetime(2026, 12, 7, 9, 5, tzinfo=VN_TZ)
    plain = Fee(code="LP", name="Lệ phí", amount=16000)
    issued = plain.model_copy(update={"paid": True, "receipt": FeeReceipt(
        id="TM1-1", number="0000001", template="01BLP0-001", series="HS-26E", issued_at=at, lookup_code="ABC")})
    assert payloads._receipt(plain) == {}
    assert payloads._receipt(issued) == {"SoBienLai": "0000001", "KyHieuBienLai": "01BLP0-001HS-26E",
                                         "NgayBienLai": "20261207090500", "MaTraCuuBienLai": "ABC"}
