"""Daily anchoring against moto and the eSign simulator's TSA: the day's heads go into a Merkle tree whose
root gets an RFC 3161 token; a dossier's verification then checks its head is in the tree and the token
holds, and names a replaced root, a root re-timestamped by nobody, and a history rewritten after anchoring."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3
import pytest

from chalicelib.integrity import anchor, merkle
from chalicelib.integrity.canonical import link
from chalicelib.integrity.index import day_of
from chalicelib.integrity.service import verify_dossier
from chalicelib.store import dossiers
from tests.integration.integrity.test_tamper import _event, _processed, _put_event
from tests.integration.reports.conftest import REGION, World

BUCKET = "hoso-dev-results"


def _object(day: str, name: str) -> dict[str, Any]:
    body = boto3.client("s3", region_name=REGION).get_object(Bucket=BUCKET, Key=f"anchors/{day}/{name}.json")["Body"]
    return dict(json.loads(body.read()))


def _replace(day: str, name: str, value: dict[str, Any]) -> None:
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=f"anchors/{day}/{name}.json",
                                                      Body=json.dumps(value).encode())


def _codes(code: str) -> list[tuple[str, int]]:
    report = verify_dossier(code)
    assert report is not None
    return [(f.code, f.seq) for f in report.findings]


@pytest.fixture
def anchored(world: World) -> tuple[str, str]:
    dossier = _processed(world)
    world.desk_dossier()  # another chain of the day
    stored = dossiers.get(dossier.code)
    assert stored is not None
    day = day_of(stored.updated_at)
    first = anchor.run(day)
    assert anchor.run(day) == first, "a second run finds the day done"
    return dossier.code, day


def test_an_anchored_day_verifies_with_its_proof_and_token(anchored: tuple[str, str]) -> None:
    code, day = anchored
    report = verify_dossier(code)
    assert report is not None and report.holds, report.findings
    assert report.last_anchored_day == day
    assert any("dấu thời gian RFC 3161 hợp lệ" in c for c in report.checked)
    stored = _object(day, "anchor")
    assert stored["leaves"] == 2 and base64.b64decode(stored["token"])


def test_a_replaced_day_root_is_named(anchored: tuple[str, str]) -> None:
    code, day = anchored
    stored = _object(day, "anchor")
    _replace(day, "anchor", {**stored, "root": "ab" * 32})
    assert _codes(code) == [("ANCHOR_ROOT_MISMATCH", 3)]


def test_a_junk_token_or_an_unreadable_anchor_is_named_not_a_crash(anchored: tuple[str, str]) -> None:
    code, day = anchored
    stored = _object(day, "anchor")
    _replace(day, "anchor", {**stored, "token": base64.b64encode(b"not a token").decode()})
    assert _codes(code) == [("ANCHOR_TOKEN_INVALID", 3)]
    _replace(day, "anchor", {"day": day})
    assert _codes(code) == [("ANCHOR_PROOF_INVALID", 0)]


def test_a_rebuilt_tree_without_a_new_token_is_named(anchored: tuple[str, str]) -> None:
    """Someone rewrites the history and rebuilds the day's tree consistently: only the token can tell."""
    code, day = anchored
    event = _event(code, 3)
    forged = link(f"DOSSIER#{code}", {**event, "note": "Sửa sau khi neo"}, event["prev_hash"])
    _put_event(code, 3, forged)
    name = next(n for n in anchor.shard_names() if any(x["chain"] == f"DOSSIER#{code}"
                                                         for x in _object(day, n)["leaves"]))
    shard = _object(day, name)
    leaves = [{**x, "hash": forged["hash"]} if x["chain"] == f"DOSSIER#{code}" else x for x in shard["leaves"]]
    shard_root = merkle.root([merkle.leaf_hash(x) for x in leaves])
    _replace(day, name, {"leaves": leaves, "root": shard_root})
    stored = _object(day, "anchor")
    shards = {**stored["shards"], name: shard_root}
    rebuilt = merkle.root([shards[n] for n in anchor.shard_names()])
    _replace(day, "anchor", {**stored, "shards": shards, "root": rebuilt})
    meta = boto3.client("dynamodb", region_name=REGION)
    meta.update_item(TableName="hoso-dev-dossiers", Key={"pk": {"S": f"DOSSIER#{code}"}, "sk": {"S": "META"}},
                     UpdateExpression="SET chain_head = :h", ExpressionAttributeValues={":h": {"S": forged["hash"]}})
    assert _codes(code) == [("ANCHOR_TOKEN_INVALID", 3)]


def test_a_history_rewritten_after_its_day_was_anchored_is_named(anchored: tuple[str, str]) -> None:
    code, _ = anchored
    event = _event(code, 3)
    forged = link(f"DOSSIER#{code}", {**event, "note": "Sửa sau khi neo"}, event["prev_hash"])
    _put_event(code, 3, forged)
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName="hoso-dev-dossiers", Key={"pk": {"S": f"DOSSIER#{code}"}, "sk": {"S": "META"}},
        UpdateExpression="SET chain_head = :h", ExpressionAttributeValues={":h": {"S": forged["hash"]}})
    assert _codes(code) == [("HEAD_MISMATCH", 3)], "the chain and META agree, the anchored head does not"
