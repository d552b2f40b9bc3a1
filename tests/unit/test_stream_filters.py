"""Lambda event filtering on the dossiers stream's mappings: the local dispatcher's matcher of
the filter syntax (local/filters.py), and the stack's patterns (infra/access.py
``stream_filters``) applied to the records the store really writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest

from chalicelib.domain.dossier import Actor, AuditEvent, Dossier
from chalicelib.store.dossiers import _outbox_item
from infra.access import FUNCTION_ACCESS
from local.dispatcher import _ShardPoller
from local.filters import matches, passes
from local.provision import FunctionEvent

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ACTOR = Actor(sub="officer-1", name="Cán bộ", role="appraiser", unit_code="000.00.13.H29")


def _criteria(function: str) -> dict[str, Any]:
    return {"Filters": [{"Pattern": json.dumps(p)} for p in FUNCTION_ACCESS[function].stream_filters]}


def _record(event_name: str, image: dict[str, Any]) -> dict[str, Any]:
    return {"eventName": event_name, "eventSource": "aws:dynamodb",
            "dynamodb": {"Keys": {"pk": image["pk"], "sk": image["sk"]}, "NewImage": image, "SequenceNumber": "1"}}


def _outbox_record(action: str, from_status: int, to_status: int) -> dict[str, Any]:
    event = AuditEvent(seq=7, at=NOW, actor=ACTOR, action=action, label="", from_step="a", to_step="b",
                       from_status=from_status, to_status=to_status)  # fmt: skip
    dossier = cast(Dossier, SimpleNamespace(code="000.00.13.H29-261207-0001", province_code="79"))
    return _record("INSERT", _outbox_item(dossier, event, NOW).serialize())


def _plain(sk: str, event_name: str = "INSERT") -> dict[str, Any]:
    return _record(event_name, {"pk": {"S": "DOSSIER#x"}, "sk": {"S": sk}, "data": {"S": "{}"}})


# --- the matcher --------------------------------------------------------------------------------
def test_values_prefixes_and_existence() -> None:
    pattern = {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"sk": {"S": [{"prefix": "OUTBOX#"}]},
                                                                            "mark": {"S": [{"exists": True}]}}}}
    hit = {"eventName": "MODIFY", "dynamodb": {"NewImage": {"sk": {"S": "OUTBOX#000001"}, "mark": {"S": "x"}}}}
    assert matches(pattern, hit)
    assert not matches(pattern, {**hit, "eventName": "REMOVE"})
    assert not matches(pattern, {**hit, "dynamodb": {"NewImage": {"sk": {"S": "EVENT#000001"}, "mark": {"S": "x"}}}})
    assert not matches(pattern, {**hit, "dynamodb": {"NewImage": {"sk": {"S": "OUTBOX#000001"}}}})
    assert not matches(pattern, {"eventName": "INSERT"})  # an object the record lacks
    assert matches({"a": [{"exists": False}]}, {"b": 1})
    assert not matches({"a": [{"exists": False}]}, {"a": 1})
    assert not matches({"a": [1]}, {"a": 2})


def test_criteria_are_any_of_their_patterns_and_none_delivers_everything() -> None:
    criteria = {"Filters": [{"Pattern": json.dumps({"a": ["x"]})}, {"Pattern": json.dumps({"b": ["y"]})}]}
    assert passes(criteria, {"b": "y"}) and passes(criteria, {"a": "x"}) and not passes(criteria, {"a": "y"})
    assert passes(None, {"anything": 1})


def test_an_unknown_rule_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="not emulated"):
        matches({"a": [{"numeric": [">", 1]}]}, {"a": 2})


# --- the stack's patterns on the store's records -------------------------------------------------
def test_edata_capture_gets_only_the_events_issuing_a_result_or_refusing() -> None:
    edata = _criteria("edata_capture")
    assert passes(edata, _outbox_record("approve", 4, 9))  # processed: results issued
    assert passes(edata, _outbox_record("refuse", 4, 3))  # refused
    assert not passes(edata, _outbox_record("transfer", 4, 4))  # a plain step
    assert not passes(edata, _outbox_record("receive", 1, 2))
    assert not passes(edata, _plain("EVENT#000007"))
    assert not passes(edata, _plain("DOSSIER", "MODIFY"))


def test_outbox_relay_gets_outbox_and_receipt_records_only() -> None:
    relay = _criteria("outbox_relay")
    assert passes(relay, _outbox_record("transfer", 4, 4))  # every committed step is relayed
    assert passes(relay, _plain("RECEIPT#r1")) and passes(relay, _plain("RECEIPT#r1", "MODIFY"))
    assert not passes(relay, _plain("OUTBOX#000007", "MODIFY"))
    assert not passes(relay, _plain("EVENT#000007"))
    assert not passes(relay, _plain("DOSSIER", "MODIFY"))


# --- the dispatcher's stream poller ---------------------------------------------------------------
class _Streams:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803 — boto3's names
        batch, self.records = self.records[:Limit], self.records[Limit:]
        return {"Records": batch, "NextShardIterator": f"after-{len(batch)}"}


class _Dispatcher:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.streams = _Streams(records)
        self.provisioned = SimpleNamespace(region="ap-southeast-1", account_id="000000000000")
        self.checkpoints: dict[str, str] = {}
        self.invoked: list[list[str]] = []

    def client(self, service: str) -> _Streams:
        return self.streams

    def invoke(self, spec: Any, event: dict[str, Any]) -> Any:
        self.invoked.append([r["dynamodb"]["NewImage"]["sk"]["S"] for r in event["Records"]])
        return SimpleNamespace(ok=True, result={"batchItemFailures": []})


def _numbered(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "dynamodb": {**r["dynamodb"], "SequenceNumber": str(i + 1)}} for i, r in enumerate(records)]


def test_the_dispatcher_invokes_a_filtered_mapping_only_with_matching_records() -> None:
    issued = _outbox_record("approve", 4, 9)
    stream = _numbered([_outbox_record("transfer", 4, 4), _plain("EVENT#000007"), issued, _plain("DOSSIER", "MODIFY")])
    d = _Dispatcher(stream)
    event = FunctionEvent("Stream", "DynamoDB", {"BatchSize": 100, "FilterCriteria": _criteria("edata_capture"),
                                                 "FunctionResponseTypes": ["ReportBatchItemFailures"]})  # fmt: skip
    poller = _ShardPoller(cast(Any, d), cast(Any, None), event, "arn:stream", "shard-1", "start")
    assert poller.step()
    assert d.invoked == [[issued["dynamodb"]["NewImage"]["sk"]["S"]]]
    assert d.checkpoints == {"shard-1": "4"} and poller.iterator == "after-4"  # past the skipped ones too

    d = _Dispatcher(_numbered([_plain("EVENT#000007"), _plain("DOSSIER", "MODIFY")]))
    poller = _ShardPoller(cast(Any, d), cast(Any, None), event, "arn:stream", "shard-1", "start")
    assert poller.step()
    assert d.invoked == [] and d.checkpoints == {"shard-1": "2"}  # nothing matched: no invocation at all
