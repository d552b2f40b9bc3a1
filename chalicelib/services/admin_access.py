"""Who may change the catalogue (FR-1…FR-4, SPEC §7.6): the administrators' authorisation rules.

Two kinds of administrator: the ministry's (``admin``) changes anything; a province's
(``province_admin``) changes only what belongs to their province. Every write is judged on
**both** the stored record as it is now (``old``) and the record as it would be (``new``), so
that nobody can take over something by writing their own province into it:

- a unit belongs to the province its stored record names; a province administrator changes
  only their province's units, and only within it (its parent unit too). Moving a unit between
  provinces, or to or from the ministry, is the ministry administrator's act only;
- an officer belongs to their province; a province administrator changes an officer only when
  both the officer as stored and the officer as written are entirely theirs to manage: of their
  province, holding processing roles only, in their province's units only (so a roles grant or
  removal in another province, in the ministry, or of an administrator's role is refused);
- procedures, eForms, processes and the working-day calendar are the ministry's.

Refusals are ``HosoError`` 403 ``FORBIDDEN_PROVINCE`` (province scope) or ``FORBIDDEN`` (ministry
only), each with a Vietnamese message saying why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.domain.catalogue import OfficerProfile, Unit
from chalicelib.domain.roles import PROCESSING_ROLES, Role
from chalicelib.errors import HosoError

# What a province's administrator may grant: processing roles, in their own province's units.
PROVINCE_GRANTABLE: frozenset[Role] = frozenset(PROCESSING_ROLES)


@dataclass(frozen=True)
class Administrator:
    """The administrator acting: the ministry's, or a province's (``province_code``)."""

    sub: str
    ministry: bool
    province_code: str | None = None

    @classmethod
    def of(cls, profile: OfficerProfile) -> Administrator:
        roles = profile.roles
        province = profile.province_code if Role.PROVINCE_ADMIN in roles and profile.province_code else None
        return cls(sub=profile.sub, ministry=Role.ADMIN in roles, province_code=province)


def _forbidden_province(message: str) -> HosoError:
    return HosoError("FORBIDDEN_PROVINCE", message, 403)


def require_ministry(actor: Administrator) -> None:
    """Procedures, eForms, processes, the calendar: the ministry administrator's only."""
    if not actor.ministry:
        raise HosoError("FORBIDDEN", "Chỉ quản trị cấp bộ được thực hiện thao tác này.", 403)


def require_province(actor: Administrator, province_code: str) -> None:
    """Reading or writing one province's data ("" is the ministry's own)."""
    if actor.ministry:
        return
    if actor.province_code is None or not province_code or province_code != actor.province_code:
        raise _forbidden_province("Bạn chỉ được quản trị dữ liệu của tỉnh mình.")


def officers_scope(actor: Administrator, province_code: str | None) -> str | None:
    """The province whose officers ``actor`` lists when asking for ``province_code`` (None: all
    of them, the ministry administrator's only; "": the ministry's own). A province's
    administrator lists their own province when they name none, and no other."""
    if province_code is None and not actor.ministry:
        province_code = actor.province_code or ""
    if province_code is not None:
        require_province(actor, province_code)
    return province_code


def check_unit_write(actor: Administrator, old: Unit | None, new: Unit, parent: Unit | None) -> None:
    """May ``actor`` store ``new`` where ``old`` is stored now (None: a new unit)?

    ``parent`` is the stored unit ``new.parent_code`` names (None when it names none or one
    that does not exist)."""
    if old is not None and old.province_code != new.province_code and not actor.ministry:
        raise _forbidden_province("Chỉ quản trị cấp bộ được chuyển đơn vị sang tỉnh khác hoặc giữa tỉnh và cấp bộ.")
    if actor.ministry:
        return
    if old is not None:
        require_province(actor, old.province_code)
    require_province(actor, new.province_code)
    if new.parent_code and (parent is None or parent.province_code != actor.province_code):
        raise _forbidden_province("Đơn vị cấp trên phải là một đơn vị của tỉnh mình.")


def _unmanageable(actor: Administrator, profile: OfficerProfile, units: Mapping[str, Unit | None]) -> str | None:
    """Why a province administrator may not manage ``profile`` as it stands (None: they may)."""
    if profile.province_code != actor.province_code:
        return "Bạn chỉ được quản lý cán bộ của tỉnh mình."
    for assignment in profile.assignments:
        unit = units.get(assignment.unit_code)
        if unit is None or unit.province_code != actor.province_code:
            return "Bạn chỉ được cấp hoặc thu hồi vai trò tại các đơn vị của tỉnh mình."
        if assignment.role not in PROVINCE_GRANTABLE:
            return "Bạn chỉ được cấp hoặc thu hồi vai trò xử lý hồ sơ; vai trò quản trị, vận hành do cấp bộ cấp."
    return None


def check_officer_write(actor: Administrator, old: OfficerProfile | None, new: OfficerProfile,
                        units: Mapping[str, Unit | None]) -> None:
    """May ``actor`` store ``new`` where ``old`` is stored now (None: a new officer)?

    ``units`` maps every unit code named by ``old`` and ``new`` assignments to the stored unit
    (None: no such unit). Roles in a unit whose roles come from the coordinator (SPEC §7.7) are the
    coordinator's to change: 409 ``ROLES_FROM_COORDINATOR`` for any administrator."""
    check_roles_source(old, new, units)
    if actor.ministry:
        return
    if actor.province_code is None:
        raise _forbidden_province("Bạn chỉ được quản trị dữ liệu của tỉnh mình.")
    for profile in (old, new):
        if profile is None:
            continue
        why = _unmanageable(actor, profile, units)
        if why:
            raise _forbidden_province(why)


def check_roles_source(old: OfficerProfile | None, new: OfficerProfile, units: Mapping[str, Unit | None]) -> None:
    """409 ``ROLES_FROM_COORDINATOR`` if ``new`` adds or removes a role in a unit whose roles the
    coordination system pushes (``Unit.roles_source``; ``chalicelib.services.coordinator_roles``)."""
    before = {(a.role, a.unit_code) for a in (old.assignments if old else [])}
    after = {(a.role, a.unit_code) for a in new.assignments}
    pushed = sorted({unit_code for _, unit_code in before ^ after
                     if (unit := units.get(unit_code)) is not None and unit.roles_source == "coordinator"})
    if pushed:
        raise HosoError("ROLES_FROM_COORDINATOR", f"Vai trò cán bộ tại đơn vị {', '.join(pushed)} do Hệ thống điều "
                        "phối gửi sang sau đăng nhập; không sửa được tại hoso.", 409)  # fmt: skip


def check_variant_proposal(actor: Administrator, province_code: str) -> None:
    """A locally specific process is proposed by the administrator of that province only (the
    ministry publishes the standard and decides on proposals; it does not propose for a province)."""
    if actor.ministry and actor.province_code is None:
        raise HosoError("FORBIDDEN", "Quy trình riêng của địa phương do quản trị cấp tỉnh đề xuất; cấp bộ phê duyệt.",
                        403)
    if actor.province_code is None or actor.province_code != province_code:
        raise _forbidden_province("Bạn chỉ được đề xuất quy trình riêng cho các đơn vị của tỉnh mình.")
