"""The administrators' authorisation rules (chalicelib.services.admin_access), without HTTP: every
write is judged on the stored record and on the record as written."""

from __future__ import annotations

import pytest

from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment, Unit
from chalicelib.errors import HosoError
from chalicelib.services.admin_access import (
    Administrator,
    check_officer_write,
    check_unit_write,
    require_ministry,
    require_province,
)

MINISTRY = Administrator(sub="bo", ministry=True)
HCMC = Administrator(sub="tinh-79", ministry=False, province_code="79")
NOBODY = Administrator(sub="khong", ministry=False)

MINISTRY_UNIT = Unit(code="000.00.00.G12", name="Bộ", province_code="")
HCMC_UNIT = Unit(code="000.00.13.H29", name="Sở TP.HCM", province_code="79")
HCMC_WARD = Unit(code="000.00.14.H29", name="Phường", province_code="79", parent_code=HCMC_UNIT.code)
HANOI_UNIT = Unit(code="000.00.13.H26", name="Sở Hà Nội", province_code="01")
UNITS = {u.code: u for u in (MINISTRY_UNIT, HCMC_UNIT, HCMC_WARD, HANOI_UNIT)}


def refused(call, *args, code: str = "FORBIDDEN_PROVINCE") -> HosoError:  # type: ignore[no-untyped-def]
    with pytest.raises(HosoError) as caught:
        call(*args)
    assert (caught.value.status, caught.value.code) == (403, code)
    assert caught.value.message
    return caught.value


def officer(province: str, *assignments: tuple[str, str], sub: str = "can-bo") -> OfficerProfile:
    return OfficerProfile(sub=sub, name="Cán bộ", province_code=province,
                          assignments=[RoleAssignment(role=r, unit_code=u) for r, u in assignments])


def test_who_is_acting_comes_from_the_profile() -> None:
    assert Administrator.of(officer("", ("admin", MINISTRY_UNIT.code))).ministry
    province = Administrator.of(officer("79", ("province_admin", HCMC_UNIT.code)))
    assert (province.ministry, province.province_code) == (False, "79")
    # a province admin's role without a province on the profile manages no province
    assert Administrator.of(officer("", ("province_admin", HCMC_UNIT.code))).province_code is None


def test_ministry_only_writes() -> None:
    require_ministry(MINISTRY)
    refused(require_ministry, HCMC, code="FORBIDDEN")


def test_province_scope() -> None:
    require_province(MINISTRY, "01")
    require_province(MINISTRY, "")
    require_province(HCMC, "79")
    for province in ("01", ""):
        refused(require_province, HCMC, province)
    refused(require_province, NOBODY, "79")


def test_a_province_admin_creates_and_edits_units_of_their_province() -> None:
    check_unit_write(HCMC, None, HCMC_WARD, HCMC_UNIT)
    check_unit_write(HCMC, HCMC_UNIT, HCMC_UNIT.model_copy(update={"name": "Sở (đổi tên)"}), None)


def test_a_province_admin_cannot_take_over_another_provinces_or_the_ministrys_unit() -> None:
    """The attack: rewrite someone else's unit with one's own province code."""
    for stored in (HANOI_UNIT, MINISTRY_UNIT):
        refused(check_unit_write, HCMC, stored, stored.model_copy(update={"province_code": "79"}), None)
        refused(check_unit_write, HCMC, stored, stored, None)


def test_moving_a_unit_between_provinces_is_the_ministrys_act_only() -> None:
    moved_away = HCMC_UNIT.model_copy(update={"province_code": "01"})
    refused(check_unit_write, HCMC, HCMC_UNIT, moved_away, None)
    refused(check_unit_write, HCMC, HCMC_UNIT, HCMC_UNIT.model_copy(update={"province_code": ""}), None)
    refused(check_unit_write, HCMC, None, HANOI_UNIT, None)  # creating one in another province
    check_unit_write(MINISTRY, HCMC_UNIT, moved_away, None)
    check_unit_write(MINISTRY, MINISTRY_UNIT, MINISTRY_UNIT.model_copy(update={"province_code": "79"}), None)


def test_a_province_unit_hangs_only_under_a_unit_of_that_province() -> None:
    for parent in (HANOI_UNIT, MINISTRY_UNIT):
        refused(check_unit_write, HCMC, HCMC_WARD, HCMC_WARD.model_copy(update={"parent_code": parent.code}), parent)
    refused(check_unit_write, HCMC, None, HCMC_WARD.model_copy(update={"parent_code": "000.00.99.H29"}), None)


def test_a_province_admin_grants_processing_roles_in_their_units() -> None:
    new = officer("79", ("desk", HCMC_UNIT.code), ("appraiser", HCMC_WARD.code))
    check_officer_write(HCMC, None, new, UNITS)
    check_officer_write(HCMC, new, officer("79", ("leader", HCMC_UNIT.code)), UNITS)


@pytest.mark.parametrize("assignment", [("desk", HANOI_UNIT.code), ("desk", MINISTRY_UNIT.code),
                                        ("admin", HCMC_UNIT.code), ("province_admin", HCMC_UNIT.code),
                                        ("operator", HCMC_UNIT.code), ("desk", "000.00.99.H29")])
def test_the_new_state_is_checked(assignment: tuple[str, str]) -> None:
    refused(check_officer_write, HCMC, officer("79", ("desk", HCMC_UNIT.code)), officer("79", assignment), UNITS)


@pytest.mark.parametrize("assignment", [("desk", HANOI_UNIT.code), ("leader", MINISTRY_UNIT.code),
                                        ("province_admin", HCMC_UNIT.code), ("admin", MINISTRY_UNIT.code)])
def test_the_stored_state_is_checked(assignment: tuple[str, str]) -> None:
    """Revoking a role held elsewhere (or an administrator's) is a write there too."""
    stored = officer("79", ("desk", HCMC_UNIT.code), assignment)
    refused(check_officer_write, HCMC, stored, officer("79", ("desk", HCMC_UNIT.code)), UNITS)
    refused(check_officer_write, HCMC, stored, stored.model_copy(update={"active": False}), UNITS)


def test_officers_do_not_move_between_provinces_by_a_province_admin() -> None:
    hanoi_officer = officer("01", ("desk", HANOI_UNIT.code))
    refused(check_officer_write, HCMC, hanoi_officer, officer("79", ("desk", HCMC_UNIT.code)), UNITS)
    refused(check_officer_write, HCMC, officer("79", ("desk", HCMC_UNIT.code)), officer("01"), UNITS)
    refused(check_officer_write, HCMC, None, officer("", ("desk", HCMC_UNIT.code)), UNITS)
    check_officer_write(MINISTRY, hanoi_officer, officer("79", ("desk", HCMC_UNIT.code)), UNITS)


def test_an_administrator_without_a_province_manages_no_officer() -> None:
    refused(check_officer_write, NOBODY, None, officer("79", ("desk", HCMC_UNIT.code)), UNITS)
