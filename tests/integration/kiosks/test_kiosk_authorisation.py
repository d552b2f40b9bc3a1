"""Who may do what with kiosks: a kiosk calls only the kiosk routes (never an officer's, never
another client's), a revoked kiosk nothing, another client no kiosk route; a kiosk reads no
dossier without that dossier's token; administrators manage only their province's kiosks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.auth import registry
from chalicelib.documents import lookup
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.kiosks import store as kiosk_store
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from tests.integration.documents.conftest import World
from tests.integration.kiosks.conftest import as_kiosk, kiosk_token, register

KIOSK_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/v1/kiosk/procedures", None),
    ("GET", "/v1/kiosk/procedures/1.001193", None),
    ("POST", "/v1/kiosk/lookups", {"code": f"{HCMC_UNIT}-260101-0001", "token": "ABCDEFGH"}),
    ("POST", "/v1/kiosk/receipts", {"code": f"{HCMC_UNIT}-260101-0001", "token": "ABCDEFGH"}),
    ("POST", "/v1/kiosk/drafts", {"MaTTHC": "1.001193"}),
]


def test_a_kiosk_cannot_call_officer_routes_nor_other_clients_routes(world: World) -> None:
    token = kiosk_token(world)
    dossier = world.desk_dossier()
    for method, path in (("GET", "/v1/drafts"), ("GET", f"/v1/dossiers/{dossier.code}"), ("GET", "/v1/procedures"),
                         ("POST", f"/v1/units/{HCMC_UNIT}/kiosk-drafts/ABCDEFGH/take"), ("GET", "/v1/admin/kiosks"),
                         ("GET", f"/v1/dossiers/{dossier.code}/forms/tiep-nhan")):
        answer = as_kiosk(world, token, method, path)
        assert answer.status_code == 401 and answer.json_body["error_code"] == "INVALID_TOKEN", (path, answer.body)
    status = as_kiosk(world, token, "POST", f"/v1/specialised/dossiers/{dossier.code}/status",
                      {"event_id": "K-1", "action": "trinh", "from_step": "x", "status": 4})
    assert status.status_code == 403 and status.json_body["error_code"] == "FORBIDDEN_CAPABILITY"


def test_other_clients_and_officers_cannot_call_the_kiosk_routes(world: World) -> None:
    software = registry.create_client("pm-chuyen-nganh", "Phần mềm chuyên ngành", ["1.001193"],
                                      kind=ClientKind.SPECIALISED_SOFTWARE,
                                      capabilities=[Capability.SPECIALISED_STATUS, Capability.SPECIALISED_RESULTS])
    for method, path, body in KIOSK_ROUTES:
        answer = as_kiosk(world, software, method, path, body)
        assert answer.status_code == 403 and answer.json_body["error_code"] == "FORBIDDEN_CAPABILITY", path
        by_officer = world.call(method, path, "desk", body=body)
        assert by_officer.status_code == 401 and by_officer.json_body["error_code"] == "INVALID_CLIENT", path
        anonymous = world.call(method, path, body=body)
        assert anonymous.status_code == 401 and anonymous.json_body["error_code"] == "AUTH_REQUIRED", path


def test_a_revoked_kiosk_is_refused_everywhere(world: World) -> None:
    token = kiosk_token(world)
    assert as_kiosk(world, token, "GET", "/v1/kiosk/procedures").status_code == 200
    revoked = world.call("POST", "/v1/admin/kiosks/kiosk-sanh-a/revoke", "admin", MINISTRY_UNIT)
    assert revoked.status_code == 200 and revoked.json_body["active"] is False
    for method, path, body in KIOSK_ROUTES:
        answer = as_kiosk(world, token, method, path, body)
        assert answer.status_code == 401 and answer.json_body["error_code"] == "INVALID_CLIENT", path
    assert kiosk_store.waiting(HCMC_UNIT, dt.datetime.now(dt.UTC)) == []  # nothing was written


def test_a_kiosk_cannot_read_a_dossier_with_another_dossiers_token(world: World) -> None:
    token = kiosk_token(world)
    mine, theirs = world.desk_dossier(), world.desk_dossier(ChuHoSo="Lê Thị Cúc")
    my_token = lookup.token_for(mine.code)
    lookup.token_for(theirs.code)
    for path in ("/v1/kiosk/lookups", "/v1/kiosk/receipts"):
        answer = as_kiosk(world, token, "POST", path, {"code": theirs.code, "token": my_token})
        assert answer.status_code == 404, answer.body
        assert "Lê Thị Cúc" not in answer.body.decode() and theirs.code not in answer.body.decode()
    stored = world.s3.list_objects_v2(Bucket="hoso-dev-attachments", Prefix=f"forms/{theirs.code}/")
    assert stored.get("KeyCount", 0) == 0


def test_administrators_manage_only_their_provinces_kiosks(world: World) -> None:
    hanoi = register(world, "kiosk-hcm-by-hn", HCMC_UNIT, "province_admin", HANOI_UNIT)
    assert hanoi.status_code == 403 and hanoi.json_body["error_code"] == "FORBIDDEN_PROVINCE"
    assert registry.get_client("kiosk-hcm-by-hn") is None
    hcmc = register(world, "kiosk-hcm", HCMC_UNIT, "province_admin", HCMC_UNIT)
    assert hcmc.status_code == 201, hcmc.body
    assert hcmc.json_body["token"].startswith("kiosk-hcm.") and hcmc.json_body["kiosk"]["unit_code"] == HCMC_UNIT
    stored = registry.get_client("kiosk-hcm")
    assert stored is not None and hcmc.json_body["token"].split(".", 1)[1] not in str(stored.model_dump())
    listed = world.call("GET", "/v1/admin/kiosks", "province_admin", HANOI_UNIT)
    assert listed.status_code == 200 and listed.json_body["items"] == []
    mine = world.call("GET", "/v1/admin/kiosks", "province_admin", HCMC_UNIT)
    assert "kiosk-hcm" in [k["kiosk_id"] for k in mine.json_body["items"]]  # with the seeded demo kiosk
    assert {k["unit_code"] for k in mine.json_body["items"]} == {HCMC_UNIT}
    refused = world.call("POST", "/v1/admin/kiosks/kiosk-hcm/revoke", "province_admin", HANOI_UNIT)
    assert refused.status_code == 403 and refused.json_body["error_code"] == "FORBIDDEN_PROVINCE"
    stored = registry.get_client("kiosk-hcm")
    assert stored is not None and stored.active
    unknown = register(world, "kiosk-x", "000.00.99.H99")
    assert unknown.status_code == 422 and unknown.json_body["errors"][0]["field"] == "unit_code"
    taken = register(world, "kiosk-hcm")
    assert taken.status_code == 409 and taken.json_body["error_code"] == "CLIENT_EXISTS"


def test_a_kiosk_is_not_registered_nor_regranted_through_the_generic_clients_route(world: World) -> None:
    created = world.call("POST", "/v1/admin/clients", "admin", MINISTRY_UNIT, body={
        "client_id": "kiosk-generic", "name": "Ki-ốt", "kind": "kiosk", "capabilities": ["kiosk"]})
    assert created.status_code == 422 and created.json_body["errors"][-1]["field"] == "kind"
    kiosk_token(world)
    regrant = world.call("PUT", "/v1/admin/clients/kiosk-sanh-a/grants", "admin", MINISTRY_UNIT, body={
        "kind": "postal_service", "capabilities": ["post_tracking"]})
    assert regrant.status_code == 409 and regrant.json_body["error_code"] == "KIOSK_GRANTS_FIXED"


def test_a_kiosk_without_a_unit_serves_nothing(world: World) -> None:
    token = registry.create_client("kiosk-khong-don-vi", "Ki-ốt", [], kind=ClientKind.KIOSK,
                                   capabilities=[Capability.KIOSK])
    for method, path, body in KIOSK_ROUTES:
        answer = as_kiosk(world, token, method, path, body)
        assert answer.status_code == 403 and answer.json_body["error_code"] == "FORBIDDEN_CAPABILITY", path
