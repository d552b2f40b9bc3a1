"""Administration of the catalogue (FR-1…FR-4, FR-7, FR-9): units, procedures, eForms, processes
(validated before publishing, immutable once published, every version listed), officers and
their roles (each province's admin sees and manages only that province), holiday overrides,
integration clients (kind and capabilities, ``chalicelib.domain.clients``) and their keys
(created and rotated with the secret shown once, revoked).
Every list is a key or index access (``TYPE#<kind>``, a partition's sort-key prefix), never a Scan."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import holidays
from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth import registry
from chalicelib.auth.caller import current_principal
from chalicelib.auth.registry import CLIENT_ID_PATTERN
from chalicelib.domain.calendar import CalendarOverride, Duration
from chalicelib.domain.catalogue import OfficerProfile, Procedure, Unit
from chalicelib.domain.clients import Capability, ClientKind, check_grants
from chalicelib.domain.eform import EFormSchema, validate_schema
from chalicelib.domain.identifiers import is_unit_code
from chalicelib.domain.officers import PENDING_PREFIX, NewOfficer, officer_number_key, personal_number_problem
from chalicelib.domain.process import (
    ActionKind,
    DeadlineWarning,
    ProcessDefinition,
    ProcessError,
    check_process_document,
    deadline_fit,
    publish,
)
from chalicelib.errors import FieldError, HosoError, bad_request, invalid, not_found
from chalicelib.observability import logger
from chalicelib.privacy import store as privacy_store
from chalicelib.services import admin_access, charts, variants
from chalicelib.services.dossiers import now
from chalicelib.store import catalogue, officers

bp = Blueprint(__name__)
TAGS = ("Quản trị",)
MINISTRY_ONLY = ("admin",)
CLIENT_ID = re.compile(CLIENT_ID_PATTERN)


class ProcessCheck(BaseModel):
    ok: bool
    errors: list[ProcessError]
    warnings: list[DeadlineWarning] = Field(
        default_factory=list, description="Thủ tục dùng quy trình có thời hạn ngắn hơn tổng thời hạn các bước")


class DeadlineCheckIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, description="Mã thủ tục")
    name: str = Field("", max_length=500)
    process_code: str = Field(min_length=1, max_length=64)
    legal_deadline: Duration | None = None
    model_config = {"extra": "ignore"}


class DeadlineCheck(BaseModel):
    warning: DeadlineWarning | None


def _deadline_warnings(definition: ProcessDefinition) -> list[DeadlineWarning]:
    """The warnings for every procedure that uses (or is listed by) the process checked."""
    using = [p for p in catalogue.list_procedures()
             if p.process_code == definition.code or p.code in definition.procedure_codes]
    found = (deadline_fit(definition, p.code, p.name, p.legal_deadline) for p in sorted(using, key=lambda p: p.code))
    return [w for w in found if w is not None]


def _body(cls: type[BaseModel], limit: int = 256 * 1024) -> Any:
    _, payload = read_json(bp, limit)
    return parse_model(cls, payload)


def _administrator() -> admin_access.Administrator:
    """The administrator acting; every admin write is judged by ``admin_access`` on the stored
    record and on the record as written."""
    return admin_access.Administrator.of(current_principal().profile)


def _replace(write: Any, record: Any, seen: catalogue.Seen[Any]) -> None:
    """The write is conditional on the record judged being still the stored one."""
    try:
        write(record, seen)
    except catalogue.Changed:
        raise HosoError("CHANGED", "Dữ liệu vừa được người khác thay đổi, vui lòng tải lại rồi thử lại.", 409) from None


def _roles(profile: OfficerProfile | None) -> list[str] | None:
    return None if profile is None else sorted(f"{a.role}@{a.unit_code}" for a in profile.assignments)


def _logged(record: str, key: str, before: Any = None, after: Any = None) -> None:
    """Every catalogue change is logged for the audit: who, which record, and its scope before and
    after (a unit's province, an officer's province and roles) — never a name."""
    logger.info("catalogue changed", extra={"by": current_principal().sub, "record": record, "key": key,
                                            "before": before, "after": after})


def _ministry_admin() -> None:
    admin_access.require_ministry(_administrator())


@route(bp, "/v1/admin/processes/check", "POST", summary="Kiểm tra một quy trình trước khi ban hành",
       access=Access.ADMIN, tags=TAGS, responses={200: ProcessCheck}, errors=(400, 413, 422))
def check_process() -> Any:
    _, payload = read_json(bp, 256 * 1024)
    if not isinstance(payload, dict):
        raise invalid([FieldError("body", "Quy trình phải là một đối tượng JSON.")])
    definition, errors = check_process_document(payload, charts.current())
    warnings = _deadline_warnings(definition) if definition is not None else []
    return json_response(200, ProcessCheck(ok=not errors, errors=errors, warnings=warnings).model_dump())


@route(bp, "/v1/admin/procedures/deadline-check", "POST",
       summary="Các bước của quy trình có vừa thời hạn giải quyết của thủ tục không (cảnh báo cho trình soạn thủ tục)",
       access=Access.ADMIN, tags=TAGS, request=DeadlineCheckIn, responses={200: DeadlineCheck},
       errors=(404, 422))
def check_procedure_deadline() -> Any:
    body: DeadlineCheckIn = _body(DeadlineCheckIn, 16 * 1024)
    process = catalogue.get_process(body.process_code)
    if process is None:
        raise not_found("Không tìm thấy quy trình.")
    warning = deadline_fit(process, body.code, body.name or body.code, body.legal_deadline)
    return json_response(200, DeadlineCheck(warning=warning).model_dump())


@route(bp, "/v1/admin/processes", "POST", summary="Ban hành một phiên bản quy trình (đã kiểm tra)",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, responses={201: ProcessDefinition},
       errors=(400, 409, 413, 422))
def publish_process() -> Any:
    _ministry_admin()
    _, payload = read_json(bp, 256 * 1024)
    if not isinstance(payload, dict):
        raise invalid([FieldError("body", "Quy trình phải là một đối tượng JSON.")])
    chart = charts.current()  # a new process version is checked against the latest status chart
    definition, errors = check_process_document(payload, chart)
    if errors or definition is None:
        raise HosoError("PROCESS_INVALID", "Quy trình chưa hợp lệ, chưa thể ban hành.", 422,
                        errors=[FieldError(".".join(x for x in (e.step_id, e.action_id) if x) or "process", e.message)
                                for e in errors], extra={"process_errors": [e.model_dump() for e in errors]})
    if variants.reserved_code(definition.code):
        raise invalid([FieldError("code", "Mã DPxx.… dành cho quy trình riêng của địa phương (do tỉnh đề xuất).")])
    latest = catalogue.get_process(definition.code)
    expected = (latest.version + 1) if latest else 1
    if definition.version != expected:
        raise HosoError("PROCESS_VERSION", f"Phiên bản tiếp theo của quy trình phải là {expected}.", 409)
    published = publish(definition, now(), current_principal().sub, chart)
    try:
        catalogue.publish_process(published)
    except catalogue.AlreadyPublished:
        raise HosoError("PROCESS_ALREADY_PUBLISHED", "Phiên bản này vừa được ban hành.", 409) from None
    _logged("process", f"{published.code}@{published.version}")
    return json_response(201, published.model_dump(mode="json"))


@route(bp, "/v1/admin/processes/{code}", "GET",
       summary="Một quy trình: phiên bản mới nhất, hoặc phiên bản ?version=N", access=Access.ADMIN,
       tags=TAGS, responses={200: ProcessDefinition}, errors=(400, 404))
def get_process(code: str) -> Any:
    params = _params()
    found = catalogue.get_process(code, _int_param(params.get("version"), "version", 1, 9999))
    if found is None:
        raise not_found("Không tìm thấy quy trình.")
    return json_response(200, found.model_dump(mode="json"))


@route(bp, "/v1/admin/eforms/{code}", "PUT", summary="Tạo hoặc cập nhật biểu mẫu điện tử", access=Access.ADMIN,
       roles=MINISTRY_ONLY, tags=TAGS, request=EFormSchema, responses={200: EFormSchema}, errors=(422,))
def put_eform(code: str) -> Any:
    _ministry_admin()
    schema: EFormSchema = _body(EFormSchema)
    problems = validate_schema(schema) + ([] if schema.code == code else ["code: không khớp với đường dẫn"])
    if problems:
        raise invalid([FieldError("eform", p) for p in problems], "Biểu mẫu chưa hợp lệ.")
    catalogue.put_eform(schema)
    _logged("eform", code)
    return json_response(200, schema.model_dump(mode="json"))


@route(bp, "/v1/admin/procedures/{code}", "PUT", summary="Tạo hoặc cập nhật thủ tục hành chính",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, request=Procedure, responses={200: Procedure},
       errors=(422,))
def put_procedure(code: str) -> Any:
    _ministry_admin()
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
    _logged("procedure", code, after={"process_code": procedure.process_code, "unit_codes": procedure.unit_codes,
                                      "separation_of_duties": procedure.separation_of_duties,
                                      "result_kind": procedure.result_kind.value,
                                      "result_signed": procedure.result_signed,
                                      "sign_on_approval": procedure.sign_on_approval})
    return json_response(200, procedure.model_dump(mode="json"))


@route(bp, "/v1/admin/units/{code}", "PUT", summary="Tạo hoặc cập nhật đơn vị (mã QCVN 102)", access=Access.ADMIN,
       tags=TAGS, request=Unit, responses={200: Unit}, errors=(409, 422))
def put_unit(code: str) -> Any:
    unit: Unit = _body(Unit)
    if not is_unit_code(unit.code):
        raise invalid([FieldError("code", "Mã đơn vị không đúng QCVN 102:2016.")])
    if unit.code != code:
        raise invalid([FieldError("code", "Mã đơn vị không khớp với đường dẫn.")])
    parent = catalogue.read_unit_for_update(unit.parent_code).value if unit.parent_code else None
    if unit.parent_code and parent is None:
        raise invalid([FieldError("parent_code", "Không có đơn vị cấp trên này.")])
    seen = catalogue.read_unit_for_update(code)
    # the intake switch is the migration's (PUT /v1/admin/migration/units/{code}/intake), never this form's
    unit = unit.model_copy(update={"intake_system": seen.value.intake_system if seen.value else "hoso"})
    admin_access.check_unit_write(_administrator(), seen.value, unit, parent)
    _replace(catalogue.replace_unit, unit, seen)
    _logged("unit", code, None if seen.value is None else {"province_code": seen.value.province_code},
            {"province_code": unit.province_code, "parent_code": unit.parent_code})
    return json_response(200, unit.model_dump(mode="json"))


def _units_exist(assignments: list[Any]) -> None:
    missing = [FieldError(f"assignments[{i}].unit_code", "Không có đơn vị này.")
               for i, a in enumerate(assignments) if catalogue.get_unit(a.unit_code) is None]
    if missing:
        raise invalid(missing)


@route(bp, "/v1/admin/officers", "POST",
       summary="Thêm cán bộ theo số định danh cá nhân (gắn với tài khoản VNeID khi cán bộ đăng nhập lần đầu)",
       access=Access.ADMIN, tags=TAGS, request=NewOfficer, responses={201: OfficerProfile},
       errors=(409, 422))
def add_officer() -> Any:
    new: NewOfficer = _body(NewOfficer, 64 * 1024)
    problem = personal_number_problem(new.personal_number)
    if problem:
        raise invalid([FieldError("personal_number", problem)])
    _units_exist(new.assignments)
    officer = new.pending_profile(officer_number_key(new.personal_number, privacy_store.hmac_key()))
    admin_access.check_officer_write(_administrator(), None, officer,
                                     {a.unit_code: catalogue.get_unit(a.unit_code) for a in officer.assignments})
    try:
        officers.add_pending(officer)
    except officers.AlreadyAdded:
        raise HosoError("OFFICER_EXISTS", "Đã có cán bộ với số định danh cá nhân này.", 409,
                        errors=[FieldError("personal_number", "Đã có cán bộ với số định danh cá nhân này.")]) from None
    _logged("officer", officer.sub, None,
            {"province_code": officer.province_code, "active": officer.active, "roles": _roles(officer)})
    return json_response(201, officer.model_dump(mode="json"))


@route(bp, "/v1/admin/officers/{sub}", "PUT", summary="Tạo hoặc cập nhật cán bộ và vai trò",
       access=Access.ADMIN, tags=TAGS, request=OfficerProfile, responses={200: OfficerProfile},
       errors=(409, 422))
def put_officer(sub: str) -> Any:
    officer: OfficerProfile = _body(OfficerProfile)
    if officer.sub != sub:
        raise invalid([FieldError("sub", "Mã định danh không khớp với đường dẫn.")])
    _units_exist(officer.assignments)
    seen = catalogue.read_officer_for_update(sub)
    if seen.value is None and sub.startswith(PENDING_PREFIX):
        raise not_found("Không tìm thấy cán bộ chờ đăng nhập lần đầu này.")
    # Whether the officer is pending, and their personal number's key, are the stored record's.
    stored = seen.value
    officer = officer.model_copy(update={"pending": stored.pending if stored else False,
                                         "personal_number_key": stored.personal_number_key if stored else "",
                                         "roles_version": stored.roles_version if stored else None})
    named = {a.unit_code for profile in (seen.value, officer) if profile is not None for a in profile.assignments}
    admin_access.check_officer_write(_administrator(), seen.value, officer,
                                     {code: catalogue.read_unit_for_update(code).value for code in named})
    _replace(catalogue.replace_officer, officer, seen)
    old = seen.value
    _logged("officer", sub, None if old is None else {"province_code": old.province_code, "active": old.active,
                                                      "roles": _roles(old)},
            {"province_code": officer.province_code, "active": officer.active, "roles": _roles(officer)})
    return json_response(200, officer.model_dump(mode="json"))


@route(bp, "/v1/admin/calendar/{day}", "PUT", summary="Ngày nghỉ bổ sung hoặc ngày làm bù (kèm văn bản quyết định)",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, request=CalendarOverride,
       responses={200: CalendarOverride}, errors=(422,))
def put_calendar_day(day: str) -> Any:
    _ministry_admin()
    override: CalendarOverride = _body(CalendarOverride, 8192)
    try:
        matches = override.date == dt.date.fromisoformat(day)
    except ValueError:
        matches = False
    if not matches:
        raise invalid([FieldError("date", "Ngày không khớp với đường dẫn (YYYY-MM-DD).")])
    catalogue.put_calendar_override(override)
    _logged("calendar", day, after={"kind": override.kind})
    return json_response(200, override.model_dump(mode="json"))


def _params() -> dict[str, str]:
    return bp.current_request.query_params or {}


def _int_param(raw: str | None, name: str, low: int, high: int) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise bad_request(f"Tham số {name} phải là số từ {low} đến {high}.", "INVALID_QUERY")
    return int(raw)


# --- officers -------------------------------------------------------------------------------


class OfficerList(BaseModel):
    province_code: str | None = Field(description="Tỉnh được liệt kê; null: mọi tỉnh và cấp bộ")
    items: list[OfficerProfile]


@route(bp, "/v1/admin/officers", "GET",
       summary="Danh sách cán bộ và vai trò; tham số province (2 số, rỗng: cấp bộ) hoặc unit (mã đơn vị); quản trị "
               "cấp tỉnh chỉ xem tỉnh mình",
       access=Access.ADMIN, tags=TAGS, responses={200: OfficerList}, errors=(400, 403))
def list_officers() -> Any:
    principal = current_principal()
    params = _params()
    unit_code, province = params.get("unit"), params.get("province")
    if province is not None and not (province == "" or (len(province) == 2 and province.isdigit())):
        raise bad_request("Mã tỉnh gồm 2 chữ số.", "INVALID_QUERY")
    if unit_code is not None:
        unit = catalogue.get_unit(unit_code) if is_unit_code(unit_code) else None
        if unit is None:
            raise bad_request("Không có đơn vị này.", "INVALID_QUERY")
        if province is not None and province != unit.province_code:
            raise bad_request("Đơn vị không thuộc tỉnh đã chọn.", "INVALID_QUERY")
        province = unit.province_code
    province = admin_access.officers_scope(admin_access.Administrator.of(principal.profile), province)
    officers = catalogue.list_officers() if province is None else catalogue.list_officers_of_province(province)
    if unit_code is not None:
        officers = [o for o in officers if o.roles_in(unit_code)]
    officers.sort(key=lambda o: (o.province_code, o.name, o.sub))
    return json_response(200, OfficerList(province_code=province, items=officers).model_dump(mode="json"))


# --- processes ------------------------------------------------------------------------------


class ProcessVersion(BaseModel):
    code: str
    version: int
    name: str
    procedure_codes: tuple[str, ...]
    steps: int
    published_at: dt.datetime | None
    published_by: str | None


class ProcessSummary(BaseModel):
    code: str
    name: str
    latest_version: int
    published_at: dt.datetime | None
    versions: list[int]


class ProcessList(BaseModel):
    items: list[ProcessSummary]


class ProcessVersions(BaseModel):
    code: str
    items: list[ProcessVersion]


def _version(p: ProcessDefinition) -> ProcessVersion:
    return ProcessVersion(code=p.code, version=p.version, name=p.name, procedure_codes=p.procedure_codes,
                          steps=len(p.steps), published_at=p.published_at, published_by=p.published_by)


@route(bp, "/v1/admin/processes", "GET",
       summary="Danh sách quy trình đã ban hành (phiên bản mới nhất của mỗi quy trình)", access=Access.ADMIN,
       tags=TAGS, responses={200: ProcessList})
def list_processes() -> Any:
    latest: dict[str, ProcessSummary] = {}
    for p in catalogue.list_processes():
        seen = latest.get(p.code)
        versions = [*(seen.versions if seen else []), p.version]
        if seen is None or p.version > seen.latest_version:
            latest[p.code] = ProcessSummary(code=p.code, name=p.name, latest_version=p.version,
                                            published_at=p.published_at, versions=sorted(versions))
        else:
            seen.versions = sorted(versions)
    items = sorted(latest.values(), key=lambda s: s.code)
    return json_response(200, ProcessList(items=items).model_dump(mode="json"))


@route(bp, "/v1/admin/processes/{code}/versions", "GET", summary="Các phiên bản đã ban hành của một quy trình",
       access=Access.ADMIN, tags=TAGS, responses={200: ProcessVersions}, errors=(404,))
def list_process_versions(code: str) -> Any:
    versions = catalogue.list_process_versions(code)
    if not versions:
        raise not_found("Không tìm thấy quy trình.")
    return json_response(200, ProcessVersions(code=code, items=[_version(p) for p in versions]).model_dump(mode="json"))


# --- calendar -------------------------------------------------------------------------------


class Holiday(BaseModel):
    date: dt.date
    name: str


class CalendarYear(BaseModel):
    year: int
    holidays: list[Holiday] = Field(description="Ngày nghỉ lễ, nghỉ bù, hoán đổi theo luật (thư viện holidays)")
    overrides: list[CalendarOverride] = Field(description="Ngày nghỉ bổ sung, ngày làm bù do quản trị nhập")


@route(bp, "/v1/admin/calendar", "GET",
       summary="Lịch làm việc của năm ?year=YYYY (mặc định năm nay): ngày nghỉ theo luật và các ngày điều chỉnh "
               "(nghỉ bổ sung, làm bù)",
       access=Access.ADMIN, tags=TAGS, responses={200: CalendarYear}, errors=(400,))
def calendar_year() -> Any:
    params = _params()
    year = _int_param(params.get("year"), "year", 2000, 2100) or now().year
    statutory = holidays.country_holidays("VN", language="vi", years=year)
    answer = CalendarYear(
        year=year,
        holidays=[Holiday(date=day, name=name) for day, name in sorted(statutory.items())],
        overrides=catalogue.list_calendar_overrides_of_year(year),
    )
    return json_response(200, answer.model_dump(mode="json"))


@route(bp, "/v1/admin/calendar/{day}", "DELETE", summary="Bỏ một ngày điều chỉnh khỏi lịch làm việc",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, responses={200: CalendarOverride}, errors=(404,))
def delete_calendar_day(day: str) -> Any:
    _ministry_admin()
    try:
        key = dt.date.fromisoformat(day).isoformat()
    except ValueError:
        raise not_found("Không có ngày điều chỉnh này.") from None
    found = catalogue.get_calendar_override(key)
    if found is None:
        raise not_found("Không có ngày điều chỉnh này.")
    catalogue.delete_calendar_override(key)
    _logged("calendar", key, before={"kind": found.kind})
    return json_response(200, found.model_dump(mode="json"))


# --- integration clients --------------------------------------------------------------------


class ClientOut(BaseModel):
    """An integration client as administrators see it: never its secret, nor the secret's hash."""

    client_id: str
    name: str
    procedure_codes: list[str]
    kind: ClientKind | None = Field(description="Loại hệ thống; trống: đăng ký trước khi có phân loại, chưa được "
                                                "làm gì cho đến khi khai báo loại và quyền")  # fmt: skip
    capabilities: list[Capability]
    actions: list[ActionKind]
    leader_actions: bool
    active: bool
    created_at: dt.datetime | None
    rotated_at: dt.datetime | None
    previous_valid_until: dt.datetime | None = Field(description="Khóa cũ còn hiệu lực đến (sau khi đổi khóa)")
    revoked_at: dt.datetime | None


