"""Where migration runs keep their state (the dossiers table, key access only — never a Scan).

  MIGRATIONS / RUN#<run id>                 a run: mode, prefix, units, sync, chunks total/done, the
                                            executions started, the backup taken before an import
  MIGRATION#<run id> / CHUNK#<key>          a chunk done: its ChunkReport (JSON), written once
  MIGRATIONS / CUTOVER#<unit>#<at>          a unit's intake switched (old system ↔ hoso): who, why, forced

Run ids sort by time (``yyyymmddHHMMSS-xxxxxx``), so the newest runs come first in one Query.
A chunk counts once: its item is put on condition it does not exist, in the same transaction that
adds 1 to the run's ``chunks_done`` (a redelivered or retried chunk changes nothing).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer  # type: ignore[import-untyped]
from botocore.exceptions import ClientError

from chalicelib.aws import client
from chalicelib.settings import get_settings

RUNS_PK = "MIGRATIONS"
_ser = TypeSerializer()
_de = TypeDeserializer()


class AlreadyCounted(Exception):
    """The chunk was recorded before (a redelivery)."""


def _table() -> str:
    return get_settings().dossiers_table


def _item(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _ser.serialize(v) for k, v in values.items() if v is not None}


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    out = {k: _de.deserialize(v) for k, v in item.items() if k not in ("pk", "sk")}
    return {k: int(v) if type(v).__name__ == "Decimal" else v for k, v in out.items()}


def _run_key(run_id: str) -> dict[str, Any]:
    return {"pk": {"S": RUNS_PK}, "sk": {"S": f"RUN#{run_id}"}}


def put_run(run: dict[str, Any]) -> None:
    client("dynamodb").put_item(TableName=_table(), Item=_item({"pk": RUNS_PK, "sk": f"RUN#{run['run_id']}", **run}),
                                ConditionExpression="attribute_not_exists(pk)")


def get_run(run_id: str) -> dict[str, Any] | None:
    got = client("dynamodb").get_item(TableName=_table(), Key=_run_key(run_id), ConsistentRead=True).get("Item")
    return _plain(got) if got else None


def update_run(run_id: str, values: dict[str, Any], *, expect_attempts: int | None = None) -> None:
    """Set ``values`` on the run (``expect_attempts``: only if nobody started another attempt since)."""
    names = {f"#f{i}": k for i, k in enumerate(values)}
    vals = {f":v{i}": _ser.serialize(v) for i, v in enumerate(values.values())}
    kwargs: dict[str, Any] = {}
    if expect_attempts is not None:
        names["#a"] = "attempts"
        vals[":a"] = _ser.serialize(expect_attempts)
        kwargs["ConditionExpression"] = "#a = :a"
    client("dynamodb").update_item(
        TableName=_table(), Key=_run_key(run_id),
        UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(values))),
        ExpressionAttributeNames=names, ExpressionAttributeValues=vals, **kwargs)


def list_runs(limit: int = 50) -> list[dict[str, Any]]:
    answer = client("dynamodb").query(
        TableName=_table(), KeyConditionExpression="pk = :pk AND begins_with(sk, :run)",
        ExpressionAttributeValues={":pk": {"S": RUNS_PK}, ":run": {"S": "RUN#"}}, ScanIndexForward=False, Limit=limit)
    return [_plain(i) for i in answer.get("Items", [])]


def _partition(pk: str, prefix: str) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {
        "TableName": _table(), "KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)",
        "ExpressionAttributeValues": {":pk": {"S": pk}, ":p": {"S": prefix}}, "ConsistentRead": True}
    while True:
        page = client("dynamodb").query(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def get_chunk(run_id: str, key: str) -> dict[str, Any] | None:
    got = client("dynamodb").get_item(TableName=_table(), ConsistentRead=True,
                                      Key={"pk": {"S": f"MIGRATION#{run_id}"}, "sk": {"S": f"CHUNK#{key}"}}).get("Item")
    return _plain(got) if got else None


def record_chunk(run_id: str, key: str, report: dict[str, Any], at: str) -> None:
    """The chunk's report and +1 on the run's chunks done, both or neither; ``AlreadyCounted`` if the
    chunk was recorded before."""
    pk = f"MIGRATION#{run_id}"
    chunk = _item({"pk": pk, "sk": f"CHUNK#{key}", "key": key, "report": json.dumps(report, ensure_ascii=False),
                   "finished_at": at})
    items: list[dict[str, Any]] = [
        {"Put": {"TableName": _table(), "Item": chunk, "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": _table(), "Key": _run_key(run_id), "UpdateExpression": "ADD chunks_done :one",
                    "ConditionExpression": "attribute_exists(pk)", "ExpressionAttributeValues": {":one": {"N": "1"}}}},
    ]
    try:
        client("dynamodb").transact_write_items(TransactItems=items)
    except ClientError as err:
        reasons = err.response.get("CancellationReasons") or []
        if err.response["Error"]["Code"] == "TransactionCanceledException" and reasons \
                and reasons[0].get("Code") == "ConditionalCheckFailed":
            raise AlreadyCounted(key) from None
        raise


def chunks(run_id: str) -> list[dict[str, Any]]:
    """Every chunk done, in key order, with its report parsed."""
    out = []
    for item in _partition(f"MIGRATION#{run_id}", "CHUNK#"):
        plain = _plain(item)
        plain["report"] = json.loads(plain["report"])
        out.append(plain)
    return out


def chunk_records(bucket: str, key: str) -> Iterator[dict[str, Any]]:
    """The JSON objects of a chunk's lines (a line that is not one is skipped: validate reports it)."""
    body = client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8", "replace")
    for line in body.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            yield record


def create_backup(name: str) -> str:
    """An on-demand backup of the dossiers table; its ARN."""
    answer = client("dynamodb").create_backup(TableName=_table(), BackupName=name)
    return str(answer["BackupDetails"]["BackupArn"])


def put_cutover(unit: str, at: str, entry: dict[str, Any]) -> None:
    client("dynamodb").put_item(TableName=_table(),
                                Item=_item({"pk": RUNS_PK, "sk": f"CUTOVER#{unit}#{at}", "unit": unit, "at": at,
                                            **entry}))


def cutovers(unit: str) -> list[dict[str, Any]]:
    return [_plain(i) for i in _partition(RUNS_PK, f"CUTOVER#{unit}#")]
