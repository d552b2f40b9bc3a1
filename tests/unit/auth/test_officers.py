"""From a VNeID token to an officer hoso knows: a login alone grants nothing."""

from __future__ import annotations

import pytest

from chalicelib.auth import officers
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError
from tests.unit.auth.conftest import OTHER_UNIT, UNIT, Issuer, officer

pytestmark = pytest.mark.usefixtures("catalogue")


def refusal(authorization: str | None, any_of: tuple[Role, ...] = ()) -> HosoError:
    with pytest.raises(HosoError) as caught:
        officers.authenticate_officer(authorization, any_of)
    return caught.value


def test_a_valid_token_and_a_profile_give_the_principal(issuer: Issuer) -> None:
    profile = officer("sub-1", (Role.DESK, UNIT))
    principal = officers.authenticate_officer(f"Bearer {issuer.token('sub-1')}")
    assert principal == officers.Principal(sub="sub-1", name="Cán bộ sub-1", profile=profile)
    assert principal.roles == {Role.DESK}


def test_the_scheme_is_case_insensitive(issuer: Issuer) -> None:
    officer("sub-1", (Role.DESK, UNIT))
    assert officers.authenticate_officer(f"bearer  {issuer.token('sub-1')} ").sub == "sub-1"


def test_a_valid_token_without_a_profile_has_no_role(issuer: Issuer) -> None:
    err = refusal(f"Bearer {issuer.token('stranger')}")
    assert (err.status, err.code, err.message) == (403, "NO_ROLE", "Tài khoản chưa được cấp quyền trên hệ thống.")


def test_an_inactive_profile_has_no_role(issuer: Issuer) -> None:
    officer("sub-1", (Role.LEADER, UNIT), active=False)
    assert (refusal(f"Bearer {issuer.token('sub-1')}").code, 403) == ("NO_ROLE", 403)


def test_a_profile_without_assignments_has_no_role(issuer: Issuer) -> None:
    officer("sub-1")
    assert refusal(f"Bearer {issuer.token('sub-1')}").code == "NO_ROLE"


def test_a_required_role_held_in_any_unit_is_enough(issuer: Issuer) -> None:
    officer("sub-1", (Role.DESK, UNIT), (Role.APPRAISER, OTHER_UNIT))
    assert officers.authenticate_officer(f"Bearer {issuer.token('sub-1')}", (Role.APPRAISER, Role.HEAD)).sub == "sub-1"


def test_lacking_every_required_role_is_forbidden(issuer: Issuer) -> None:
    officer("sub-1", (Role.DESK, UNIT))
    err = refusal(f"Bearer {issuer.token('sub-1')}", (Role.ADMIN, Role.PROVINCE_ADMIN))
    assert (err.status, err.code) == (403, "FORBIDDEN")


def test_a_missing_header_asks_for_a_login() -> None:
    for header in (None, "", "   "):
        err = refusal(header)
        assert (err.status, err.code) == (401, "AUTH_REQUIRED")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Token abc", "Bearer", "Bearer a b", "{token}"])
def test_a_wrong_scheme_is_refused(issuer: Issuer, header: str) -> None:
    officer("sub-1", (Role.DESK, UNIT))
    err = refusal(header.format(token=issuer.token("sub-1")))
    assert (err.status, err.code) == (401, "INVALID_TOKEN")


def test_the_token_is_checked_before_the_catalogue_is_read(issuer: Issuer, other_rsa_key: object) -> None:
    officer("sub-1", (Role.ADMIN, UNIT))
    assert refusal(f"Bearer {issuer.token('sub-1', key=other_rsa_key)}").code == "INVALID_TOKEN"


# --- unit and province checks the domain calls ----------------------------------------------


def principal(*assignments: tuple[Role, str], province: str = "01") -> officers.Principal:
    return officers.Principal(sub="s", name="n", profile=officer("s", *assignments, province=province))


def test_a_role_in_the_dossiers_unit_passes() -> None:
    officers.require_role_in_unit(principal((Role.APPRAISER, UNIT)), [Role.APPRAISER, Role.HEAD], UNIT)


def test_the_role_in_another_unit_does_not_count() -> None:
    acting = principal((Role.APPRAISER, OTHER_UNIT), (Role.DESK, UNIT))
    with pytest.raises(HosoError) as caught:
        officers.require_role_in_unit(acting, [Role.APPRAISER], UNIT)
    assert (caught.value.status, caught.value.code) == (403, "FORBIDDEN_UNIT")


def test_a_province_admin_administers_only_their_province() -> None:
    acting = principal((Role.PROVINCE_ADMIN, UNIT), province="79")
    officers.require_province(acting, "79")
    with pytest.raises(HosoError) as caught:
        officers.require_province(acting, "01")
    assert (caught.value.status, caught.value.code) == (403, "FORBIDDEN_PROVINCE")


def test_the_ministry_admin_administers_every_province() -> None:
    officers.require_province(principal((Role.ADMIN, UNIT), province=""), "79")


def test_an_officer_administers_no_province_even_their_own() -> None:
    with pytest.raises(HosoError) as caught:
        officers.require_province(principal((Role.LEADER, UNIT), province="79"), "79")
    assert caught.value.code == "FORBIDDEN_PROVINCE"


def test_a_province_admin_without_a_province_administers_none() -> None:
    with pytest.raises(HosoError):
        officers.require_province(principal((Role.PROVINCE_ADMIN, UNIT), province=""), "")
