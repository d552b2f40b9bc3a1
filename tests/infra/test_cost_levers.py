"""Issue 16's cost levers as the template declares them (docs/cost-model.md §7): the dossiers
table's indexes carry keys (and the searches' filter attributes), never the 4.5 KB dossier;
the models, the template and the tests' moto tables follow one definition
(chalicelib/store/indexes.py)."""

from __future__ import annotations

from typing import Any

from pynamodb.indexes import AllProjection, IncludeProjection, KeysOnlyProjection

from chalicelib.store.indexes import PROJECTIONS, SEARCH_FILTERS
from chalicelib.store.models import CatalogueItem, DossierItem
from chalicelib.sync.store import ChangedItem
from infra.resources import TABLES, physical_name
from infra.wiring import python_name
from tests.infra.conftest import STAGE, Synth


def _indexes(s: Synth, table: str) -> dict[str, dict[str, Any]]:
    (found,) = [r for r in s.resources("AWS::DynamoDB::Table").values()
                if r["Properties"]["TableName"] == physical_name(STAGE, table)]
    return {g["IndexName"]: g["Projection"] for g in found["Properties"].get("GlobalSecondaryIndexes", [])}


def test_the_dossiers_indexes_carry_keys_and_search_filters_only(repo: Synth) -> None:
    projections = _indexes(repo, "dossiers")
    assert projections["gsi1"] == {"ProjectionType": "KEYS_ONLY"}  # worklists, sweep, hand-overs, payments
    assert projections["gsi2"] == {"ProjectionType": "KEYS_ONLY"}  # an officer's own worklist
    for search in ("gsi3", "gsi4"):  # a Query's filter sees only what the index projects
        assert projections[search]["ProjectionType"] == "INCLUDE"
        assert sorted(projections[search]["NonKeyAttributes"]) == sorted(SEARCH_FILTERS)
    assert not any("data" in p.get("NonKeyAttributes", []) for p in projections.values())


def _declared(projection: Any) -> dict[str, Any]:
    """A PynamoDB index projection as CloudFormation writes it."""
    if isinstance(projection, AllProjection):
        return {"ProjectionType": "ALL"}
    if isinstance(projection, KeysOnlyProjection):
        return {"ProjectionType": "KEYS_ONLY"}
    assert isinstance(projection, IncludeProjection)
    return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(projection.non_key_attributes)}


def test_template_and_models_follow_one_definition(repo: Synth) -> None:
    models = {"dossiers": DossierItem, "catalogue": CatalogueItem, "sync": ChangedItem}
    assert set(PROJECTIONS) == {name for name, spec in TABLES.items() if spec.gsis} == set(models)
    for table, indexes in PROJECTIONS.items():
        assert set(indexes) == set(TABLES[table].gsis)
        declared = _indexes(repo, table)
        in_model = {i.Meta.index_name: _declared(i.Meta.projection)
                    for i in models[table]._indexes.values()}  # noqa: SLF001
        for name, carried in indexes.items():
            expected = ({"ProjectionType": "ALL"} if carried is None else {"ProjectionType": "KEYS_ONLY"} if not carried
                        else {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(carried)})
            assert declared[name] == expected == in_model[name], (table, name)


# the functions invoked for every step of every dossier (docs/cost-model.md §7: memory by measurement)
PER_STEP_EVENT_FUNCTIONS = ("sync_dvcqg", "sync_coordinator", "sync_province", "dossier_changes", "agency_tasks",
                            "outbox_relay", "edata_capture")


def test_memory_sizes_as_measured(full: Synth) -> None:
    memory = {python_name(f["Properties"]["Handler"]): f["Properties"]["MemorySize"]
              for f in full.resources("AWS::Serverless::Function").values()}
    for name in PER_STEP_EVENT_FUNCTIONS:
        assert memory[name] == 256, name  # ≈ 90 MB resident, mostly waiting: the smallest size with headroom
    assert memory["api_handler"] == 1024  # a lifecycle's PDF drawing and signing peak at ≈ 640 MB
    architectures = {tuple(f["Properties"].get("Architectures", ())) for f in
                     full.resources("AWS::Serverless::Function").values()}
    assert architectures == {("arm64",)}  # priced at arm64 by bench/prices.py
