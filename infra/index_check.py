"""Before a deploy: the changes to the tables' global secondary indexes that CloudFormation can
make (docs/runbooks/index-projections.md).

CloudFormation cannot change an existing index's key schema or projection ("Cannot update GSI's
properties other than Provisioned Throughput and Contributor Insights Specification"), and it
creates or deletes at most one index per table in one update. So a projection change is two
deploys per index: the first leaves the index out of the template (``HOSO_INDEX_REBUILD=
<table>:<index>`` when the assembly is synthesised: CloudFormation deletes it), the second puts it
back with its new projection (CloudFormation creates it and DynamoDB backfills it). This check
compares the stage's live tables with the built template and refuses the deploy — before
CloudFormation fails half-way — when a change is none of those, naming the next step.

``python -m infra.index_check --stage dev`` (in the deploy workflow, before each stage's deploy)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from infra.resources import REGION, REPO_ROOT, TABLES, physical_name, template_path

REBUILD_ENV = "HOSO_INDEX_REBUILD"


def rebuilding(env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """The one index the synthesised template leaves out (its first deploy of a rebuild), if any."""
    raw = (os.environ if env is None else env).get(REBUILD_ENV, "").strip()
    if not raw:
        return None
    table, _, index = raw.partition(":")
    if table not in TABLES or index not in TABLES[table].gsis:
        raise ValueError(f"{REBUILD_ENV}={raw!r}: not <table>:<index> of a declared index "
                         f"({', '.join(f'{t}:{i}' for t, s in TABLES.items() for i in s.gsis)})")
    return table, index


def _shape(index: Mapping[str, Any]) -> tuple[Any, ...]:
    projection = index.get("Projection", {})
    return (tuple((k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]),
            projection.get("ProjectionType", "ALL"), tuple(sorted(projection.get("NonKeyAttributes", []))))


def problems(live: Mapping[str, Sequence[Mapping[str, Any]]], wanted: Mapping[str, Sequence[Mapping[str, Any]]]
             ) -> list[str]:
    """What CloudFormation would refuse, per table: ``live`` and ``wanted`` map a table name to
    its GlobalSecondaryIndexes (DescribeTable's, the template's)."""
    found: list[str] = []
    for table, indexes in wanted.items():
        if table not in live:
            continue  # a new table is created with its indexes
        before = {i["IndexName"]: _shape(i) for i in live.get(table, ())}
        after = {i["IndexName"]: _shape(i) for i in indexes}
        changed = sorted(n for n in before.keys() & after.keys() if before[n] != after[n])
        added, removed = sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys())
        for name in changed:
            found.append(f"{table}: index {name} changes its keys or projection, which CloudFormation cannot do in "
                         f"place — deploy first with {REBUILD_ENV}={_short(table)}:{name} (the index is deleted), "
                         f"then without it (the index is created with its new projection)")
        if len(added) + len(removed) > 1:
            found.append(f"{table}: {len(added)} indexes to create ({', '.join(added) or '-'}) and {len(removed)} to "
                         f"delete ({', '.join(removed) or '-'}) in one deploy; CloudFormation makes one per update")
    return found


def _short(table: str) -> str:
    return next((name for name in TABLES if table.endswith(f"-{name}")), table)


def template_indexes(template: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    return {r["Properties"]["TableName"]: list(r["Properties"].get("GlobalSecondaryIndexes", []))
            for r in template["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"}


def live_indexes(dynamodb: Any, tables: Sequence[str]) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = {}
    for table in tables:
        try:
            described = dynamodb.describe_table(TableName=table)["Table"]
        except dynamodb.exceptions.ResourceNotFoundException:
            continue  # a new table: created whole
        out[table] = list(described.get("GlobalSecondaryIndexes", []))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Refuse a deploy whose index changes CloudFormation cannot make (and say the next step)."""
    import json

    import boto3

    parser = argparse.ArgumentParser(prog="python -m infra.index_check", description=main.__doc__)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--assembly", default=str(REPO_ROOT / "build" / "cdk.out"))
    args = parser.parse_args(argv)
    wanted = template_indexes(json.loads(template_path(Path(args.assembly), args.stage).read_text()))
    wanted = {k: v for k, v in wanted.items() if k in {physical_name(args.stage, t) for t in TABLES}}
    live = live_indexes(boto3.client("dynamodb", region_name=REGION), sorted(wanted))
    found = problems(live, wanted)
    for problem in found:
        print(f"index change refused: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