class ClientList(BaseModel):
    items: list[ClientOut]


class ClientGrantsIn(BaseModel):
    model_config = {"extra": "forbid"}

    kind: ClientKind = Field(description="Loại hệ thống: phần mềm chuyên ngành, cơ quan liên thông, bưu chính, "
                                         "nền tảng thanh toán, ki-ốt")  # fmt: skip
    capabilities: list[Capability] = Field(max_length=len(Capability),
                                           description="Các API hệ thống được gọi (trong phạm vi loại hệ thống)")
    actions: list[ActionKind] = Field(default_factory=list, max_length=len(ActionKind),
                                      description="Phần mềm chuyên ngành: các loại thao tác xử lý được báo về "
                                                  "(không bao giờ có rút hồ sơ)")  # fmt: skip
    leader_actions: bool = Field(False, description="Phần mềm chuyên ngành: được báo cả thao tác của lãnh đạo "
                                                    "(phê duyệt…) nếu thao tác đó có trong danh sách")  # fmt: skip


class ClientIn(ClientGrantsIn):
    client_id: str = Field(pattern=CLIENT_ID_PATTERN, description="Mã hệ thống tích hợp (chữ, số, - và _)")
    name: str = Field(min_length=1, max_length=200)
    procedure_codes: list[str] = Field(default_factory=list, max_length=500,
                                       description="Các thủ tục hệ thống được phép thao tác")


