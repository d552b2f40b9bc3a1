"""Billable units of recorded AWS calls (``bench.awscalls``), by AWS's own rules.

DynamoDB (on-demand): a write request unit per KB of the item written (a transactional write
counts twice), each global secondary index the item is in costs its own write (an overwrite
that may move the item in an index counts a delete and a put there: an upper bound); a read
request unit per 4 KB read (an eventually consistent read counts half, a transactional read
twice); a Query is billed on the size of every item it *evaluates*, filtered out or not. Item
sizes are computed from the attribute values as DynamoDB does (names + values). moto's
``ConsumedCapacity`` answers are not used: they are constants.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bench.awscalls import Call

KB = 1024
_S3_PUT_CLASS = {"PutObject", "CopyObject", "PostObject", "ListObjects", "ListObjectsV2", "ListObjectVersions",
                 "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "PutObjectTagging"}
_S3_FREE = {"DeleteObject", "DeleteObjects", "AbortMultipartUpload"}

# table name → the (hash, range) key attributes of each of its global secondary indexes
GsiKeys = Mapping[str, list[tuple[str, str | None]]]


def value_size(value: Mapping[str, Any]) -> int:
    (kind, raw), = value.items()
    if kind == "S":
        return len(str(raw).encode())
    if kind == "N":
        digits = Decimal(str(raw)).normalize().as_tuple().digits  # significant digits only
        return 1 + math.ceil(max(1, len(digits)) / 2)
    if kind == "B":
        return len(raw) if isinstance(raw, bytes | bytearray) else len(str(raw))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: v}) for v in raw)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in raw)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + value_size(v) for k, v in raw.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: Mapping[str, Any] | None) -> int:
    return sum(len(k.encode()) + value_size(v) for k, v in (item or {}).items())


def _write_units(size: int) -> int:
    return max(1, math.ceil(size / KB))


def _read_units(size: int) -> int:
    return max(1, math.ceil(size / (4 * KB)))


@dataclass
class DynamoUnits:
    write: float = 0.0
    read: float = 0.0
    by_operation: Counter[str] = field(default_factory=Counter)
    scans: int = 0

    def add_write(self, table: str, item: Mapping[str, Any], gsi: GsiKeys, *, transactional: bool,
                  overwrite: bool) -> None:
        size = item_size(item)
        self.write += _write_units(size) * (2 if transactional else 1)
        for hash_key, range_key in gsi.get(table, []):
            if hash_key in item and (range_key is None or range_key in item):
                self.write += _write_units(size) * (2 if overwrite else 1)


def _is_create(condition: str | None) -> bool:
    return bool(condition) and "attribute_not_exists" in str(condition)


def dynamodb_units(calls: Iterable[Call], gsi: GsiKeys) -> DynamoUnits:
    units = DynamoUnits()
    for call in calls:
        if call.service != "dynamodb" or call.error:
            continue
        p, r = call.params, call.response or {}
        units.by_operation[call.operation] += 1
        op = call.operation
        if op == "PutItem":
            units.add_write(p["TableName"], p["Item"], gsi, transactional=False,
                            overwrite=not _is_create(p.get("ConditionExpression")))
        elif op == "UpdateItem":
            units.write += _write_units(item_size(p["Key"]) + item_size(p.get("ExpressionAttributeValues")))
        elif op == "DeleteItem":
            units.write += 1
        elif op == "BatchWriteItem":
            for table, requests in p["RequestItems"].items():
                for request in requests:
                    if "PutRequest" in request:
                        units.add_write(table, request["PutRequest"]["Item"], gsi, transactional=False,
                                        overwrite=True)
                    else:
                        units.write += 1
        elif op == "TransactWriteItems":
            for entry in p["TransactItems"]:
                (kind, body), = entry.items()
                if kind == "Put":
                    units.add_write(body["TableName"], body["Item"], gsi, transactional=True,
                                    overwrite=not _is_create(body.get("ConditionExpression")))
                elif kind == "Update":
                    size = item_size(body["Key"]) + item_size(body.get("ExpressionAttributeValues"))
                    units.write += 2 * _write_units(size)
                elif kind in ("Delete", "ConditionCheck"):
                    units.write += 2
        elif op == "GetItem":
            units.read += _read_units(item_size(r.get("Item"))) * (1 if p.get("ConsistentRead") else 0.5)
        elif op == "BatchGetItem":
            for items in r.get("Responses", {}).values():
                units.read += sum(_read_units(item_size(i)) * 0.5 for i in items)
        elif op == "TransactGetItems":
            units.read += sum(2 * _read_units(item_size(i.get("Item"))) for i in r.get("Responses", []))
        elif op in ("Query", "Scan"):
            items = r.get("Items", [])
            returned = sum(item_size(i) for i in items)
            scanned, count = int(r.get("ScannedCount", len(items))), int(r.get("Count", len(items)))
            average = returned / count if count else 2 * KB
            evaluated = returned + max(0, scanned - count) * average
            units.read += math.ceil(evaluated / (4 * KB)) * (1 if p.get("ConsistentRead") else 0.5) if scanned else 0.5
            if op == "Scan":
                units.scans += 1
    return units


@dataclass
class Usage:
    """What one scenario consumed, in the units AWS bills."""

    dynamodb: DynamoUnits
    api_requests: int
    lambda_invocations: int
    lambda_gb_seconds: float
    sqs_requests: int
    sqs_idle_polls: int
    s3_put_requests: int
    s3_get_requests: int
    s3_bytes_stored: int
    step_functions_transitions: int
    kms_requests: int
    secrets_requests: int
    log_bytes: int
    operations: Counter[str]


def s3_requests(calls: Iterable[Call]) -> tuple[int, int, int]:
    """(PUT-class, GET-class, bytes put)."""
    put = get = stored = 0
    for c in calls:
        if c.service != "s3" or c.error or c.operation in _S3_FREE:
            continue
        if c.operation in _S3_PUT_CLASS:
            put += 1
            body = c.params.get("Body")
            stored += len(body) if isinstance(body, bytes | bytearray) else 0
        else:
            get += 1
    return put, get, stored


def sqs_requests(calls: Iterable[Call]) -> tuple[int, int]:
    """(billable requests, empty long polls). Lambda's event source mappings poll on the
    customer's bill; their empty polls are a fixed cost per queue, not per dossier."""
    billable = idle = 0
    for c in calls:
        if c.service != "sqs" or c.error:
            continue
        if c.operation == "ReceiveMessage" and not (c.response or {}).get("Messages"):
            idle += 1
        elif c.operation not in ("GetQueueUrl", "GetQueueAttributes") or c.origin != "esm":
            billable += 1
    return billable, idle


def cost(usage: Usage, prices: Mapping[str, float]) -> dict[str, float]:
    """USD by line item."""
    d = usage.dynamodb
    return {
        "DynamoDB writes": d.write * prices["dynamodb_write_request_unit"],
        "DynamoDB reads": d.read * prices["dynamodb_read_request_unit"],
        "API Gateway": usage.api_requests * prices["api_gateway_request"],
        "Lambda requests": usage.lambda_invocations * prices["lambda_request"],
        "Lambda duration": usage.lambda_gb_seconds * prices["lambda_gb_second"],
        "SQS": usage.sqs_requests * prices["sqs_request"],
        "Step Functions": usage.step_functions_transitions * prices["step_functions_transition"],
        "S3 requests": usage.s3_put_requests * prices["s3_put_request"] + usage.s3_get_requests
        * prices["s3_get_request"],
        "S3 storage (1 month)": usage.s3_bytes_stored / KB**3 * prices["s3_gb_month"],
        "KMS": usage.kms_requests * prices["kms_request"],
        "Secrets Manager": usage.secrets_requests * prices["secrets_manager_request"],
        "CloudWatch Logs": usage.log_bytes / KB**3 * prices["cloudwatch_logs_gb_ingested"],
    }
