"""Billable units of recorded AWS calls (``bench.awscalls``), by AWS's own rules. DynamoDB (on-
demand): a write request unit per KB of the item written (the larger of the old and new image when
it replaces one; a transactional write counts twice); each global secondary index costs its own
writes, on the size of its *entry* (the table's and the index's keys and what the index projects:
all, the keys only, or the attributes it includes): one for an entry that appears, goes or keeps
its keys but changes, none for one that stays the same (a KEYS_ONLY index whose keys do not move),
a delete and a put for one whose keys change. The previous image is known when the run wrote or
read the item before; an overwrite of an unknown item counts the upper bound (a delete and a put in
every index it is in) and is counted in ``bounded``. An UpdateItem is counted on its key and the
values it writes (only small items — counters, cursors — are updated in place). A read request unit
per 4 KB read (an eventually consistent read counts half, a transactional read twice); a Query is
billed on the size of every item it *evaluates*, filtered out or not. Item sizes are computed from
the attribute values as DynamoDB does (names + values). moto's ``ConsumedCapacity`` answers are not
used: they are constants.
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

# table name → each of its global secondary indexes: (hash, range) key attributes, and optionally the
# non-key attributes it projects (None or absent: ALL; an empty set: KEYS_ONLY)
GsiKeys = Mapping[str, list[tuple[str, str | None]] | list[tuple[str, str | None, frozenset[str] | None]]]
TABLE_KEYS = frozenset({"pk", "sk"})


def index_entry(item: Mapping[str, Any] | None, index: tuple[Any, ...]) -> Mapping[str, Any] | None:
    """What an index holds of ``item`` (None: the item is not in the index)."""
    hash_key, range_key = index[0], index[1]
    carried = index[2] if len(index) > 2 else None
    if not item or hash_key not in item or (range_key and range_key not in item):
        return None
    if carried is None:
        return item
    keep = TABLE_KEYS | {hash_key, range_key} | carried
    return {k: v for k, v in item.items() if k in keep}


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
    by_operation: Counter[str] = field(default_factory=Counter)  # calls
    write_by: Counter[str] = field(default_factory=Counter)  # WRU by "<table> <operation>" ("<table> GSI")
    read_by: Counter[str] = field(default_factory=Counter)  # RRU by "<table> <operation>"
    scans: int = 0
    bounded: int = 0  # overwrites whose previous image was unknown (index writes counted at their upper bound)
    largest: dict[str, int] = field(default_factory=dict)  # bytes of the largest item written, by "<table> <sk kind>"

    def add_write(self, where: str, units: float) -> None:
        self.write += units
        self.write_by[where] += units

    def add_read(self, where: str, units: float) -> None:
        self.read += units
        self.read_by[where] += units


def _is_create(condition: str | None) -> bool:
    return bool(condition) and "attribute_not_exists" in str(condition)


def _key(table: str, item: Mapping[str, Any]) -> tuple[str, str, str]:
    return table, repr(item.get("pk")), repr(item.get("sk"))


class _Writes:
    """Write units of one recorded run, knowing each item's previous image where the run wrote
    or read it before: an index entry whose keys stay costs one write, one that moves costs a
    delete and a put, one that appears or goes costs one (AWS's rules for index maintenance)."""

    def __init__(self, units: DynamoUnits, gsi: GsiKeys) -> None:
        self.units, self.gsi = units, gsi
        self.images: dict[tuple[str, str, str], Mapping[str, Any]] = {}

    def seen(self, table: str, items: Iterable[Mapping[str, Any]]) -> None:
        for item in items:
            self.images[_key(table, item)] = item

    def _index_writes(self, table: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> float:
        total = 0.0
        for index in self.gsi.get(table, []):
            keys = [k for k in index[:2] if k]
            before, after = index_entry(old, index), index_entry(new, index)
            if before is not None and after is not None and all(repr(before[k]) == repr(after[k]) for k in keys):
                if before != after:  # in place; an entry that stays the same is not written
                    total += _write_units(max(item_size(before), item_size(after)))
            else:
                total += _write_units(item_size(before)) if before is not None else 0
                total += _write_units(item_size(after)) if after is not None else 0
        return total

    def put(self, table: str, item: Mapping[str, Any], operation: str, *, transactional: bool, create: bool) -> None:
        key = _key(table, item)
        kind = f"{table} {next(iter(item.get('sk', {}).values()), '').split('#')[0]}"
        self.units.largest[kind] = max(self.units.largest.get(kind, 0), item_size(item))
        old = None if create else self.images.get(key)
        size = max(item_size(item), item_size(old))
        self.units.add_write(f"{table} {operation}", _write_units(size) * (2 if transactional else 1))
        entries = [e for e in (index_entry(item, i) for i in self.gsi.get(table, [])) if e is not None]
        if old is None and not create and entries:
            self.units.bounded += 1
            self.units.add_write(f"{table} GSI", sum(2 * _write_units(item_size(e)) for e in entries))
        else:
            self.units.add_write(f"{table} GSI", self._index_writes(table, old, item))
        self.images[key] = item

    def delete(self, table: str, key_item: Mapping[str, Any], operation: str, *, transactional: bool) -> None:
        old = self.images.pop(_key(table, key_item), None)
        self.units.add_write(f"{table} {operation}", _write_units(item_size(old)) * (2 if transactional else 1))
        self.units.add_write(f"{table} GSI", self._index_writes(table, old, None))


def dynamodb_units(calls: Iterable[Call], gsi: GsiKeys) -> DynamoUnits:
    units = DynamoUnits()
    writes = _Writes(units, gsi)
    for call in calls:
        if call.service != "dynamodb" or call.error:
            continue
        p, r = call.params, call.response or {}
        units.by_operation[call.operation] += 1
        op = call.operation
        if op == "PutItem":
            writes.put(p["TableName"], p["Item"], op, transactional=False,
                       create=_is_create(p.get("ConditionExpression")))
        elif op == "UpdateItem":  # counters, cursors: small items, the key and the values written
            units.add_write(f"{p['TableName']} {op}",
                            _write_units(item_size(p["Key"]) + item_size(p.get("ExpressionAttributeValues"))))
        elif op == "DeleteItem":
            writes.delete(p["TableName"], p["Key"], op, transactional=False)
        elif op == "BatchWriteItem":
            for table, requests in p["RequestItems"].items():
                for request in requests:
                    if "PutRequest" in request:
                        writes.put(table, request["PutRequest"]["Item"], op, transactional=False, create=False)
                    else:
                        writes.delete(table, request["DeleteRequest"]["Key"], op, transactional=False)
        elif op == "TransactWriteItems":
            for entry in p["TransactItems"]:
                (kind, body), = entry.items()
                table = body["TableName"]
                if kind == "Put":
                    writes.put(table, body["Item"], op, transactional=True,
                               create=_is_create(body.get("ConditionExpression")))
                elif kind == "Update":
                    size = item_size(body["Key"]) + item_size(body.get("ExpressionAttributeValues"))
                    units.add_write(f"{table} {op}", 2 * _write_units(size))
                elif kind == "Delete":
                    writes.delete(table, body["Key"], op, transactional=True)
                else:  # ConditionCheck
                    units.add_write(f"{table} {op}", 2)
        elif op == "GetItem":
            item = r.get("Item")
            writes.seen(p["TableName"], [item] if item else [])
            units.add_read(f"{p['TableName']} {op}",
                           _read_units(item_size(item)) * (1 if p.get("ConsistentRead") else 0.5))
        elif op == "BatchGetItem":
            for table, items in r.get("Responses", {}).items():
                writes.seen(table, items)
                units.add_read(f"{table} {op}", sum(_read_units(item_size(i)) * 0.5 for i in items))
        elif op == "TransactGetItems":
            units.add_read(f"transactional {op}",
                           sum(2 * _read_units(item_size(i.get("Item"))) for i in r.get("Responses", [])))
        elif op in ("Query", "Scan"):
            items = r.get("Items", [])
            if not p.get("IndexName") and not p.get("ProjectionExpression"):
                writes.seen(p["TableName"], items)
            returned = sum(item_size(i) for i in items)
            scanned, count = int(r.get("ScannedCount", len(items))), int(r.get("Count", len(items)))
            average = returned / count if count else 2 * KB
            evaluated = returned + max(0, scanned - count) * average
            consistency = 1 if p.get("ConsistentRead") else 0.5
            units.add_read(f"{p['TableName']} {op}", math.ceil(evaluated / (4 * KB)) * consistency if scanned
                           else 0.5)
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


def _body_size(body: Any) -> int:
    """Bytes of a request body as botocore holds it (bytes, or a stream boto3 wrapped them in)."""
    if isinstance(body, bytes | bytearray):
        return len(body)
    if hasattr(body, "getbuffer"):
        return int(body.getbuffer().nbytes)
    if hasattr(body, "seek") and hasattr(body, "tell"):
        at = body.tell()
        size = body.seek(0, 2)
        body.seek(at)
        return int(size)
    return 0


def s3_requests(calls: Iterable[Call]) -> tuple[int, int, int]:
    """(PUT-class, GET-class, bytes put)."""
    put = get = stored = 0
    for c in calls:
        if c.service != "s3" or c.error or c.operation in _S3_FREE:
            continue
        if c.operation in _S3_PUT_CLASS:
            put += 1
            stored += _body_size(c.params.get("Body"))
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
