"""Separation of duties through hoso's API on moto: the ministry administrator turns the option
on for a procedure (PUT /v1/admin/procedures), and an officer holding two roles of the unit can
then no longer appraise a dossier they assigned — refused with 403 SEPARATION_OF_DUTIES, the
dossier unchanged, the action not offered; without the option the same officer may."""

from __future__ import annotations

import pytest

from chalicelib.domain.catalogue import RoleAssignment
from chalicelib.store import catalogue, dossiers
from local.simulators.accounts import MINISTRY_UNIT
from tests.integration.reports.conftest import UNIT, World, answer, officer

PROCEDURE = "1.001193"


def set_option(world: World, enabled: bool) -> None:
    procedure = catalogue.get_procedure(PROCEDURE)
    assert procedure is not None
    body = {**procedure.model_dump(mode="json"), "separation_of_duties": enabled}
    response = world.call("PUT", f"/v1/admin/procedures/{PROCEDURE}", "admin", MINISTRY_UNIT, body)
    assert response.status_code == 200, response.body
    assert answer(response)["separation_of_duties"] is enabled


@pytest.mark.parametrize("enabled", [True, False])
def test_a_head_who_assigned_the_dossier_to_themselves_cannot_appraise_it(world: World, enabled: bool) -> None:
    head = officer("head")
    catalogue.put_officer(head.model_copy(update={"assignments": [
        *head.assignments, RoleAssignment(role="appraiser", unit_code=UNIT)]}))
    set_option(world, enabled)
    code = world.desk_dossier(PROCEDURE).code
    world.act(code, "desk", "chuyen_phong")
    assigned = world.call("POST", f"/v1/dossiers/{code}/actions", "head", body={
        "action": "phan_cong", "assignee": head.sub})
    assert assigned.status_code == 200, assigned.body
    offered = {a["id"] for a in answer(assigned)["available_actions"]}
    assert ("trinh" in offered) is not enabled

    before = dossiers.get(code)
    appraised = world.call("POST", f"/v1/dossiers/{code}/actions", "head", body={"action": "trinh"})
    if enabled:
        assert appraised.status_code == 403, appraised.body
        assert answer(appraised)["error_code"] == "SEPARATION_OF_DUTIES"
        assert "khác nhau" in answer(appraised)["message"]
        assert dossiers.get(code) == before
        # another appraiser of the unit, assigned instead, may
        reassigned = world.call("POST", f"/v1/dossiers/{code}/actions", "head", body={
            "action": "phan_cong_lai", "assignee": officer("appraiser").sub})
        assert reassigned.status_code == 200, reassigned.body
        assert world.act(code, "appraiser", "trinh").step_id == "duyet_phong"
    else:
        assert appraised.status_code == 200, appraised.body
        assert dossiers.get(code).step_id == "duyet_phong"
