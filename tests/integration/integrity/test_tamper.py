"""Dossier histories written by the real transactions are hash chains that verify; someone editing the
table directly (change a field, delete an event, reorder two) is named by the admin API, the dossier's
own view and the operator command; the chain's head is in the transition's condition."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib.domain.dossier import Dossier
from chalicelib.integrity import verify
from chalicelib.integrity.index import ChainDayItem, day_of, partition, shard_of
from chalicelib.store import dossiers
from local.simulators.accounts import HANOI_UNIT, MINISTRY_UNIT
from tests.integration.reports.conftest import REGION, World, account, answer

TABLE = "hoso-dev-dossiers"


def _processed(world: World) -> Dossier:
    dossier = world.desk_dossier()
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=account("appraiser")["sub"])
    return dossier


def _event(code: str, seq: int) -> dict[str, Any]:
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=TABLE, Key={"pk": {"S": f"DOSSIER#{code}"}, "sk": {"S": f"EVENT#{seq:06d}"}})["Item"]
    return dict(json.loads(item["data"]["S"]))


def _put_event(code: str, seq: int, data: dict[str, Any]) -> None:
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=TABLE, Item={
        "pk": {"S": f"DOSSIER#{code}"}, "sk": {"S": f"EVENT#{seq:06d}"}, "data": {"S": json.dumps(data)}})


def _findings(world: World, code: str) -> list[tuple[str, int]]:
    response = world.call("GET", f"/v1/admin/integrity/dossiers/{code}", "admin", unit=MINISTRY_UNIT)
    assert response.status_code == 200, response.body
    return [(f["code"], f["seq"]) for f in answer(response)["findings"]]


def test_every_written_event_is_a_link_and_the_history_verifies(world: World) -> None:
    dossier = _processed(world)
    events = [_event(dossier.code, n) for n in (1, 2, 3)]
    assert [e["prev_hash"] for e in events[1:]] == [e["hash"] for e in events[:2]]
    stored = dossiers.get(dossier.code)
    assert stored is not None and stored.chain_head == events[-1]["hash"]
    day = ChainDayItem.get(partition(day_of(stored.updated_at), shard_of(f"DOSSIER#{dossier.code}")),
                           f"DOSSIER#{dossier.code}")
    assert (day.seq, day.hash) == (3, events[-1]["hash"]), "the day index holds the day's head"
    report = answer(world.call("GET", f"/v1/admin/integrity/dossiers/{dossier.code}", "admin",
                               unit=MINISTRY_UNIT))
    assert report["holds"] and report["events"] == 3 and report["findings"] == []
    own = answer(world.call("GET", f"/v1/dossiers/{dossier.code}/integrity", "desk"))
    assert own["holds"] and "toàn vẹn" in own["summary"]
    assert verify.main([dossier.code]) == 0


def test_a_changed_field_is_named(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code = _processed(world).code
    event = _event(code, 2)
    _put_event(code, 2, {**event, "note": "Sửa lại cho đẹp"})
    assert _findings(world, code) == [("EVENT_ALTERED", 2)]
    assert verify.main([code]) == 1
    assert "[EVENT_ALTERED] Sự kiện số 2 đã bị sửa" in capsys.readouterr().out


def test_a_deleted_event_is_named(world: World) -> None:
    code = _processed(world).code
    boto3.client("dynamodb", region_name=REGION).delete_item(
        TableName=TABLE, Key={"pk": {"S": f"DOSSIER#{code}"}, "sk": {"S": "EVENT#000002"}})
    assert _findings(world, code) == [("EVENT_MISSING", 2)]


def test_two_reordered_events_are_named(world: World) -> None:
    code = _processed(world).code
    second, third = _event(code, 2), _event(code, 3)
    _put_event(code, 2, third)
    _put_event(code, 3, second)
    # the last position now holds the second event: META's head names that too
    assert _findings(world, code) == [("EVENT_REORDERED", 2), ("EVENT_REORDERED", 3), ("HEAD_MISMATCH", 3)]


def test_a_province_admin_verifies_only_their_province(world: World) -> None:
    code = _processed(world).code
    own = world.call("GET", f"/v1/admin/integrity/dossiers/{code}", "province_admin")
    other = world.call("GET", f"/v1/admin/integrity/dossiers/{code}", "province_admin", unit=HANOI_UNIT)
    assert own.status_code == 200 and other.status_code == 403


def test_the_printed_report_is_a_pdf(world: World) -> None:
    code = _processed(world).code
    link = answer(world.call("GET", f"/v1/admin/integrity/dossiers/{code}/report", "admin", unit=MINISTRY_UNIT))
    assert link["name"].endswith(".pdf") and link["size"] > 1000


def test_a_stale_chain_head_cannot_fork_the_chain(world: World) -> None:
    dossier = _processed(world)
    before = dossiers.get(dossier.code)
    assert before is not None
    forged = before.model_copy(update={"chain_head": "f" * 64})
    with pytest.raises(dossiers.VersionConflict):
        world_event = dossiers.events(dossier.code)[-1]
        dossiers.transition(forged, forged.model_copy(update={"version": forged.version + 1, "seq": forged.seq + 1}),
                            world_event.model_copy(update={"seq": forged.seq + 1}))
    assert dossiers.get(dossier.code) == before
