"""The personal-data access log is a hash chain per subject: concurrent accesses to one person's data
append one after another (never a fork), the chain verifies, and an entry edited in the table is named."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest

from chalicelib.integrity.chain import verify_chain
from chalicelib.privacy import store
from chalicelib.privacy.model import WHAT, AccessEntry
from tests.integration.reports.conftest import REGION, World

TABLE = "hoso-dev-accesslog"
KEY = "a" * 64


def _entry(n: int) -> AccessEntry:
    return AccessEntry(at=dt.datetime.now(dt.UTC), what="population_lookup", what_label=WHAT["population_lookup"],
                       officer_sub=f"officer-{n}", officer_name="Cán bộ thử", unit_code="000.00.13.H79")


def test_concurrent_accesses_make_one_chain_that_verifies_and_an_edit_is_named(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(11):
        store.append(KEY, _entry(n))
    # a writer that read the head before another writer appended: its put of E#11 fails, it reads again
    stale, real_head = store._head(f"SUBJECT#{KEY}"), store._head
    heads = iter([(stale[0] - 1, store.chain(KEY)[-2][1]["hash"])])
    monkeypatch.setattr(store, "_head", lambda pk: next(heads, None) or real_head(pk))
    store.append(KEY, _entry(11))
    chain = store.chain(KEY)
    assert [seq for seq, _ in chain] == list(range(1, 13)), "every access is one link, none lost, none forked"
    assert verify_chain(f"SUBJECT#{KEY}", chain).holds
    assert {e.officer_sub for e in store.entries(KEY, 50)[0]} == {f"officer-{n}" for n in range(12)}

    seq, edited = chain[4]
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=TABLE, Item={
        "pk": {"S": f"SUBJECT#{KEY}"}, "sk": {"S": store.entry_sk(seq)},
        "data": {"S": json.dumps({**edited, "officer_name": "Người khác"})}})
    findings = verify_chain(f"SUBJECT#{KEY}", store.chain(KEY)).findings
    assert [(f.code, f.seq) for f in findings] == [("EVENT_ALTERED", 5)]
