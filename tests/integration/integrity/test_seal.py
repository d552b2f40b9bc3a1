"""Events written before the hash chain existed, against moto with the services' real transactions: the
backfill (python -m chalicelib.integrity.seal) seals them once — a second run changes nothing — the day's
anchor includes the seal, and the history then verifies, the next event linking after the seal; a dossier
changed while the backfill runs still verifies (its own first chained event commits to its legacy events);
a sealed legacy event changed afterwards is named."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib.domain.dossier import Dossier
from chalicelib.integrity import anchor, seal
from chalicelib.integrity.canonical import legacy_hash
from chalicelib.integrity.days import verify_day
from chalicelib.integrity.index import day_of, partition, shard_of
from chalicelib.integrity.service import verify_dossier
from chalicelib.store import dossiers
from tests.integration.reports.conftest import REGION, UNIT, World, account

TABLE = "hoso-dev-dossiers"


def _ddb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


def _item(code: str, sk: str) -> dict[str, Any]:
    return dict(_ddb().get_item(TableName=TABLE, Key={"pk": {"S": f"DOSSIER#{code}"}, "sk": {"S": sk}},
                                ConsistentRead=True).get("Item", {}))


def _event(code: str, seq: int) -> dict[str, Any]:
    return dict(json.loads(_item(code, f"EVENT#{seq:06d}")["data"]["S"]))


def _put_event(code: str, seq: int, data: dict[str, Any]) -> None:
    _ddb().put_item(TableName=TABLE, Item={"pk": {"S": f"DOSSIER#{code}"}, "sk": {"S": f"EVENT#{seq:06d}"},
                                           "data": {"S": json.dumps(data, ensure_ascii=False)}})


def _legacy(world: World, steps: int) -> Dossier:
    """A dossier as the store wrote it before chaining: its events without prev_hash/hash, META without a
    head (the table rewritten directly, as an old deployment left it)."""
    dossier = world.desk_dossier()
    if steps > 1:
        world.act(dossier.code, "desk", "chuyen_phong")
    for seq in range(1, steps + 1):
        event = _event(dossier.code, seq)
        _put_event(dossier.code, seq, {k: v for k, v in event.items() if k not in ("prev_hash", "hash")})
    meta = _item(dossier.code, "META")
    data = json.loads(meta["data"]["S"])
    data.pop("chain_head", None)
    meta["data"] = {"S": json.dumps(data, ensure_ascii=False)}
    meta.pop("chain_head", None)
    _ddb().put_item(TableName=TABLE, Item=meta)
    pk = f"DOSSIER#{dossier.code}"  # nor a day index entry: the day index came with the chain
    _ddb().delete_item(TableName=TABLE, Key={"pk": {"S": partition(day_of(dossier.created_at), shard_of(pk))},
                                             "sk": {"S": pk}})
    return dossier


def _codes(code: str) -> list[tuple[str, int]]:
    report = verify_dossier(code)
    assert report is not None
    return [(f.code, f.seq) for f in report.findings]


def test_the_backfill_seals_once_and_the_history_verifies(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code = _legacy(world, 2).code
    assert _codes(code) == [("EVENT_UNCHAINED", 1), ("EVENT_UNCHAINED", 2)]
    assert seal.main(["--unit", UNIT]) == 0
    assert "niêm phong 1 hồ sơ" in capsys.readouterr().out
    sealed = legacy_hash(f"DOSSIER#{code}", [_event(code, 1), _event(code, 2)])
    stored = dossiers.get(code)
    assert stored is not None and stored.chain_head == sealed
    report = verify_dossier(code)
    assert report is not None and report.holds, report.findings
    assert any("2 sự kiện trước khi có chuỗi băm đã được niêm phong ngày" in c for c in report.checked)

    items = (_item(code, "META"), _item(code, "SEAL"))
    assert seal.seal_units([UNIT]).sealed == 0, "a second run seals nothing"
    assert (_item(code, "META"), _item(code, "SEAL")) == items, "and changes nothing"

    world.act(code, "head", "phan_cong", assignee=account("appraiser")["sub"])
    assert _event(code, 3)["prev_hash"] == sealed, "the next event links after the seal"
    assert _codes(code) == []

    the_day = day_of(stored.updated_at)
    anchor.run(the_day)  # the seal has its own leaf (SEAL#DOSSIER#<code>) beside the dossier's head of the day
    day = verify_day(the_day)
    assert day is not None and day.holds, day.findings
    assert {("dossier", code, 2), ("dossier", code, 3)} <= {(c.kind, c.ref, c.seq) for c in day.chains}
    report = verify_dossier(code)
    assert report is not None and report.holds and report.last_anchored_day == the_day
    assert any("niêm phong đã neo ngày" in c for c in report.checked)

    _put_event(code, 1, {**_event(code, 1), "note": "Sửa lại sau khi niêm phong"})
    report = verify_dossier(code)
    assert report is not None and [(f.code, f.seq) for f in report.findings] == [("LEGACY_ALTERED", 2)]
    assert report.findings[0].message.startswith("Các sự kiện số 1–2 (ghi trước khi có chuỗi băm, niêm phong ngày")
    day = verify_day(the_day)
    assert day is not None and [(f.code, f.seq) for f in day.findings] == [("LEAF_EVENT_ALTERED", 2)]

def test_a_dossier_changed_during_the_backfill_still_verifies(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _legacy(world, 1).code
    real = dossiers.seal_legacy

    def meanwhile(before: Dossier, through: int, sealed: str, at: Any) -> bool:
        world.act(code, "desk", "chuyen_phong")  # an officer's step between the backfill's read and its write
        return real(before, through, sealed, at)

    monkeypatch.setattr(dossiers, "seal_legacy", meanwhile)
    assert seal.seal_units([UNIT]).sealed == 0, "the seal's condition failed: the dossier changed"
    monkeypatch.setattr(dossiers, "seal_legacy", real)
    assert _item(code, "SEAL") == {}
    assert _event(code, 2)["prev_hash"] == legacy_hash(f"DOSSIER#{code}", [_event(code, 1)])
    assert _codes(code) == []
    assert seal.seal_units([UNIT]).sealed == 0, "it has a head: nothing to seal"
    _put_event(code, 1, {**_event(code, 1), "label": "Đổi"})
    assert _codes(code) == [("LEGACY_ALTERED", 1)]


def test_legacy_events_already_followed_by_an_uncommitted_chained_event_get_a_seal_item(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _legacy(world, 1).code
    with monkeypatch.context() as build_without_the_rule:  # a build with the chain but not the legacy rule
        build_without_the_rule.setattr(dossiers, "legacy_hash", lambda chain, legacy: "")
        world.act(code, "desk", "chuyen_phong")
    assert _event(code, 2)["prev_hash"] == ""
    assert _codes(code) == [("LEGACY_ALTERED", 1)], "nothing commits to event 1"
    assert seal.seal_units([UNIT]).sealed == 1
    events = (_event(code, 1), _event(code, 2))
    assert _codes(code) == [] and (_event(code, 1), _event(code, 2)) == events, "no stored event rewritten"
    seal_item = _item(code, "SEAL")
    assert seal.seal_units([UNIT]).sealed == 0 and _item(code, "SEAL") == seal_item
    _put_event(code, 1, {**_event(code, 1), "to_step": "khac"})
    assert _codes(code) == [("LEGACY_ALTERED", 1)]
