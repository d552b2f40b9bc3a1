"""The access log's table and the look-up counters (layout in the package docstring). Entries
are only ever put (never overwriting) and queried by subject."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.aws import client
from chalicelib.integrations import secrets
from chalicelib.privacy.model import LOOKUP_WINDOW_S, AccessEntry
from chalicelib.settings import get_settings


def hmac_key() -> bytes:
    """The access log's HMAC key (``{"key": …}`` in Secrets Manager)."""
    return str(secrets.get_json(get_settings().access_log_secret_id)["key"]).encode()


def append(subject_key: str, entry: AccessEntry) -> None:
    """One more entry; the condition makes a put that would replace an entry fail instead."""
    data = entry.model_dump(mode="json")
    item: dict[str, Any] = {
        "pk": {"S": f"SUBJECT#{subject_key}"},
        "sk": {"S": f"{data['at']}#{uuid.uuid4().hex}"},
        "data": {"S": json.dumps(data, ensure_ascii=False)},
    }
    client("dynamodb").put_item(TableName=get_settings().access_log_table, Item=item,
                                ConditionExpression="attribute_not_exists(pk)")


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
