"""Tables shaped like the ones infra declares (``pk``/``sk`` and ``gsiN`` with ``gsiNpk``/``gsiNsk``,
every index projecting all), for moto-backed tests that create only the tables they need."""

from __future__ import annotations

from typing import Any


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
            {"IndexName": f"gsi{i}", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": f"gsi{i}pk", "KeyType": "HASH"},
                           {"AttributeName": f"gsi{i}sk", "KeyType": "RANGE"}]}
            for i in range(1, gsis + 1)
        ]  # fmt: skip
    ddb.create_table(**request)
