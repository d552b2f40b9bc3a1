"""Administration of the catalogue (FR-1…FR-4, FR-7): units, procedures, eForms, processes
(validated before publishing, immutable once published), officers and their roles (each
province's admin manages only that province), holiday overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalice import Blueprint
from pydantic import BaseModel

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth import current_principal, require_province
from chalicelib.domain.calendar import CalendarOverride
from chalicelib.domain.catalogue import OfficerProfile, Procedure, Unit
from chalicelib.domain.eform import EFormSchema, validate_schema
from chalicelib.domain.identifiers import is_unit_code
from chalicelib.domain.process import ProcessDefinition, ProcessError, check_process_document, publish
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError, invalid, not_found
from chalicelib.services.dossiers import now
from chalicelib.store import catalogue

bp = Blueprint(__name__)
TAGS = ("Quản trị",)
MINISTRY_ONLY = ("admin",)
# What a province's administrator may grant: processing roles, in their own province's units.
PROVINCE_GRANTABLE = {Role.DESK, Role.HEAD, Role.APPRAISER, Role.LEADER, Role.CLERK}


class ProcessCheck(BaseModel):
    ok: bool
    errors: list[ProcessError]


def _body(cls: type[BaseModel], limit: int = 256 * 1024) -> Any:
    _, payload = read_json(bp, limit)
    return parse_model(cls, payload)


def _ministry_admin() -> None:
    if Role.ADMIN not in current_principal().roles:
        raise HosoError("FORBIDDEN", "Chỉ quản trị cấp bộ được thực hiện thao tác này.", 403)


@route(bp, "/v1/admin/processes/check", "POST", summary="Kiểm tra một quy trình trước khi ban hành",
       access=Access.ADMIN, tags=TAGS, responses={200: ProcessCheck})
def check_process() -> Any:
    _, payload = read_json(bp, 256 * 1024)
    if not isinstance(payload, dict):
        raise invalid([FieldError("body", "Quy trình phải là một đối tượng JSON.")])
    _, errors = check_process_document(payload)
    return json_response(200, ProcessCheck(ok=not errors, errors=errors).model_dump())


@route(bp, "/v1/admin/processes", "POST", summary="Ban hành một phiên bản quy trình (đã kiểm tra)",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, responses={201: ProcessDefinition},
       errors=(409, 422))
def publish_process() -> Any:
    _, payload = read_json(bp, 256 * 1024)
    if not isinstance(payload, dict):
        raise invalid([FieldError("body", "Quy trình phải là một đối tượng JSON.")])
    definition, errors = check_process_document(payload)
    if errors or definition is None:
        raise HosoError("PROCESS_INVALID", "Quy trình chưa hợp lệ, chưa thể ban hành.", 422,
                        errors=[FieldError(".".join(x for x in (e.step_id, e.action_id) if x) or "process", e.message)
                                for e in errors], extra={"process_errors": [e.model_dump() for e in errors]})
    latest = catalogue.get_process(definition.code)
    expected = (latest.version + 1) if latest else 1
    if definition.version != expected:
        raise HosoError("PROCESS_VERSION", f"Phiên bản tiếp theo của quy trình phải là {expected}.", 409)
    published = publish(definition, now(), current_principal().sub)
    try:
        catalogue.publish_process(published)
    except catalogue.AlreadyPublished:
        raise HosoError("PROCESS_ALREADY_PUBLISHED", "Phiên bản này vừa được ban hành.", 409) from None
    return json_response(201, published.model_dump(mode="json"))


@route(bp, "/v1/admin/processes/{code}", "GET", summary="Phiên bản mới nhất của quy trình", access=Access.ADMIN,
       tags=TAGS, responses={200: ProcessDefinition}, errors=(404,))
def get_process(code: str) -> Any:
    found = catalogue.get_process(code)
    if found is None:
        raise not_found("Không tìm thấy quy trình.")
    return json_response(200, found.model_dump(mode="json"))


@route(bp, "/v1/admin/eforms/{code}", "PUT", summary="Tạo hoặc cập nhật biểu mẫu điện tử", access=Access.ADMIN,
       roles=MINISTRY_ONLY, tags=TAGS, request=EFormSchema, responses={200: EFormSchema}, errors=(422,))
def put_eform(code: str) -> Any:
    schema: EFormSchema = _body(EFormSchema)
    problems = validate_schema(schema) + ([] if schema.code == code else ["code: không khớp với đường dẫn"])
    if problems:
        raise invalid([FieldError("eform", p) for p in problems], "Biểu mẫu chưa hợp lệ.")
    catalogue.put_eform(schema)
    return json_response(200, schema.model_dump(mode="json"))


@route(bp, "/v1/admin/procedures/{code}", "PUT", summary="Tạo hoặc cập nhật thủ tục hành chính",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, request=Procedure, responses={200: Procedure},
       errors=(422,))
def put_procedure(code: str) -> Any:
    procedure: Procedure = _body(Procedure)
    problems = []
    if procedure.code != code:
        problems.append(FieldError("code", "Mã thủ tục không khớp với đường dẫn."))
    if catalogue.get_process(procedure.process_code) is None:
        problems.append(FieldError("process_code", "Quy trình chưa được ban hành."))
    if procedure.eform_code and catalogue.get_eform(procedure.eform_code) is None:
        problems.append(FieldError("eform_code", "Không có biểu mẫu điện tử này."))
    problems += [FieldError(f"unit_codes[{i}]", "Không có đơn vị này.")
                 for i, u in enumerate(procedure.unit_codes) if catalogue.get_unit(u) is None]
    if problems:
        raise invalid(problems)
    catalogue.put_procedure(procedure)
    return json_response(200, procedure.model_dump(mode="json"))


@route(bp, "/v1/admin/units/{code}", "PUT", summary="Tạo hoặc cập nhật đơn vị (mã QCVN 102)", access=Access.ADMIN,
       tags=TAGS, request=Unit, responses={200: Unit}, errors=(422,))
def put_unit(code: str) -> Any:
    unit: Unit = _body(Unit)
    if not is_unit_code(unit.code):
        raise invalid([FieldError("code", "Mã đơn vị không đúng QCVN 102:2016.")])
    if unit.code != code:
        raise invalid([FieldError("code", "Mã đơn vị không khớp với đường dẫn.")])
    if unit.province_code:
        require_province(current_principal(), unit.province_code)
    else:
        _ministry_admin()
    catalogue.put_unit(unit)
    return json_response(200, unit.model_dump(mode="json"))


@route(bp, "/v1/admin/officers/{sub}", "PUT", summary="Tạo hoặc cập nhật cán bộ và vai trò",
       access=Access.ADMIN, tags=TAGS, request=OfficerProfile, responses={200: OfficerProfile}, errors=(422,))
def put_officer(sub: str) -> Any:
    officer: OfficerProfile = _body(OfficerProfile)
    if officer.sub != sub:
        raise invalid([FieldError("sub", "Mã định danh không khớp với đường dẫn.")])
    principal = current_principal()
    units = {a.unit_code: catalogue.get_unit(a.unit_code) for a in officer.assignments}
    missing = [FieldError(f"assignments[{i}].unit_code", "Không có đơn vị này.")
               for i, a in enumerate(officer.assignments) if units[a.unit_code] is None]
    if missing:
        raise invalid(missing)
    if Role.ADMIN not in principal.roles:
        # A province's admin manages only its own officers, only in its own units, only processing roles.
        existing = catalogue.get_officer(sub)
        for profile in (officer, existing):
            if profile is not None:
                require_province(principal, profile.province_code)
        own_province = principal.profile.province_code
        for a in officer.assignments:
            unit = units[a.unit_code]
            if unit is None or unit.province_code != own_province or a.role not in PROVINCE_GRANTABLE:
                raise HosoError("FORBIDDEN_PROVINCE",
                                "Bạn chỉ được cấp vai trò xử lý tại các đơn vị của tỉnh mình.", 403)
    catalogue.put_officer(officer)
    return json_response(200, officer.model_dump(mode="json"))


@route(bp, "/v1/admin/calendar/{day}", "PUT", summary="Ngày nghỉ bổ sung hoặc ngày làm bù (kèm văn bản quyết định)",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, request=CalendarOverride,
       responses={200: CalendarOverride}, errors=(422,))
def put_calendar_day(day: str) -> Any:
    override: CalendarOverride = _body(CalendarOverride, 8192)
    try:
        matches = override.date == dt.date.fromisoformat(day)
    except ValueError:
        matches = False
    if not matches:
        raise invalid([FieldError("date", "Ngày không khớp với đường dẫn (YYYY-MM-DD).")])
    catalogue.put_calendar_override(override)
    return json_response(200, override.model_dump(mode="json"))
