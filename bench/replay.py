"""The same AWS calls, issued directly: the calls one API request made (recorded), sent again
with plain botocore clients, back to back, on fresh keys — the floor the request's latency is
compared with (the overhead ratio).

Shadow resources: the calls go to copies of the tables (same keys and indexes, no stream), of
the buckets (no notifications) and of the queues, named ``<name>-replay`` and made on first use,
so a replayed write sets off no outbox relay, sync or upload handler — the replay costs its
AWS calls and nothing else, and leaves the real resources as they were.

Fresh keys: every identifier of the original request (dossier code, DVCQG reference, counter
key) is replaced in the parameters; every item the original reads returned is first written
under the new keys (untimed) — up to the request's first write, so the replayed conditions hold
exactly as they did."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config

from bench.awscalls import Call

_READS = {"GetItem", "Query", "BatchGetItem"}
_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
_READ_ONLY_PREFIXES = ("Get", "Describe", "List", "Head")
SUFFIX = "-replay"


def substitute(value: Any, mapping: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in mapping.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {substitute(k, mapping): substitute(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, mapping) for v in value]
    return value


class Replayer:
    def __init__(self, endpoint_url: str, region: str) -> None:
        config = Config(retries={"max_attempts": 1})
        self._session = boto3.session.Session()
        self._endpoint, self._region, self._config = endpoint_url, region, config
        self._clients: dict[str, Any] = {}
        self._shadows: dict[tuple[str, str], str] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service, endpoint_url=self._endpoint,
                                                          region_name=self._region, config=self._config)
        return self._clients[service]

    # --- shadow resources -------------------------------------------------------------------
    def _table(self, name: str) -> str:
        key = ("dynamodb", name)
        if key not in self._shadows:
            dynamodb = self.client("dynamodb")
            table = dynamodb.describe_table(TableName=name)["Table"]
            spec: dict[str, Any] = {
                "TableName": name + SUFFIX, "KeySchema": table["KeySchema"],
                "AttributeDefinitions": table["AttributeDefinitions"], "BillingMode": "PAY_PER_REQUEST",
            }
            if table.get("GlobalSecondaryIndexes"):
                spec["GlobalSecondaryIndexes"] = [
                    {"IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "Projection": i["Projection"]}
                    for i in table["GlobalSecondaryIndexes"]]
            dynamodb.create_table(**spec)
            self._shadows[key] = name + SUFFIX
        return self._shadows[key]

    def _bucket(self, name: str) -> str:
        key = ("s3", name)
        if key not in self._shadows:
            self.client("s3").create_bucket(Bucket=name + SUFFIX, CreateBucketConfiguration={
                "LocationConstraint": self._region})
            self._shadows[key] = name + SUFFIX
        return self._shadows[key]

    def _queue(self, url: str) -> str:
        key = ("sqs", url)
        if key not in self._shadows:
            name = url.rsplit("/", 1)[-1]
            self._shadows[key] = self.client("sqs").create_queue(QueueName=name + SUFFIX)["QueueUrl"]
        return self._shadows[key]

    def shadowed(self, call: Call, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` aimed at the shadow resources (refused for a write nothing can shadow)."""
        p = dict(params)
        if call.service == "dynamodb":
            if "TableName" in p:
                p["TableName"] = self._table(p["TableName"])
            if "RequestItems" in p:
                p["RequestItems"] = {self._table(t): v for t, v in p["RequestItems"].items()}
            if "TransactItems" in p:
                p["TransactItems"] = [{kind: {**body, "TableName": self._table(body["TableName"])}
                                       for kind, body in entry.items()} for entry in p["TransactItems"]]
            return p
        if call.service == "s3" and "Bucket" in p:
            p["Bucket"] = self._bucket(p["Bucket"])
            return p
        if call.service == "sqs" and "QueueUrl" in p:
            p["QueueUrl"] = self._queue(p["QueueUrl"])
            return p
        if call.operation.startswith(_READ_ONLY_PREFIXES):
            return p
        raise ValueError(f"cannot replay {call.service}:{call.operation} without side effects")

    # --- replay -----------------------------------------------------------------------------
    def _seed(self, calls: list[Call], mapping: Mapping[str, str]) -> None:
        dynamodb = self.client("dynamodb")
        for call in calls:
            if call.service == "dynamodb" and call.operation in _WRITES:
                return  # what was read after the first write is the request's own result
            if call.service != "dynamodb" or call.operation not in _READS or not call.response:
                continue
            found: dict[str, list[dict[str, Any]]] = (
                call.response.get("Responses", {}) if call.operation == "BatchGetItem"
                else {call.params["TableName"]: call.response.get("Items")
                      or ([call.response["Item"]] if call.response.get("Item") else [])})
            for table, items in found.items():
                for item in items:
                    dynamodb.put_item(TableName=self._table(table), Item=substitute(item, mapping))

    def replay(self, calls: list[Call], identifiers: list[str]) -> float:
        """Seconds the calls take issued directly, with ``identifiers`` replaced by fresh ones."""
        tag = uuid.uuid4().hex[:8]
        mapping = {old: f"BENCH{tag}{i}" for i, old in enumerate(sorted(set(identifiers), key=len, reverse=True))}
        self._seed(calls, mapping)
        prepared = [(self.client(c.service), c.operation, self.shadowed(c, substitute(c.params, mapping)))
                    for c in calls]
        started = time.perf_counter()
        for client, operation, params in prepared:
            client._make_api_call(operation, params)  # noqa: SLF001 — the call exactly as botocore made it
        return time.perf_counter() - started
