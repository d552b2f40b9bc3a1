"""Catalogue read API for officers: who am I, procedures with their eForms, officers of a
unit (for assignment), units."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, route
from chalicelib.auth.caller import current_principal
from chalicelib.domain.catalogue import OfficerProfile, Procedure
from chalicelib.domain.eform import EFormSchema
from chalicelib.domain.roles import PROCESSING_ROLES, ROLE_LABELS, Role
from chalicelib.errors import bad_request, not_found
from chalicelib.services import variants
from chalicelib.services.dossiers import require_unit
from chalicelib.store import catalogue, dossiers

bp = Blueprint(__name__)
TAGS = ("Danh mục",)
ANY_OFFICER = tuple(r.value for r in Role)


class MeOut(BaseModel):
    profile: OfficerProfile
    role_labels: dict[str, str]


class ProcedureOut(BaseModel):
    procedure: Procedure
    eform: EFormSchema | None


class OfficerSummary(BaseModel):
    sub: str
    name: str
    title: str
    department: str = ""
    roles: list[str]
    load: int | None = Field(None, description="Số hồ sơ chuyên viên đang thụ lý (chỉ khi role=appraiser)")


class OfficerSummaries(BaseModel):
    items: list[OfficerSummary]


@route(bp, "/v1/me", "GET", summary="Thông tin cán bộ đang đăng nhập: vai trò và đơn vị",
       access=Access.OFFICER, roles=ANY_OFFICER, tags=TAGS, responses={200: MeOut})
def me() -> Any:
    profile = current_principal().profile
    return json_response(200, MeOut(profile=profile, role_labels={r.value: ROLE_LABELS[r] for r in Role}).model_dump(
        mode="json"))


@route(bp, "/v1/units", "GET", summary="Danh sách đơn vị", access=Access.OFFICER, roles=ANY_OFFICER, tags=TAGS,
       responses={200: None})
def units() -> Any:
    return json_response(200, {"items": [u.model_dump(mode="json") for u in catalogue.list_units()]})


@route(bp, "/v1/procedures", "GET", summary="Danh mục thủ tục hành chính", access=Access.OFFICER,
       roles=ANY_OFFICER, tags=TAGS, responses={200: None})
def procedures() -> Any:
    return json_response(200, {"items": [p.model_dump(mode="json") for p in catalogue.list_procedures()]})


@route(bp, "/v1/procedures/{code}", "GET",
       summary="Thủ tục hành chính và biểu mẫu điện tử (eForm) của nó; ?unit=<mã đơn vị>: eForm tại đơn vị đó "
               "(kèm trường bổ sung của quy trình riêng của tỉnh)",
       access=Access.OFFICER, roles=ANY_OFFICER, tags=TAGS, responses={200: ProcedureOut}, errors=(404,))
def procedure(code: str) -> Any:
    found = catalogue.get_procedure(code)
    if found is None:
        raise not_found("Không tìm thấy thủ tục.")
    schema = catalogue.get_eform(found.eform_code) if found.eform_code else None
    schema = variants.eform_for(found.code, (bp.current_request.query_params or {}).get("unit"), schema)
    return json_response(200, ProcedureOut(procedure=found, eform=schema).model_dump(mode="json"))


@route(bp, "/v1/units/{unit_code}/officers", "GET",
       summary="Cán bộ của đơn vị theo vai trò (để phân công: kèm phòng ban và số hồ sơ chuyên viên đang thụ lý)",
       access=Access.OFFICER, roles=tuple(r.value for r in PROCESSING_ROLES), tags=TAGS,
       responses={200: OfficerSummaries})
def unit_officers(unit_code: str) -> Any:
    require_unit(current_principal().profile, unit_code)
    role = (bp.current_request.query_params or {}).get("role")
    if role is not None and role not in {r.value for r in Role}:
        raise bad_request("Vai trò không hợp lệ.", "INVALID_QUERY")
    items = [
        OfficerSummary(sub=o.sub, name=o.name, title=o.title, department=o.department,
                       roles=sorted(r.value for r in o.roles_in(unit_code)),
                       load=dossiers.held_by(o.sub) if role == Role.APPRAISER.value else None)
        for o in catalogue.list_officers()
        if o.active and o.roles_in(unit_code) and (role is None or Role(role) in o.roles_in(unit_code))
    ]
    return json_response(200, OfficerSummaries(items=items).model_dump())

