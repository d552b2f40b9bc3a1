"""Administrators' writes through hoso's API on moto (issue 11, High 2): a province administrator
cannot take over another province's unit or the ministry's by writing their own province into it,
cannot then grant roles there, cannot revoke roles held elsewhere; a unit moves between
provinces only by the ministry's act; each write is conditional on the record it was judged on."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment, Unit
from chalicelib.store import catalogue
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from tests.integration.reports.conftest import World, answer

WARD = "000.00.14.H29"


def unit(code: str) -> Unit:
    found = catalogue.read_unit_for_update(code).value
    assert found is not None
    return found


def put_unit(world: World, role: str, body: Unit, unit_of: str = HCMC_UNIT) -> Any:
    return world.call("PUT", f"/v1/admin/units/{body.code}", role, unit_of, body.model_dump(mode="json"))


def refused(response: Any) -> None:
    assert response.status_code == 403, response.body
    assert answer(response)["error_code"] == "FORBIDDEN_PROVINCE"


@pytest.mark.parametrize("target", [HANOI_UNIT, MINISTRY_UNIT])
def test_a_province_admin_cannot_take_over_another_provinces_or_the_ministrys_unit(world: World, target: str) -> None:
    before = unit(target)
    refused(put_unit(world, "province_admin", before.model_copy(update={"province_code": "79", "name": "Chiếm"})))
    assert unit(target) == before
    # nor grant a role there (the second half of the take-over)
    probe = {"sub": "can-bo-chiem", "name": "Cán bộ", "province_code": "79",
             "assignments": [{"role": "leader", "unit_code": target}]}
    refused(world.call("PUT", "/v1/admin/officers/can-bo-chiem", "province_admin", HCMC_UNIT, probe))
    assert catalogue.get_officer("can-bo-chiem") is None


def test_moving_a_unit_between_provinces_is_the_ministry_admins_act(world: World) -> None:
    before = unit(HCMC_UNIT)
    for province in ("01", ""):
        refused(put_unit(world, "province_admin", before.model_copy(update={"province_code": province})))
        assert unit(HCMC_UNIT) == before
    moved = put_unit(world, "admin", before.model_copy(update={"province_code": "01"}), MINISTRY_UNIT)
    assert moved.status_code == 200, moved.body
    assert unit(HCMC_UNIT).province_code == "01"


def test_a_province_admin_manages_units_of_their_province_under_its_own_parents(world: World) -> None:
    ward = Unit(code=WARD, name="Phường thử nghiệm", province_code="79", parent_code=HCMC_UNIT)
    assert put_unit(world, "province_admin", ward).status_code == 200
    assert unit(WARD) == ward
    renamed = ward.model_copy(update={"name": "Phường (đổi tên)"})
    assert put_unit(world, "province_admin", renamed).status_code == 200
    assert unit(WARD).name == "Phường (đổi tên)"
    refused(put_unit(world, "province_admin", renamed.model_copy(update={"parent_code": HANOI_UNIT})))
    assert unit(WARD) == renamed
    missing_parent = put_unit(world, "province_admin", renamed.model_copy(update={"parent_code": "000.00.99.H29"}))
    assert missing_parent.status_code == 422


def test_roles_held_outside_the_province_admins_remit_cannot_be_revoked_by_them(world: World) -> None:
    """An officer of the province who also holds a ministry role: a province admin's write would
    revoke it (the stored state is checked, not only the new one)."""
    both = OfficerProfile(sub="can-bo-hai-noi", name="Cán bộ hai nơi", province_code="79", assignments=[
        RoleAssignment(role="desk", unit_code=HCMC_UNIT), RoleAssignment(role="appraiser", unit_code=MINISTRY_UNIT)])
    catalogue.put_officer(both)
    only_here = both.model_copy(update={"assignments": both.assignments[:1]})
    refused(world.call("PUT", "/v1/admin/officers/can-bo-hai-noi", "province_admin", HCMC_UNIT,
                       only_here.model_dump(mode="json")))
    assert catalogue.get_officer("can-bo-hai-noi") == both
    # and a fellow province administrator is the ministry's to change (no deactivating them)
    fellow = OfficerProfile(sub="quan-tri-tinh-2", name="Quản trị tỉnh thứ hai", province_code="79",
                            assignments=[RoleAssignment(role="province_admin", unit_code=HCMC_UNIT)])
    catalogue.put_officer(fellow)
    refused(world.call("PUT", "/v1/admin/officers/quan-tri-tinh-2", "province_admin", HCMC_UNIT,
                       fellow.model_copy(update={"active": False}).model_dump(mode="json")))
    assert catalogue.get_officer("quan-tri-tinh-2") == fellow
    desk_sub = "can-bo-tinh"
    newcomer = OfficerProfile(sub=desk_sub, name="Cán bộ tỉnh", province_code="79",
                              assignments=[RoleAssignment(role="desk", unit_code=HCMC_UNIT)])
    granted = world.call("PUT", f"/v1/admin/officers/{desk_sub}", "province_admin", HCMC_UNIT,
                         newcomer.model_dump(mode="json"))
    assert granted.status_code == 200, granted.body
    assert catalogue.get_officer(desk_sub) == newcomer


def test_a_write_is_conditional_on_the_record_it_was_judged_on(world: World) -> None:
    seen = catalogue.read_unit_for_update(HCMC_UNIT)
    assert seen.value is not None
    catalogue.put_unit(seen.value.model_copy(update={"province_code": "01"}))  # the ministry moves it meanwhile
    with pytest.raises(catalogue.Changed):
        catalogue.replace_unit(seen.value.model_copy(update={"name": "Sở (đổi tên)"}), seen)
    assert unit(HCMC_UNIT).province_code == "01"
    with pytest.raises(catalogue.Changed):
        catalogue.replace_unit(Unit(code=HCMC_UNIT, name="Mới", province_code="79"), catalogue.Seen(None))
    catalogue.replace_unit(seen.value, catalogue.read_unit_for_update(HCMC_UNIT))
    assert unit(HCMC_UNIT) == seen.value


def test_each_change_is_logged_with_who_and_the_scope_before_and_after(world: World,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    ward = Unit(code=WARD, name="Phường thử nghiệm", province_code="79", parent_code=HCMC_UNIT)
    assert put_unit(world, "province_admin", ward).status_code == 200
    refused(put_unit(world, "province_admin", unit(HANOI_UNIT).model_copy(update={"province_code": "79"})))
    newcomer = OfficerProfile(sub="can-bo-ghi-log", name="Nguyễn Văn Ghi", province_code="79",
                              assignments=[RoleAssignment(role="desk", unit_code=WARD)])
    assert world.call("PUT", "/v1/admin/officers/can-bo-ghi-log", "province_admin", HCMC_UNIT,
                      newcomer.model_dump(mode="json")).status_code == 200
    changes = [r.__dict__ for r in caplog.records if r.getMessage() == "catalogue changed"]
    province_admin = catalogue.get_officer(next(o.sub for o in catalogue.list_officers_of_province("79")
                                                if "province_admin" in o.roles))
    assert province_admin is not None
    assert [(c["by"], c["record"], c["key"]) for c in changes] == [
        (province_admin.sub, "unit", WARD), (province_admin.sub, "officer", "can-bo-ghi-log")]
    assert changes[0]["before"] is None and changes[0]["after"]["province_code"] == "79"
    assert changes[1]["after"]["roles"] == [f"desk@{WARD}"]
    assert "Nguyễn Văn Ghi" not in caplog.text
