"""Published result templates in the catalogue table: ``RESULT_TEMPLATE#<procedure>`` / ``V#<n>``
(index ``TYPE#result-template``); a version is written once and never changes."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.store import catalogue
from chalicelib.store.models import CatalogueItem


class AlreadyPublished(Exception):
    """That version was published by another write first."""


def publish(procedure_code: str, version: int, data: dict[str, Any]) -> None:
    catalogue.clear_cache()
    item = CatalogueItem(pk=f"RESULT_TEMPLATE#{procedure_code}", sk=f"V#{version:04d}", data=data,
                         gsi1pk="TYPE#result-template", gsi1sk=f"{procedure_code}#{version:04d}")
    try:
        item.save(condition=CatalogueItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyPublished(f"{procedure_code}@{version}") from None
        raise


def latest(procedure_code: str) -> dict[str, Any] | None:
    """The latest published version as stored (cached like the catalogue)."""
    def load() -> dict[str, Any] | None:
        found = list(CatalogueItem.query(f"RESULT_TEMPLATE#{procedure_code}", CatalogueItem.sk.startswith("V#"),
                                         scan_index_forward=False, limit=1))
        return dict(found[0].data) if found else None

    return catalogue._cached(("result-template", procedure_code), load)


def versions(procedure_code: str) -> list[dict[str, Any]]:
    """Every published version as stored, oldest first."""
    return [dict(i.data) for i in CatalogueItem.query(f"RESULT_TEMPLATE#{procedure_code}",
                                                      CatalogueItem.sk.startswith("V#"))]
