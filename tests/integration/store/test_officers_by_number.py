"""Officers added by personal number (issue 12, item 12): the administrator adds an officer by
their 12-digit personal number; the officer is bound to their VNeID subject at their first login
from the token's SoDinhDanh claim — once; a pending officer has no access; a province
administrator's limits apply; the number is never stored in clear."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

import boto3
import requests

from chalicelib.domain.officers import officer_number_key, pending_sub
from chalicelib.services.officer_binding import bind_at_first_login
from chalicelib.store import catalogue, officers
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from tests.integration.reports.conftest import REGION, World, answer

KEY = b"access-log-test-key"


def new_officer(number: str, unit: str = HCMC_UNIT, role: str = "desk", province: str = "79") -> dict[str, Any]:
    return {"personal_number": number, "name": "Nguyễn Thị Mới", "title": "Chuyên viên", "province_code": province,
            "assignments": [{"role": role, "unit_code": unit}]}


def add(world: World, body: dict[str, Any], by: str = "admin", unit: str = MINISTRY_UNIT) -> Any:
    return world.call("POST", "/v1/admin/officers", by, unit, body)


def vneid_account(world: World, number: str) -> str:
    """A VNeID account holding ``number`` (its own opaque subject); the subject."""
    sub = str(uuid.uuid4())
    made = requests.post(f"{world.sims.vneid.url}/_sim/accounts", timeout=10,
                         json={"sub": sub, "SoDinhDanh": number, "HoVaTen": "Nguyễn Thị Mới"})
    made.raise_for_status()
    return sub


def me(world: World, sub: str) -> Any:
    token = requests.post(f"{world.sims.vneid.url}/_sim/token", json={"sub": sub}, timeout=10).json()["access_token"]
    return world.client.http.get("/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_added_by_number_bound_at_first_login_then_acts_in_their_role(world: World) -> None:
    number = "079190001234"
    added = add(world, new_officer(number))
    assert added.status_code == 201, added.body
    key = officer_number_key(number, KEY)
    assert answer(added)["sub"] == pending_sub(key) and answer(added)["pending"] is True
    listed = answer(world.call("GET", "/v1/admin/officers", "admin", MINISTRY_UNIT))["items"]
    assert any(o["sub"] == pending_sub(key) and o["pending"] for o in listed)
    # the number is nowhere in the catalogue in clear
    table = boto3.client("dynamodb", region_name=REGION).scan(TableName="hoso-dev-catalogue")
    assert number not in json.dumps(table["Items"])

    sub = vneid_account(world, number)
    first = me(world, sub)
    assert first.status_code == 200, first.body
    bound = catalogue.get_officer(sub)
    assert bound is not None and not bound.pending and bound.personal_number_key == key
    assert bound.roles_in(HCMC_UNIT) == {"desk"}
    assert catalogue.get_officer(pending_sub(key)) is None
    assert officers.claim_sub(key) == sub
    # the desk role works: the officer's own dossier list
    token = requests.post(f"{world.sims.vneid.url}/_sim/token", json={"sub": sub}, timeout=10).json()["access_token"]
    mine = world.client.http.get("/v1/me/dossiers", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200, mine.body


def test_a_second_subject_with_the_same_number_cannot_take_over_the_bound_officer(world: World) -> None:
    number = "079190005678"
    assert add(world, new_officer(number)).status_code == 201
    owner = vneid_account(world, number)
    assert me(world, owner).status_code == 200
    key = officer_number_key(number, KEY)
    before = catalogue.get_officer(owner)

    intruder = vneid_account(world, number)
    attempt = me(world, intruder)
    assert attempt.status_code == 403, attempt.body
    assert answer(attempt)["error_code"] == "NO_ROLE"
    assert catalogue.get_officer(intruder) is None
    assert catalogue.get_officer(owner) == before
    assert officers.claim_sub(key) == owner
    # the owner's own requests racing the binding find their bound profile; the intruder's nothing
    assert bind_at_first_login(owner, {"SoDinhDanh": number}) == before
    assert bind_at_first_login(intruder, {"SoDinhDanh": number}) is None
    # nor can the number be added again to reach them through a fresh pending record
    again = add(world, new_officer(number))
    assert again.status_code == 409 and answer(again)["error_code"] == "OFFICER_EXISTS"
    assert catalogue.get_officer(pending_sub(key)) is None
    assert me(world, intruder).status_code == 403


def test_binding_is_conditional_a_raced_binding_changes_nothing(world: World) -> None:
    number = "079190002468"
    assert add(world, new_officer(number)).status_code == 201
    key = officer_number_key(number, KEY)
    # someone bound the number meanwhile (the claim is no longer unbound): the pending record stays
    catalogue.put_officer(catalogue.get_officer(pending_sub(key)).model_copy(update={"sub": "x"}))  # type: ignore[union-attr]
    officers._claim_item(key, "x").save()
    assert officers.bind(key, "late-subject") is None
    assert catalogue.get_officer("late-subject") is None
    assert catalogue.get_officer(pending_sub(key)) is not None


def test_a_pending_officer_has_no_access_and_cannot_be_made_by_hand(world: World) -> None:
    number = "079190001357"
    assert add(world, new_officer(number)).status_code == 201
    key = officer_number_key(number, KEY)
    pending = catalogue.get_officer(pending_sub(key))
    assert pending is not None and pending.pending
    # editing a pending officer's roles keeps it pending (the flag and key are the stored record's)
    edited = {**pending.model_dump(mode="json"), "pending": False, "personal_number_key": "", "title": "Phó phòng"}
    put = world.call("PUT", f"/v1/admin/officers/{quote(pending.sub, safe='')}", "admin", MINISTRY_UNIT, edited)
    assert put.status_code == 200, put.body
    stored = catalogue.get_officer(pending.sub)
    assert stored is not None and stored.pending and stored.personal_number_key == key and stored.title == "Phó phòng"
    # no "pending-" record can be written by hand
    forged = {**edited, "sub": "pending-forged"}
    assert world.call("PUT", "/v1/admin/officers/pending-forged", "admin", MINISTRY_UNIT, forged).status_code == 404
    assert catalogue.get_officer("pending-forged") is None


def test_the_number_is_checked_with_a_vietnamese_message(world: World) -> None:
    wrong = add(world, new_officer("07919000123"))
    assert wrong.status_code == 422
    assert answer(wrong)["errors"] == [{"field": "personal_number",
                                        "message": "Số định danh cá nhân phải gồm đúng 12 chữ số."}]


def test_a_province_admin_adds_only_their_provinces_processing_officers(world: World) -> None:
    hcm = "province_admin", HCMC_UNIT
    for number, body in (("079190003001", new_officer("079190003001", unit=HANOI_UNIT)),
                         ("079190003002", new_officer("079190003002", province="01")),
                         ("079190003003", new_officer("079190003003", role="province_admin"))):
        refused = add(world, body, *hcm)
        assert refused.status_code == 403, refused.body
        assert answer(refused)["error_code"] == "FORBIDDEN_PROVINCE"
        key = officer_number_key(number, KEY)
        assert officers.claim_sub(key) is None and catalogue.get_officer(pending_sub(key)) is None
    fine = add(world, new_officer("079190003004"), *hcm)
    assert fine.status_code == 201, fine.body
    assert officers.claim_sub(officer_number_key("079190003004", KEY)) == ""
