"""A search's filter sees only what its index projects (DynamoDB evaluates a Query's filter on the
index entry): every attribute ``chalicelib.store.dossiers.search`` filters on is one the search
indexes include (chalicelib/store/indexes.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chalicelib.store import dossiers
from chalicelib.store.indexes import projection


def test_every_search_filter_is_projected_into_the_searched_index(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, Any]] = []

    def query(index: Any) -> Any:
        def run(*args: Any, filter_condition: Any = None, **kwargs: Any) -> Any:
            seen.append((index.Meta.index_name, filter_condition))
            raise StopIteration
        return run

    for index in (dossiers.DossierItem.by_unit_received, dossiers.DossierItem.by_applicant):
        monkeypatch.setattr(index, "query", query(index))
    now = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    for id_key in (None, "k"):
        with pytest.raises(StopIteration):
            dossiers.search("U", status=4, procedure_code="1.0", field_code="F", applicant="An", due_before=now,
                            applicant_id_key=id_key, channel="2", overdue_at=now)
    assert {name for name, _ in seen} == {"gsi3", "gsi4"}
    for name, condition in seen:
        names: dict[str, str] = {}
        condition.serialize(names, {})
        assert set(names) <= set(projection("dossiers", name) or ()), name
