"""Tables shaped like the ones infra declares (``pk``/``sk`` and ``gsiN`` with ``gsiNpk``/``gsiNsk``,
each index projecting what chalicelib/store/indexes.py says for that table), for moto-backed tests
that create only the tables they need."""

from __future__ import annotations

from typing import Any

from chalicelib.store.indexes import PROJECTIONS


def _projection(name: str, index: str) -> dict[str, Any]:
    """``hoso-<stage>-<table>``'s index as infra declares it (ALL for a table the definition doesn't know)."""
    carried = PROJECTIONS.get(name.rsplit("-", 1)[-1], {}).get(index)
    if carried is None:
        return {"ProjectionType": "ALL"}
    if not carried:
        return {"ProjectionType": "KEYS_ONLY"}
    return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(carried)}


def create_table(ddb: Any, name: str, gsis: int, *, stream: bool = False) -> None:
    """Table ``name`` with ``gsis`` indexes; ``stream``: a NEW_IMAGE stream, as the dossiers table has."""
    keys = ["pk", "sk"] + [f"gsi{i}{k}" for i in range(1, gsis + 1) for k in ("pk", "sk")]
    request: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in keys],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    }
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    if gsis:
        request["GlobalSecondaryIndexes"] = [
            {"IndexName": f"gsi{i}", "Projection": _projection(name, f"gsi{i}"),
             "KeySchema": [{"AttributeName": f"gsi{i}pk", "KeyType": "HASH"},
                           {"AttributeName": f"gsi{i}sk", "KeyType": "RANGE"}]}
            for i in range(1, gsis + 1)
        ]  # fmt: skip
    ddb.create_table(**request)
