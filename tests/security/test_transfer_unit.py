"""Escalation probes of the transfer to the competent unit (POST /v1/dossiers/{code}/transfer-unit),
each completing the write and reading the stored dossier back: an officer of a third unit cannot
transfer a dossier, the competent unit cannot pull one, and once transferred the old unit's officers
can no longer read it, act on it or read its attachments — the new unit's can."""

from __future__ import annotations

from chalicelib.store import dossiers as dossier_store
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from tests.security.conftest import SIBLING_UNIT, World, online_dossier

REASON = "Hồ sơ thuộc thẩm quyền giải quyết của đơn vị khác."


def _transfer(caller, code: str, unit: str):  # type: ignore[no-untyped-def]
    return caller.post(f"/v1/dossiers/{code}/transfer-unit", {"unit_code": unit, "reason": REASON})


def test_an_officer_of_a_third_unit_cannot_transfer_the_dossier(world: World) -> None:
    code, _ = online_dossier(world.callers["dvcqg"], HCMC_UNIT)
    before = dossier_store.get(code)
    answer = _transfer(world.desks[SIBLING_UNIT], code, HANOI_UNIT)
    assert answer.status_code == 404 and answer.json() == world.not_found_body
    assert dossier_store.get(code) == before


def test_the_competent_unit_cannot_pull_a_dossier_from_the_holder(world: World) -> None:
    code, _ = online_dossier(world.callers["dvcqg"], HCMC_UNIT)
    before = dossier_store.get(code)
    answer = _transfer(world.desks[HANOI_UNIT], code, HANOI_UNIT)
    assert answer.status_code == 404 and answer.json() == world.not_found_body
    assert dossier_store.get(code) == before


def test_the_holding_units_other_roles_cannot_transfer(world: World) -> None:
    code, _ = online_dossier(world.callers["dvcqg"], HCMC_UNIT)
    before = dossier_store.get(code)
    for role in ("appraiser", "head", "clerk"):
        answer = _transfer(world.callers[role], code, HANOI_UNIT)
        assert answer.status_code == 403, (role, answer.text)
    assert dossier_store.get(code) == before


def test_after_the_transfer_the_old_unit_loses_the_dossier_and_its_attachments(world: World) -> None:
    code, doc_id = online_dossier(world.callers["dvcqg"], HCMC_UNIT)
    desk, new_desk = world.callers["desk"], world.desks[HANOI_UNIT]
    link = f"/v1/dossiers/{code}/documents/{doc_id}/link"
    assert desk.get(link).status_code == 200 and new_desk.get(link).status_code == 404
    answer = _transfer(desk, code, HANOI_UNIT)
    assert answer.status_code == 200, answer.text
    stored = dossier_store.get(code)
    assert stored is not None and stored.unit_code == HANOI_UNIT and stored.code == code
    for role in ("desk", "head", "appraiser", "leader", "clerk"):
        old = world.callers[role]
        assert old.get(f"/v1/dossiers/{code}").status_code == 404, role
        assert old.get(link).status_code == 404, role
    assert desk.act(code, "tiep_nhan").status_code == 404
    assert _transfer(desk, code, HCMC_UNIT).status_code == 404  # nor take it back
    assert dossier_store.get(code) == stored
    assert new_desk.get(link).status_code == 200
    assert new_desk.act(code, "tiep_nhan").status_code == 200  # the competent unit's desk receives it
