"""Roles pushed by the coordination system after login (SPEC §7.7), over HTTP against moto: applied
only in the units whose roles come from the coordinator, only when newer, the officer added pending
and bound at their first VNeID login; every other caller refused with nothing written."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from chalicelib.auth import registry
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.officers import officer_number_key, pending_sub
from chalicelib.privacy import store as privacy_store
from chalicelib.store import catalogue, officers
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from tests.integration.flows.conftest import World

ROUTE = "/v1/coordinator/officer-roles"


@pytest.fixture
def units(world: World) -> Iterator[None]:
    """TP HCM's unit takes its roles from the coordinator; Hà Nội's from hoso's administration."""
    hcmc = catalogue.get_unit(HCMC_UNIT)
    assert hcmc is not None
    catalogue.put_unit(hcmc.model_copy(update={"roles_source": "coordinator"}))
    catalogue.clear_cache()
    yield
    catalogue.put_unit(hcmc)
    catalogue.clear_cache()


def _client(*capabilities: Capability, kind: ClientKind = ClientKind.COORDINATOR) -> str:
    return registry.create_client(f"dp-{secrets.token_hex(4)}", "Hệ thống điều phối (thử nghiệm)", [], kind=kind,
                                  capabilities=list(capabilities))  # fmt: skip


def _push(world: World, token: str | None, number: str, version: int, *assignments: tuple[str, str]) -> Any:
    body = {"SoDinhDanh": number, "HoVaTen": "Lê Thị Điều Phối", "version": version,
            "assignments": [{"MaDonVi": u, "VaiTro": r} for u, r in assignments]}  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{world.api.url}{ROUTE}", json=body, headers=headers, timeout=20)


def _number() -> str:
    return "079190" + f"{secrets.randbelow(10**6):06d}"


def test_pushed_roles_apply_in_the_coordinators_units_when_newer_and_survive_the_first_login(
        world: World, units: None) -> None:  # fmt: skip
    token, number = _client(Capability.COORDINATOR_ROLES), _number()
    first = _push(world, token, number, 1, (HCMC_UNIT, "desk"), (HANOI_UNIT, "appraiser"))
    assert first.status_code == 200, first.text
    assert first.json() | {"message": ""} == {"error_code": 0, "message": "", "applied": True, "version": 1,
                                              "roles": [f"desk@{HCMC_UNIT}"], "ignored": [HANOI_UNIT]}
    key = officer_number_key(number, privacy_store.hmac_key())
    pending = catalogue.get_officer(pending_sub(key))
    assert pending is not None and pending.pending and [(a.role, a.unit_code) for a in pending.assignments] == [
        ("desk", HCMC_UNIT)]

    # The officer logs in with VNeID: bound, and acts as TP HCM's desk
    sub = str(uuid.uuid4())
    account = {"sub": sub, "SoDinhDanh": number, "HoVaTen": "Lê Thị Điều Phối", "role": "desk",
               "unit_code": HCMC_UNIT, "province_code": "79"}  # fmt: skip
    requests.post(f"{world.vneid.url}/_sim/accounts", json=account, timeout=10).raise_for_status()
    me = world.api.get("/v1/me", world.token(sub))
    assert me.status_code == 200, me.text
    assert officers.claim_sub(key) == sub

    # An administrator of hoso gives them a role in Hà Nội (administered in hoso): a push never touches it
    bound = catalogue.get_officer(sub)
    assert bound is not None
    catalogue.put_officer(bound.model_copy(update={"assignments": [*bound.assignments, *[
        a.model_copy(update={"role": "clerk", "unit_code": HANOI_UNIT}) for a in bound.assignments[:1]]]}))

    stale = _push(world, token, number, 1, (HCMC_UNIT, "head"))
    assert stale.status_code == 200 and stale.json()["applied"] is False
    newer = _push(world, token, number, 2, (HCMC_UNIT, "head"), (HCMC_UNIT, "appraiser"))
    assert newer.json()["applied"] is True, newer.text
    after = catalogue.get_officer(sub)
    assert after is not None and after.roles_version == 2
    assert sorted((a.role.value, a.unit_code) for a in after.assignments) == sorted(
        [("clerk", HANOI_UNIT), ("head", HCMC_UNIT), ("appraiser", HCMC_UNIT)])


def test_only_the_coordinators_client_with_the_capability_pushes_and_a_refusal_writes_nothing(
        world: World, units: None) -> None:  # fmt: skip
    token, number = _client(Capability.COORDINATOR_ROLES), _number()
    assert _push(world, token, number, 5, (HCMC_UNIT, "desk")).json()["applied"] is True
    key = officer_number_key(number, privacy_store.hmac_key())
    before = catalogue.get_officer(pending_sub(key))
    refusals = {
        "no credential": (None, 401, "AUTH_REQUIRED"),
        "an agency": (_client(Capability.FLOW_CALLBACK, kind=ClientKind.AGENCY), 403, "FORBIDDEN_CAPABILITY"),
        "results only": (_client(Capability.COORDINATOR_RESULTS), 403, "FORBIDDEN_CAPABILITY"),
    }
    for why, (caller, status, error) in refusals.items():
        answer = _push(world, caller, number, 9, (HCMC_UNIT, "leader"))
        assert (answer.status_code, answer.json()["error_code"]) == (status, error), f"{why}: {answer.text}"
    # administration is never pushed; an unknown unit is named
    assert _push(world, token, number, 9, (HCMC_UNIT, "admin")).status_code == 422
    unknown = _push(world, token, number, 9, ("999.99.99.H99", "desk"))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "assignments[0].MaDonVi"
    assert catalogue.get_officer(pending_sub(key)) == before