class RotateIn(BaseModel):
    model_config = {"extra": "forbid"}

    grace_hours: int = Field(24, ge=0, le=720, description="Khóa cũ còn dùng được bao nhiêu giờ (0: hết hiệu lực ngay)")


class ClientKey(BaseModel):
    client: ClientOut
    token: str = Field(
        description="Khóa truy cập Bearer <client_id>.<secret> — chỉ hiển thị một lần, hệ thống không lưu")


def _client_out(client: registry.IntegrationClient) -> ClientOut:
    at = now()
    return ClientOut(client_id=client.client_id, name=client.name, procedure_codes=client.procedure_codes,
                     kind=client.kind, capabilities=client.capabilities, actions=client.actions,
                     leader_actions=client.leader_actions,
                     active=client.active, created_at=client.created_at, rotated_at=client.rotated_at,
                     previous_valid_until=client.previous_valid_until if client.previous_valid(at) else None,
                     revoked_at=client.revoked_at)


def _client_id(client_id: str) -> str:
    if not CLIENT_ID.fullmatch(client_id):
        raise not_found("Không tìm thấy hệ thống tích hợp.")
    return client_id


@route(bp, "/v1/admin/clients", "GET", summary="Danh sách hệ thống tích hợp (không bao giờ kèm khóa)",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, responses={200: ClientList})
def list_clients() -> Any:
    items = [_client_out(c) for c in registry.list_clients()]
    return json_response(200, ClientList(items=items).model_dump(mode="json"))


