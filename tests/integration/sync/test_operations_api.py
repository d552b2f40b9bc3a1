"""The operators' sync API over HTTP (Chalice's test client), with real VNeID tokens from the
VNeID simulator and hoso's role catalogue: who may call it, a dossier's sync ledger ("did DVCQG
get step X of dossier Y, and when?"), a forced resync, the redrive of a DLQ."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from chalice import Chalice
from chalice.test import Client

from chalicelib.api import operations
from chalicelib.sync import store
from chalicelib.sync.deliver import deliver
from local.simulators.base import RunningServer
from tests.integration.sync.conftest import DESK, FAST, OPERATOR, World, bearer, expected_progress
from tests.unit.sync import samples

app = Chalice(app_name="hoso-operations-test")
app.register_blueprint(operations.bp)


@pytest.fixture
def api(officers: None) -> Iterator[Client]:
    with Client(app) as client:
        yield client


def call(api: Client, method: str, path: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    response = api.http.request(method, path, headers=headers, body=raw)
    return response.status_code, json.loads(response.body) if response.body else None


def delivered(world: World) -> str:
    at = datetime.now(samples.VN) - timedelta(hours=1)
    dossier = world.open(at)
    for k, move in enumerate(samples.FULL[1:4], start=1):
        dossier = world.move(dossier, move, at + timedelta(minutes=k))
    deliver("dvcqg", dossier.code)
    deliver("province", dossier.code)
    return dossier.code


def test_only_operators_may_call(api: Client, vneid: RunningServer, world: World) -> None:
    code = delivered(world)
    assert call(api, "GET", f"/v1/ops/dossiers/{code}/sync", {})[0] == 401
    status, body = call(api, "GET", f"/v1/ops/dossiers/{code}/sync", bearer(vneid, DESK))
    assert (status, body["error_code"]) == (403, "FORBIDDEN")
    assert call(api, "POST", "/v1/ops/sync/dvcqg/redrive", bearer(vneid, DESK))[0] == 403


def test_the_sync_state_answers_whether_and_when_a_step_reached_dvcqg(api: Client, vneid: RunningServer,
                                                                      world: World) -> None:  # fmt: skip
    code = delivered(world)
    status, body = call(api, "GET", f"/v1/ops/dossiers/{code}/sync", bearer(vneid, OPERATOR))
    assert status == 200
    assert (body["code"], body["seq"], body["status"]) == (code, 4, "4")
    by_name = {d["destination"]: d for d in body["destinations"]}
    assert [d["destination"] for d in body["destinations"]] == ["dvcqg", "coordinator", "province"]
    assert (by_name["dvcqg"]["acked_seq"], by_name["dvcqg"]["seen"], by_name["dvcqg"]["pending"]) == (4, True, 0)
    assert (by_name["coordinator"]["acked_seq"], by_name["coordinator"]["pending"]) == (0, 4)
    assert by_name["coordinator"]["ledger"] == []
    step_2 = next(e for e in by_name["dvcqg"]["ledger"]
                  if e["seq"] == 2 and e["service"] == "CapNhatTienDoHoSoMC")  # fmt: skip
    acked = datetime.fromisoformat(step_2["first_acked_at"])
    assert abs((datetime.now(acked.tzinfo) - acked).total_seconds()) < 60
    assert (step_2["status"], step_2["label"], step_2["sends"]) == ("2", "Tiếp nhận hồ sơ", 1)
    assert step_2["answer"]["error_code"] == 0

    assert call(api, "GET", f"/v1/ops/dossiers/{samples.dossier_code(99)}/sync", bearer(vneid, OPERATOR))[0] == 404


def test_a_resync_from_the_start_sends_everything_again_and_is_audited(api: Client, vneid: RunningServer,
                                                                       world: World) -> None:  # fmt: skip
    code = delivered(world)
    headers = bearer(vneid, OPERATOR)
    status, body = call(api, "POST", f"/v1/ops/dossiers/{code}/resync", headers,
                        {"destination": "dvcqg", "from_start": True})  # fmt: skip
    assert status == 202
    assert body == {"code": code, "destinations": [
        {"destination": "dvcqg", "acked_before": 4, "acked_after": 0, "enqueued_seq": 4}]}  # fmt: skip
    assert world.drain("dvcqg", FAST).failed == {}
    received = world.sims["dvcqg"].record(code)
    assert received["progress"] == expected_progress(code)
    assert received["duplicates_ignored"] == 4  # DVCQG keeps identical records once
    assert store.get_cursor(code, "dvcqg").acked == 4

    _, state = call(api, "GET", f"/v1/ops/dossiers/{code}/sync", headers)
    dvcqg = state["destinations"][0]
    assert {e["sends"] for e in dvcqg["ledger"] if e["service"] == "CapNhatTienDoHoSoMC"} == {2}
    (audit,) = state["audit"]
    assert (audit["action"], audit["destination"]) == ("resync_from_start", "dvcqg")
    assert audit["by"] == f"{OPERATOR['HoVaTen']} ({OPERATOR['sub']})"

    status, body = call(api, "POST", f"/v1/ops/dossiers/{code}/resync", headers, {"destination": "all"})
    assert status == 202
    assert [(d["destination"], d["acked_after"]) for d in body["destinations"]] == [
        ("dvcqg", 4), ("coordinator", 0), ("province", 4)]  # fmt: skip
    assert world.drain("coordinator", FAST).failed == {}
    assert world.sims["coordinator"].record(code)["progress"] == expected_progress(code)

    status, body = call(api, "POST", f"/v1/ops/dossiers/{code}/resync", headers, {"destination": "mars"})
    assert (status, body["error_code"]) == (422, "INVALID_DATA")
    assert call(api, "POST", f"/v1/ops/dossiers/{samples.dossier_code(99)}/resync", headers,
                {"destination": "all"})[0] == 404  # fmt: skip


def test_redrive_moves_the_dlq_back_to_the_queue(api: Client, vneid: RunningServer, world: World) -> None:
    code = delivered(world)
    for seq in (3, 4):  # as SQS parks them after maxReceiveCount receives
        world.sqs.send_message(QueueUrl=world.dlqs["coordinator"], MessageBody=json.dumps({"code": code, "seq": seq}),
                               MessageAttributes={"dossier": {"DataType": "String", "StringValue": code}})  # fmt: skip
    status, body = call(api, "POST", "/v1/ops/sync/coordinator/redrive", bearer(vneid, OPERATOR))
    assert (status, body) == (200, {"destination": "coordinator", "moved": 2, "remaining": 0})
    assert world.counts(world.dlqs["coordinator"]) == (0, 0)
    messages = world.receive("coordinator")
    assert sorted(json.loads(m["Body"])["seq"] for m in messages) == [3, 4]
    assert {m["MessageAttributes"]["dossier"]["StringValue"] for m in messages} == {code}
    assert call(api, "POST", "/v1/ops/sync/mars/redrive", bearer(vneid, OPERATOR))[0] == 404
