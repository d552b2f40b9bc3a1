"""The benchmark's billing arithmetic (bench.units, bench.prices, bench.synclag): AWS's own
rules applied to recorded calls, checked on hand-computed cases."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest

from bench.awscalls import Call
from bench.prices import PRICES, SOURCES
from bench.synclag import percentile, summary
from bench.units import DynamoUnits, Usage, cost, dynamodb_units, item_size, s3_requests, sqs_requests, value_size

GSI = {"dossiers": [("gsi1pk", "gsi1sk")]}


def call(service: str, operation: str, params: dict[str, Any], response: dict[str, Any] | None = None,
         origin: str = "api", error: str | None = None) -> Call:
    return Call(service=service, operation=operation, params=params, response=response or {}, error=error,
                origin=origin, seconds=0.0)


def text(n: int) -> dict[str, str]:
    return {"S": "x" * n}


def test_attribute_sizes_follow_dynamodb_rules() -> None:
    assert value_size({"S": "Nguyễn"}) == len("Nguyễn".encode())  # UTF-8 bytes, not characters
    assert value_size({"N": "12345"}) == 1 + 3  # one byte per two significant digits, plus one
    assert value_size({"N": "100"}) == 1 + 1  # trailing zeros are not significant
    assert value_size({"BOOL": True}) == 1
    assert value_size({"L": [{"S": "ab"}, {"N": "1"}]}) == 3 + (1 + 2) + (1 + 2)
    assert value_size({"M": {"k": {"S": "abc"}}}) == 3 + 1 + 1 + 3
    assert item_size({"pk": {"S": "D#1"}, "n": {"N": "7"}}) == (2 + 3) + (1 + 2)


def test_a_put_costs_a_unit_per_kb_and_each_index_the_item_is_in() -> None:
    item = {"pk": text(10), "data": text(1500)}  # ~1.5 KB: 2 WRU
    plain = dynamodb_units([call("dynamodb", "PutItem", {"TableName": "dossiers", "Item": item,
                                                         "ConditionExpression": "attribute_not_exists(pk)"})], GSI)
    assert plain.write == 2
    indexed = {**item, "gsi1pk": text(5), "gsi1sk": text(5)}
    created = dynamodb_units([call("dynamodb", "PutItem", {"TableName": "dossiers", "Item": indexed,
                                                           "ConditionExpression": "attribute_not_exists(pk)"})], GSI)
    assert created.write == 2 + 2  # the table and the index
    overwrite = dynamodb_units([call("dynamodb", "PutItem", {"TableName": "dossiers", "Item": indexed})], GSI)
    assert overwrite.write == 2 + 4  # the index entry may move: a delete and a put there


def test_index_writes_follow_the_previous_image_when_the_run_knows_it() -> None:
    first = {"pk": {"S": "D#1"}, "sk": {"S": "META"}, "gsi1pk": {"S": "UNIT#S#2"}, "gsi1sk": text(5), "d": text(500)}
    same_keys = {**first, "d": text(600)}
    moved = {**same_keys, "gsi1pk": {"S": "UNIT#S#4"}}
    out_of_index = {k: v for k, v in moved.items() if not k.startswith("gsi1")}

    def put(item: dict[str, Any], create: bool = False) -> Call:
        return call("dynamodb", "TransactWriteItems", {"TransactItems": [{"Put": {
            "TableName": "dossiers", "Item": item, **({"ConditionExpression": "attribute_not_exists(pk)"}
                                                      if create else {})}}]})

    units = dynamodb_units([put(first, create=True), put(same_keys), put(moved), put(out_of_index),
                            call("dynamodb", "DeleteItem", {"TableName": "dossiers", "Key": {
                                "pk": {"S": "D#1"}, "sk": {"S": "META"}}})], GSI)
    assert units.write_by["dossiers TransactWriteItems"] == 4 * 2  # each item < 1 KB, transactional
    assert units.write_by["dossiers GSI"] == 1 + 1 + 2 + 1  # appears, updated in place, moves, goes
    assert units.write_by["dossiers DeleteItem"] == 1
    assert units.bounded == 0


def test_transactions_count_twice_and_failed_calls_nothing() -> None:
    items = [{"Put": {"TableName": "events", "Item": {"pk": text(10), "data": text(300)},
                      "ConditionExpression": "attribute_not_exists(pk)"}},
             {"Update": {"TableName": "counters", "Key": {"pk": text(10)},
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}},
             {"ConditionCheck": {"TableName": "counters", "Key": {"pk": text(10)}}}]
    units = dynamodb_units([call("dynamodb", "TransactWriteItems", {"TransactItems": items}),
                            call("dynamodb", "PutItem", {"TableName": "events", "Item": {"pk": text(9000)}},
                                 error="ConditionalCheckFailedException")], GSI)
    assert units.write == 2 * 1 + 2 * 1 + 2
    assert units.by_operation == Counter({"TransactWriteItems": 1})


def test_reads_by_4_kb_halved_when_eventually_consistent() -> None:
    big = {"pk": text(10), "data": text(5000)}  # ~5 KB: 2 read units
    units = dynamodb_units([
        call("dynamodb", "GetItem", {"TableName": "t", "ConsistentRead": True}, {"Item": big}),
        call("dynamodb", "GetItem", {"TableName": "t"}, {"Item": big}),
        call("dynamodb", "GetItem", {"TableName": "t"}, {}),  # nothing found still costs the minimum
    ], GSI)
    assert units.read == 2 + 1 + 0.5


def test_a_query_is_billed_on_what_it_evaluates_not_what_it_returns() -> None:
    items = [{"pk": text(10), "data": text(990)} for _ in range(2)]  # 2 × 1 KB returned
    answer = {"Items": items, "Count": 2, "ScannedCount": 20}  # 18 more evaluated and filtered out
    units = dynamodb_units([call("dynamodb", "Query", {"TableName": "t"}, answer)], GSI)
    assert units.read == 5 * 0.5  # 20 KB evaluated → 5 × 4 KB, eventually consistent
    scan = dynamodb_units([call("dynamodb", "Scan", {"TableName": "t"}, {"Items": [], "Count": 0,
                                                                          "ScannedCount": 0})], GSI)
    assert scan.scans == 1


def test_sqs_empty_polls_are_apart_and_s3_requests_by_class() -> None:
    calls = [call("sqs", "ReceiveMessage", {}, {"Messages": [{"Body": "{}"}]}, origin="esm"),
             call("sqs", "ReceiveMessage", {}, {}, origin="esm"),
             call("sqs", "GetQueueAttributes", {}, {}, origin="esm"),
             call("sqs", "SendMessageBatch", {}, {}),
             call("s3", "PutObject", {"Body": b"%PDF" * 256}),
             call("s3", "PutObject", {"Body": io.BytesIO(b"x" * 100)}),  # as boto3 hands it to botocore
             call("s3", "GetObject", {}),
             call("s3", "HeadObject", {}),
             call("s3", "DeleteObject", {})]
    assert sqs_requests(calls) == (2, 1)
    assert s3_requests(calls) == (2, 2, 1124)


def test_cost_prices_each_unit() -> None:
    usage = Usage(dynamodb=DynamoUnits(write=10, read=4), api_requests=2, lambda_invocations=3,
                  lambda_gb_seconds=0.5, sqs_requests=5, sqs_idle_polls=100, s3_put_requests=1, s3_get_requests=2,
                  s3_bytes_stored=1024**3, step_functions_transitions=4, kms_requests=1, secrets_requests=0,
                  log_bytes=0, operations=Counter())
    lines = cost(usage, PRICES)
    assert lines["DynamoDB writes"] == pytest.approx(10 * 0.7125e-6)
    assert lines["DynamoDB reads"] == pytest.approx(4 * 0.1425e-6)
    assert lines["API Gateway"] == pytest.approx(2 * 4.25e-6)
    assert lines["Lambda duration"] == pytest.approx(0.5 * 0.0000133334)  # arm64
    assert lines["SQS"] == pytest.approx(5 * 0.4e-6)  # the idle polls are not per-dossier
    assert lines["Step Functions"] == pytest.approx(4 * 0.025e-3)
    assert lines["S3 storage (1 month)"] == pytest.approx(0.025)
    assert lines["KMS"] == pytest.approx(0.03 / 10_000)
    assert sum(lines.values()) == pytest.approx(
        10 * 0.7125e-6 + 4 * 0.1425e-6 + 2 * 4.25e-6 + 3 * 0.2e-6 + 0.5 * 0.0000133334 + 5 * 0.4e-6
        + 4 * 0.025e-3 + 0.005e-3 + 2 * 0.0004e-3 + 0.025 + 0.03 / 10_000)


def test_every_price_names_its_page_and_date() -> None:
    assert set(SOURCES) == set(PRICES)
    assert all(s.url.startswith("https://aws.amazon.com/") and len(s.as_of) == 7 for s in SOURCES.values())


def test_percentiles_by_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7
    assert summary([3.0, 1.0, 2.0]) == {"n": 3, "p50": 2.0, "p95": 3.0, "max": 3.0}


def test_an_index_write_costs_the_entry_it_projects_not_the_item() -> None:
    """A KEYS_ONLY or INCLUDE index entry is billed on its own size; an entry that stays the same
    (keys and projected attributes unchanged) costs nothing (chalicelib/store/indexes.py)."""
    first = {"pk": {"S": "D#1"}, "sk": {"S": "META"}, "gsi1pk": {"S": "UNIT#S#2"}, "gsi1sk": text(5),
             "status": {"N": "2"}, "data": text(4500)}
    changed = {**first, "data": text(4600)}  # a step that changes only the dossier document
    moved = {**changed, "gsi1pk": {"S": "UNIT#S#4"}, "status": {"N": "4"}}

    def put(item: dict[str, Any], create: bool = False) -> Call:
        return call("dynamodb", "PutItem", {"TableName": "dossiers", "Item": item, **(
            {"ConditionExpression": "attribute_not_exists(pk)"} if create else {})})

    def index_wru(gsi: Any) -> float:
        return dynamodb_units([put(first, create=True), put(changed), put(moved)], gsi).write_by["dossiers GSI"]

    assert index_wru({"dossiers": [("gsi1pk", "gsi1sk")]}) == 5 + 5 + 2 * 5  # ALL: 4.5 KB per entry write
    assert index_wru({"dossiers": [("gsi1pk", "gsi1sk", frozenset())]}) == 1 + 0 + 2  # KEYS_ONLY: tiny, skipped
    assert index_wru({"dossiers": [("gsi1pk", "gsi1sk", frozenset({"status"}))]}) == 1 + 0 + 2  # INCLUDE
    bounded = dynamodb_units([put(changed)], {"dossiers": [("gsi1pk", "gsi1sk", frozenset())]})
    assert bounded.write_by["dossiers GSI"] == 2 and bounded.bounded == 1  # unknown previous image: the entry's