@route(bp, "/v1/admin/clients", "POST", summary="Đăng ký hệ thống tích hợp; khóa truy cập chỉ hiển thị một lần",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, request=ClientIn, responses={201: ClientKey},
       errors=(409,))
def create_client() -> Any:
    body: ClientIn = _body(ClientIn, 64 * 1024)
    unknown = [FieldError(f"procedure_codes[{i}]", "Không có thủ tục này.")
               for i, code in enumerate(body.procedure_codes) if catalogue.get_procedure(code) is None]
    _check_grants(body, unknown)
    at, scope = now(), sorted(set(body.procedure_codes))
    token = registry.create_client(body.client_id, body.name, scope, at, kind=body.kind, capabilities=body.capabilities,
                                   actions=body.actions, leader_actions=body.leader_actions)  # fmt: skip
    created = ClientOut(client_id=body.client_id, name=body.name, procedure_codes=scope, kind=body.kind,
                        capabilities=sorted(set(body.capabilities)), actions=sorted(set(body.actions)),
                        leader_actions=body.leader_actions, active=True, created_at=at, rotated_at=None,
                        previous_valid_until=None, revoked_at=None)  # fmt: skip
    return json_response(201, ClientKey(client=created, token=token).model_dump(mode="json"))


def _check_grants(body: ClientGrantsIn, errors: list[FieldError] | None = None) -> None:
    """422 with every problem: unknown procedures (given), grants outside the client's kind."""
    problems = [*(errors or []), *check_grants(body.kind, body.capabilities, body.actions, body.leader_actions)]
    if body.kind is ClientKind.KIOSK:  # a kiosk serves one unit: registered with it (chalicelib.api.kiosk)
        problems.append(FieldError("kind", "Ki-ốt được đăng ký cho một đơn vị tại mục Quản trị → Ki-ốt tự phục vụ."))
    if problems:
        raise invalid(problems)


