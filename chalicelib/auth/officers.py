"""Officers (SPEC §6): a VNeID login alone grants nothing — the token proves who the caller is,
hoso's role catalogue (``chalicelib.store.catalogue``) says what they may do, in which units."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from chalicelib.auth import tokens
from chalicelib.auth.bearer import bearer
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError, forbidden
from chalicelib.observability import logger
from chalicelib.services.officer_binding import bind_at_first_login
from chalicelib.store.catalogue import get_officer


def _no_role() -> HosoError:
    return HosoError("NO_ROLE", "Tài khoản chưa được cấp quyền trên hệ thống.", 403)


@dataclass(frozen=True)
class Principal:
    """An officer acting now: who VNeID says they are, and what hoso's catalogue lets them do."""

    sub: str
    name: str
    profile: OfficerProfile

    @property
    def roles(self) -> set[Role]:
        return self.profile.roles


def authenticate_officer(authorization: str | None, any_of: Collection[Role] = ()) -> Principal:
    """The officer behind an ``Authorization`` header.

    401 without a valid VNeID token; 403 ``NO_ROLE`` without an active profile holding at least
    one role; 403 ``FORBIDDEN`` if ``any_of`` is given and the officer holds none of those roles
    in any unit.
    """
    claims = tokens.verify_access_token(bearer(authorization, tokens.invalid_token))
    profile = get_officer(claims.sub)
    if profile is None:
        profile = bind_at_first_login(claims.sub, claims.raw)
    if profile is None or not profile.active or not profile.assignments:
        logger.info("officer without role", extra={"sub": claims.sub, "known": profile is not None})
        raise _no_role()
    if any_of and not profile.roles & set(any_of):
        raise forbidden()
    return Principal(sub=claims.sub, name=profile.name, profile=profile)


def require_role_in_unit(principal: Principal, roles: Collection[Role], unit_code: str) -> None:
    """403 ``FORBIDDEN_UNIT`` unless the officer holds one of ``roles`` in ``unit_code``."""
    if not principal.profile.roles_in(unit_code) & set(roles):
        raise HosoError("FORBIDDEN_UNIT", "Bạn không có vai trò phù hợp tại đơn vị xử lý hồ sơ này.", 403)


def require_province(principal: Principal, province_code: str) -> None:
    """Administration of a province: the ministry admin everywhere, a province admin only in
    their own province. 403 ``FORBIDDEN_PROVINCE`` otherwise."""
    roles = principal.roles
    if Role.ADMIN in roles:
        return
    own = principal.profile.province_code
    if Role.PROVINCE_ADMIN in roles and own and own == province_code:
        return
    raise HosoError("FORBIDDEN_PROVINCE", "Bạn chỉ được quản trị dữ liệu của tỉnh mình.", 403)
