"""The access log's table and the look-up counters (layout in the package docstring). Entries
are only ever put (never overwriting) and queried by subject.

Each subject's entries are a hash chain (chalicelib.integrity.canonical, chain id
``SUBJECT#<key>``): ``SUBJECT#<key>`` / ``E#<seq>`` carries ``seq``, ``prev_hash`` and ``hash``.
A chain per subject, not per day: the entry's key IS its place in the chain and is put only if
absent, so two concurrent writers reading the same head cannot both append after it (one gets
ConditionalCheckFailed, reads the new head and links after it) — a fork is impossible without any
updatable head item (the table denies updates), and unrelated subjects never contend, whereas one
chain per day would serialise every access of the country on one key. The same transaction puts
``CHAINDAY#<day>#<shard>`` / ``SUBJECT#<key>#<seq>`` so the daily anchor finds the day's chains by key.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.aws import client
from chalicelib.integrations import secrets
from chalicelib.integrity.canonical import GENESIS, link
from chalicelib.integrity.index import day_of, expires_at, partition, shard_of
from chalicelib.privacy.model import LOOKUP_WINDOW_S, AccessEntry
from chalicelib.settings import get_settings


def hmac_key() -> bytes:
    """The access log's HMAC key (``{"key": …}`` in Secrets Manager)."""
    return str(secrets.get_json(get_settings().access_log_secret_id)["key"]).encode()


APPEND_ATTEMPTS = 8  # concurrent accesses to one person's data, each retried after the other's entry


def entry_sk(seq: int) -> str:
    return f"E#{seq:09d}"


def _head(pk: str) -> tuple[int, str]:
    """(seq, hash) of the subject's last chained entry; (0, GENESIS) when there is none."""
    page = client("dynamodb").query(
        TableName=get_settings().access_log_table, KeyConditionExpression="pk = :pk AND begins_with(sk, :e)",
        ExpressionAttributeValues={":pk": {"S": pk}, ":e": {"S": "E#"}}, ScanIndexForward=False, Limit=1,
        ConsistentRead=True)
    if not page.get("Items"):
        return 0, GENESIS
    last = json.loads(page["Items"][0]["data"]["S"])
    return int(last["seq"]), str(last["hash"])


def append(subject_key: str, entry: AccessEntry) -> None:
    """One more link of the subject's chain, with its day index entry, in one transaction; both are put
    only if absent, so an entry is never replaced and the chain never forks (module docstring)."""
    pk, table = f"SUBJECT#{subject_key}", get_settings().access_log_table
    for _ in range(APPEND_ATTEMPTS):
        seq, prev = _head(pk)
        data = link(pk, {**entry.model_dump(mode="json"), "seq": seq + 1}, prev)
        day = partition(day_of(entry.at), shard_of(pk))
        try:
            client("dynamodb").transact_write_items(TransactItems=[
                {"Put": {"TableName": table, "ConditionExpression": "attribute_not_exists(pk)", "Item": {
                    "pk": {"S": pk}, "sk": {"S": entry_sk(seq + 1)},
                    "data": {"S": json.dumps(data, ensure_ascii=False)}}}},
                {"Put": {"TableName": table, "ConditionExpression": "attribute_not_exists(pk)", "Item": {
                    "pk": {"S": day}, "sk": {"S": f"{pk}#{seq + 1:09d}"},
                    "seq": {"N": str(seq + 1)}, "hash": {"S": data["hash"]},
                    "expires_at": {"N": str(expires_at(entry.at))}}}},  # the day index expires, not the entry
            ])
            return
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
    raise ValueError(f"access log chain {pk} stayed contended")


def chain(subject_key: str) -> list[tuple[int, dict[str, Any]]]:
    """The subject's chained entries exactly as stored, in key order (for verification)."""
    out: list[tuple[int, dict[str, Any]]] = []
    request: dict[str, Any] = {
        "TableName": get_settings().access_log_table, "KeyConditionExpression": "pk = :pk AND begins_with(sk, :e)",
        "ExpressionAttributeValues": {":pk": {"S": f"SUBJECT#{subject_key}"}, ":e": {"S": "E#"}},
        "ConsistentRead": True,
    }
    while True:
        page = client("dynamodb").query(**request)
        out += [(int(i["sk"]["S"].removeprefix("E#")), json.loads(i["data"]["S"])) for i in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            return out
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def entries(subject_key: str, limit: int) -> tuple[list[AccessEntry], bool]:
    """The subject's entries, newest first, at most ``limit`` (and whether there are more)."""
    out: list[AccessEntry] = []
    request: dict[str, Any] = {
        "TableName": get_settings().access_log_table, "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": f"SUBJECT#{subject_key}"}}, "ScanIndexForward": False,
    }
    while True:
        page = client("dynamodb").query(**request, Limit=limit + 1 - len(out))
        out += [AccessEntry.model_validate_json(i["data"]["S"]) for i in page.get("Items", [])]
        if len(out) > limit:
            return out[:limit], True
        if "LastEvaluatedKey" not in page:
            return out, False
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def count_lookup(officer_sub: str, window: int, limit: int, at: dt.datetime) -> bool:
    """Count one look-up in the officer's window; False (nothing counted) when it is full."""
    try:
        client("dynamodb").update_item(
            TableName=get_settings().counters_table,
            Key={"pk": {"S": f"RATE#POP#{officer_sub}#{window}"}, "sk": {"S": "N"}},
            UpdateExpression="ADD n :one SET expires_at = :ttl",
            ConditionExpression="attribute_not_exists(n) OR n < :limit",
            ExpressionAttributeValues={":one": {"N": "1"}, ":limit": {"N": str(limit)},
                                       ":ttl": {"N": str(int(at.timestamp()) + 2 * LOOKUP_WINDOW_S)}},
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True