@route(bp, "/v1/admin/clients/{client_id}/grants", "PUT",
       summary="Khai báo loại hệ thống tích hợp và các quyền được cấp (API được gọi, thao tác xử lý được báo)",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, request=ClientGrantsIn, responses={200: ClientOut},
       errors=(404, 409, 422))  # fmt: skip
def set_client_grants(client_id: str) -> Any:
    body: ClientGrantsIn = _body(ClientGrantsIn, 16 * 1024)
    client_id = _client_id(client_id)
    _check_grants(body)
    stored = registry.get_client(client_id)
    if stored is not None and stored.kind is ClientKind.KIOSK:
        raise HosoError("KIOSK_GRANTS_FIXED", "Quyền của ki-ốt không đổi được; thu hồi ki-ốt và đăng ký ki-ốt khác.",
                        409)
    client = registry.set_grants(client_id, body.kind, body.capabilities, body.actions, body.leader_actions)
    return json_response(200, _client_out(client).model_dump(mode="json"))


@route(bp, "/v1/admin/clients/{client_id}/rotate", "POST",
       summary="Đổi khóa truy cập của hệ thống tích hợp: khóa mới hiển thị một lần, khóa cũ còn dùng trong "
               "thời gian chuyển tiếp",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, request=RotateIn, responses={200: ClientKey},
       errors=(404, 409))
def rotate_client(client_id: str) -> Any:
    body: RotateIn = _body(RotateIn, 4096)
    client, token = registry.rotate_client(_client_id(client_id), dt.timedelta(hours=body.grace_hours), now())
    return json_response(200, ClientKey(client=_client_out(client), token=token).model_dump(mode="json"))


@route(bp, "/v1/admin/clients/{client_id}/revoke", "POST",
       summary="Thu hồi quyền truy cập của hệ thống tích hợp (mọi khóa, kể cả khóa đang chuyển tiếp)",
       access=Access.ADMIN, roles=MINISTRY_ONLY, tags=TAGS, responses={200: ClientOut}, errors=(404,))
def revoke_client(client_id: str) -> Any:
    return json_response(200, _client_out(registry.revoke_client(_client_id(client_id), now())).model_dump(mode="json"))
