"""Roles pushed by the coordination system after an officer's login (SPEC §7.7).

``POST /v1/coordinator/officer-roles`` ``{"SoDinhDanh", "HoVaTen"?, "assignments": [{"MaDonVi", "VaiTro"}],
"version"}``, from the coordinator's integration client (capability ``coordinator_roles``): the
coordinator's role catalogue for that officer. Per unit, the administrator chooses where roles come
from (``Unit.roles_source``): only the assignments in units whose roles come from the coordinator are
applied, and there the pushed list replaces what hoso held; assignments in units administered in
hoso are kept and never changed by a push (those pushed for them are answered as ``ignored``).

Only processing roles may be pushed (desk, head, appraiser, leader, clerk): administration and
operations are granted in hoso alone. A push is applied only when its ``version`` is newer than the
officer's ``roles_version`` (an older or repeated push is answered ``applied: false``); the write is
conditional on the profile as read (a concurrent change: 409, the coordinator pushes again). An
officer hoso does not know yet is added pending under their personal number, bound at their first
VNeID login as officers added by an administrator are. Every applied push is logged with its source
(the client) and the officer's roles before and after — never a name or a personal number.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.auth.clients import ClientPrincipal
from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment, Unit
from chalicelib.domain.officers import officer_number_key, pending_sub, personal_number_problem
from chalicelib.errors import FieldError, HosoError, invalid
from chalicelib.observability import logger
from chalicelib.privacy import store as privacy_store
from chalicelib.store import catalogue, officers

PushedRole = Literal["desk", "head", "appraiser", "leader", "clerk"]

EXAMPLE: dict[str, Any] = {
    "SoDinhDanh": "079190023301", "HoVaTen": "Trần Thị Thu",
    "assignments": [{"MaDonVi": "000.00.13.H29", "VaiTro": "desk"}], "version": 42,
}


class PushedAssignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    MaDonVi: str = Field(min_length=1, max_length=32, description="Mã đơn vị (QCVN 102)")
    VaiTro: PushedRole = Field(description="Vai trò xử lý hồ sơ; quyền quản trị, vận hành chỉ cấp tại hoso")


class OfficerRolesIn(BaseModel):
    """Danh mục vai trò của một cán bộ do Hệ thống điều phối gửi sang sau đăng nhập (SPEC §7.7)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    SoDinhDanh: str = Field(min_length=12, max_length=20, description="Số định danh cá nhân của cán bộ")
    HoVaTen: str | None = Field(None, max_length=200, description="Họ và tên (cán bộ hoso chưa biết)")
    assignments: list[PushedAssignment] = Field(max_length=50)
    version: int = Field(ge=0, description="Phiên bản danh mục vai trò; chỉ phiên bản mới hơn được áp dụng")


class OfficerRolesOut(BaseModel):
    error_code: int = Field(0, description="0 = đã nhận")
    message: str
    applied: bool = Field(description="false: phiên bản không mới hơn phiên bản hoso đang giữ (không thay đổi gì)")
    version: int = Field(description="Phiên bản hoso đang giữ")
    roles: list[str] = Field(description="Vai trò của cán bộ tại các đơn vị lấy vai trò từ Hệ thống điều phối")
    ignored: list[str] = Field(description="Đơn vị có vai trò do quản trị hoso cấp: không áp dụng")


def _unit(code: str, cache: dict[str, Unit | None]) -> Unit | None:
    if code not in cache:
        cache[code] = catalogue.get_unit(code)
    return cache[code]


def _labels(assignments: list[RoleAssignment]) -> list[str]:
    return sorted(f"{a.role}@{a.unit_code}" for a in assignments)


def push(client: ClientPrincipal, body: OfficerRolesIn) -> OfficerRolesOut:
    number = "".join(body.SoDinhDanh.split())
    problem = personal_number_problem(number)
    if problem is not None:
        raise invalid([FieldError("SoDinhDanh", problem)])
    units: dict[str, Unit | None] = {}
    unknown = [FieldError(f"assignments[{i}].MaDonVi", "Đơn vị không có trong danh mục.")
               for i, a in enumerate(body.assignments) if _unit(a.MaDonVi, units) is None]
    if unknown:
        raise invalid(unknown)
    pushed = [RoleAssignment(role=a.VaiTro, unit_code=a.MaDonVi) for a in body.assignments
              if (u := _unit(a.MaDonVi, units)) is not None and u.roles_source == "coordinator"]  # fmt: skip
    ignored = sorted({a.MaDonVi for a in body.assignments} - {a.unit_code for a in pushed})
    key = officer_number_key(number, privacy_store.hmac_key())
    sub = officers.claim_sub(key)
    if sub is None:  # never added: pending until their first login
        province = next((u.province_code for a in pushed if (u := _unit(a.unit_code, units))), "")
        name = (body.HoVaTen or "").strip() or "Cán bộ (Hệ thống điều phối)"
        profile = OfficerProfile(sub=pending_sub(key), name=name, province_code=province, pending=True,
                                 personal_number_key=key)  # fmt: skip
        try:
            officers.add_pending(profile)
        except officers.AlreadyAdded:  # a concurrent push added them: read it below
            pass
        sub = officers.claim_sub(key)
    seen = catalogue.read_officer_for_update(sub or pending_sub(key))
    current = seen.value
    if current is None:
        raise HosoError("CHANGED", "Cán bộ vừa được thay đổi; vui lòng gửi lại.", 409)

    def coordinator_units(code: str) -> bool:
        unit = _unit(code, units)
        return unit is not None and unit.roles_source == "coordinator"

    held = [a for a in current.assignments if coordinator_units(a.unit_code)]
    if current.roles_version is not None and body.version <= current.roles_version:
        return OfficerRolesOut(message="Phiên bản vai trò không mới hơn phiên bản đang áp dụng; không thay đổi.",
                               applied=False, version=current.roles_version, roles=_labels(held), ignored=ignored)
    kept = [a for a in current.assignments if not coordinator_units(a.unit_code)]
    updated = current.model_copy(update={"assignments": kept + pushed, "roles_version": body.version})
    try:
        catalogue.replace_officer(updated, seen)
    except catalogue.Changed:
        raise HosoError("CHANGED", "Cán bộ vừa được thay đổi; vui lòng gửi lại.", 409) from None
    logger.info("catalogue changed", extra={
        "by": client.actor_sub, "source": "coordinator", "record": "officer", "key": updated.sub,
        "before": {"roles": _labels(current.assignments), "version": current.roles_version},
        "after": {"roles": _labels(updated.assignments), "version": body.version}})  # fmt: skip
    return OfficerRolesOut(message="Đã áp dụng vai trò do Hệ thống điều phối gửi.", applied=True, version=body.version,
                           roles=_labels(pushed), ignored=ignored)  # fmt: skip
