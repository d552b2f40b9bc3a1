"""Result delivery by post (SPEC §7.5): order with the post simulator, tracking callbacks
recorded, delivery → status 10 with HinhThuc "1"."""

from __future__ import annotations

from typing import Any

import requests

from chalicelib.auth.registry import create_client
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.dossier import Dossier
from chalicelib.store import dossiers
from chalicelib.sync.payloads import dossier_record
from tests.integration.documents.conftest import APPLICANT, World

SENDER = {"name": "Bộ phận Một cửa Sở Khoa học và Công nghệ", "phone": "0903829000", "address": "244 Điện Biên Phủ",
          "provinceCode": "79", "communeCode": "26740"}
RECEIVER = {"name": APPLICANT, "phone": "0912345678", "address": "Số 12 đường Lê Lợi", "provinceCode": "79",
            "communeCode": "26734"}

POSTAL = ClientKind.POSTAL_SERVICE


def _ready(world: World) -> Dossier:
    return world.processed()


def _move(world: World, number: str, status: str) -> dict[str, Any]:
    answer = requests.post(f"{world.sims.post.url}/_sim/orders/{number}/status", json={"status": status}, timeout=10)
    return dict(answer.json()["sent"])


def test_delivery_by_post_reaches_status_10(world: World) -> None:
    dossier = _ready(world)
    assert dossier.status == 9
    created = world.call("POST", f"/v1/dossiers/{dossier.code}/post-order", "desk",
                         body={"sender": SENDER, "receiver": RECEIVER})
    assert created.status_code == 201, created.body
    tracking_number = created.json_body["tracking_number"]
    order = world.sims.post_sim.orders[dossier.code]
    assert order["trackingNumber"] == tracking_number and order["request"]["receiver"]["name"] == APPLICANT
    assert dossiers.get(dossier.code).result_delivery == "1"  # type: ignore[union-attr]
    assert world.call("POST", f"/v1/dossiers/{dossier.code}/post-order", "desk",
                      body={"sender": SENDER, "receiver": RECEIVER}).status_code == 409

    token = create_client("buu-chinh-thu-nghiem", "Bưu chính công ích", [dossier.procedure_code], kind=POSTAL,
                          capabilities=[Capability.POST_TRACKING])
    headers = {"Authorization": f"Bearer {token}"}
    for status in ("picked_up", "in_transit", "out_for_delivery"):
        sent = _move(world, dossier.code, status)
        assert world.call("POST", "/v1/post/tracking", body=sent, headers=headers).status_code == 200
    assert dossiers.get(dossier.code).status == 9  # type: ignore[union-attr]
    delivered = _move(world, dossier.code, "delivered")
    answer = world.call("POST", "/v1/post/tracking", body=delivered, headers=headers)
    assert answer.status_code == 200 and [h["status"] for h in answer.json_body["history"]] == [
        "created", "picked_up", "in_transit", "out_for_delivery", "delivered"]
    after = dossiers.get(dossier.code)
    assert after is not None and after.status == 10 and after.delivered_at is not None
    last = dossiers.events(dossier.code)[-1]
    assert last.action == "deliver_result" and last.actor.sub == "postal-service" and tracking_number in last.note
    assert [e.action for e in dossiers.events(dossier.code)].count("post_tracking") == 3
    record = dossier_record(after, unit_name="Sở", link=lambda d: "https://example.invalid/x")
    assert record["HinhThuc"] == "1" and record["TrangThaiHoSo"] == "10"
    # a redelivered callback changes nothing; a forged or unscoped caller is refused
    assert world.call("POST", "/v1/post/tracking", body=delivered, headers=headers).status_code == 200
    assert dossiers.get(dossier.code).version == after.version  # type: ignore[union-attr]
    assert world.call("POST", "/v1/post/tracking", body=delivered,
                      headers={"Authorization": "Bearer buu-chinh-thu-nghiem.wrong"}).status_code == 401
    other = create_client("buu-chinh-2", "Khác", ["1.000105"], kind=POSTAL, capabilities=[Capability.POST_TRACKING])
    assert world.call("POST", "/v1/post/tracking", body=delivered,
                      headers={"Authorization": f"Bearer {other}"}).status_code == 403


def test_order_only_when_the_result_is_ready(world: World) -> None:
    dossier = world.desk_dossier()
    answer = world.call("POST", f"/v1/dossiers/{dossier.code}/post-order", "desk",
                        body={"sender": SENDER, "receiver": RECEIVER})
    assert answer.status_code == 409 and answer.json_body["error_code"] == "RESULT_NOT_READY"
    bad = world.call("POST", f"/v1/dossiers/{dossier.code}/post-order", "desk",
                     body={"sender": SENDER, "receiver": {**RECEIVER, "phone": "123"}})
    assert bad.status_code == 422
