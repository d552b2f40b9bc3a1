"""Published status charts in the catalogue table: ``CHART`` / ``V#<n>`` (index ``TYPE#chart``);
a version is written once and never changes (version 1 is built in and not stored)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.store import catalogue
from chalicelib.store.models import CatalogueItem


class AlreadyPublished(Exception):
    """That version was published by another write first."""


def publish(version: int, data: dict[str, Any]) -> None:
    catalogue.clear_cache()
    item = CatalogueItem(pk="CHART", sk=f"V#{version:04d}", data=data, gsi1pk="TYPE#chart", gsi1sk=f"{version:04d}")
    try:
        item.save(condition=CatalogueItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyPublished(str(version)) from None
        raise


def get(version: int) -> dict[str, Any] | None:
    """One published version as stored (immutable: cached)."""
    def load() -> dict[str, Any] | None:
        try:
            return dict(CatalogueItem.get("CHART", f"V#{version:04d}").data)
        except DoesNotExist:
            return None

    return catalogue._cached(("chart", version), load)


def latest() -> dict[str, Any] | None:
    def load() -> dict[str, Any] | None:
        found = list(CatalogueItem.query("CHART", CatalogueItem.sk.startswith("V#"), scan_index_forward=False,
                                         limit=1))
        return dict(found[0].data) if found else None

    return catalogue._cached(("chart-latest",), load)


def versions() -> list[dict[str, Any]]:
    return [dict(i.data) for i in CatalogueItem.query("CHART", CatalogueItem.sk.startswith("V#"))]
