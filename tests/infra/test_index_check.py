"""The pre-deploy index check (infra/index_check.py): a projection change CloudFormation cannot
make in place is refused with the two deploys that make it; one index created or deleted per
table per deploy; the rebuild switch leaves exactly one declared index out."""

from __future__ import annotations

from typing import Any

import pytest

from infra.index_check import REBUILD_ENV, problems, rebuilding


def gsi(name: str, kind: str = "ALL", include: tuple[str, ...] = ()) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": kind}
    if include:
        projection["NonKeyAttributes"] = list(include)
    return {"IndexName": name, "Projection": projection,
            "KeySchema": [{"AttributeName": f"{name}pk", "KeyType": "HASH"},
                          {"AttributeName": f"{name}sk", "KeyType": "RANGE"}]}


T = "hoso-dev-dossiers"


def test_a_projection_change_in_place_is_refused_with_the_next_step() -> None:
    found = problems({T: [gsi("gsi1"), gsi("gsi3")]}, {T: [gsi("gsi1", "KEYS_ONLY"), gsi("gsi3")]})
    assert len(found) == 1
    assert "gsi1" in found[0] and f"{REBUILD_ENV}=dossiers:gsi1" in found[0]


def test_the_two_deploys_of_a_rebuild_pass() -> None:
    live = {T: [gsi("gsi1"), gsi("gsi3")]}
    assert problems(live, {T: [gsi("gsi3")]}) == []  # first: the index is deleted
    assert problems({T: [gsi("gsi3")]}, {T: [gsi("gsi1", "KEYS_ONLY"), gsi("gsi3")]}) == []  # then created
    assert problems(live, live) == []
    assert problems({}, {T: [gsi("gsi1"), gsi("gsi2")]}) == []  # a new table is created whole


def test_more_than_one_index_created_or_deleted_per_deploy_is_refused() -> None:
    assert problems({T: [gsi("gsi1"), gsi("gsi2")]}, {T: []}) != []
    assert problems({T: []}, {T: [gsi("gsi1"), gsi("gsi2", "INCLUDE", ("status",))]}) != []


def test_the_rebuild_switch_names_one_declared_index() -> None:
    assert rebuilding({}) is None
    assert rebuilding({REBUILD_ENV: "dossiers:gsi2"}) == ("dossiers", "gsi2")
    for wrong in ("dossiers", "dossiers:gsi9", "nope:gsi1"):
        with pytest.raises(ValueError):
            rebuilding({REBUILD_ENV: wrong})
