"""Reports, statistics and the executive dashboard (FR-23…25, 27): a unit's report for its heads
and leaders, a province's roll-up for administrators, exports (.xlsx, .docx, .pdf), each officer's
saved report templates, and the public periodic figures of a province (no login). Figures come
from the aggregates kept in every dossier transaction (``chalicelib.reports``), never from
reading dossiers."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, Field

from chalicelib.api import caller
from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.documents import lookup
from chalicelib.errors import HosoError, not_found
from chalicelib.lazy import lazy_import
from chalicelib.reports import service, store
from chalicelib.reports.aggregates import month_of
from chalicelib.reports.report import Report, ReportQuery
from chalicelib.services.dossiers import now

exports = lazy_import("chalicelib.reports.exports")  # openpyxl, python-docx, reportlab: loaded by the first export

bp = Blueprint(__name__)
TAGS = ("Báo cáo, thống kê",)
LEADERS = ("head", "leader")
EVERYONE = ("head", "leader", "admin", "province_admin")
_TEMPLATE_ID = re.compile(r"^[0-9a-f]{12}$")


class ExportIn(ReportQuery):
    format: str = Field(pattern="^(xlsx|docx|pdf)$", description="Định dạng tệp: xlsx, docx hoặc pdf")


class ExportLink(BaseModel):
    url: str = Field(description="Đường dẫn tải tệp (hết hạn sau vài phút)")
    expires_in: int
    name: str
    size: int


class ScopeItem(BaseModel):
    code: str
    name: str


class ReportScopes(BaseModel):
    units: list[ScopeItem] = Field(description="Đơn vị xem được báo cáo (lãnh đạo, trưởng phòng)")
    provinces: list[ScopeItem] = Field(description="Tỉnh xem được báo cáo tổng hợp (quản trị)")


class TemplateList(BaseModel):
    items: list[store.Template]


def _body(model: type[BaseModel]) -> Any:
    _, payload = read_json(bp, 16 * 1024)
    return parse_model(model, payload)


def _export(scope: service.Scope, body: ExportIn) -> Any:
    query = ReportQuery.model_validate(body.model_dump(exclude={"format"}))
    report = service.build(scope, query, now())
    content = exports.render(report, body.format)
    link = store.put_export(content, exports.FORMATS[body.format], exports.file_name(report, body.format))
    return json_response(200, link)


@route(bp, "/v1/me/report-scopes", "GET", summary="Đơn vị, tỉnh mà tôi được xem báo cáo", access=Access.OFFICER,
       roles=EVERYONE, tags=TAGS, responses={200: ReportScopes})
def my_report_scopes() -> Any:
    return json_response(200, service.scopes_of(current_principal().profile))


@route(bp, "/v1/units/{unit_code}/reports", "POST",
       summary="Báo cáo, thống kê của đơn vị theo kỳ (tháng đầu–tháng cuối), nhóm và lọc theo lĩnh vực, thủ tục, "
               "cán bộ, trạng thái, kênh, mức độ; đúng hạn/quá hạn (FR-23, FR-25)",
       access=Access.OFFICER, roles=LEADERS, tags=TAGS, request=ReportQuery, responses={200: Report},
       errors=(403, 404))
def unit_report(unit_code: str) -> Any:
    scope = service.require_unit_scope(current_principal().profile, unit_code)
    body: ReportQuery = _body(ReportQuery)
    return json_response(200, service.build(scope, body, now()).model_dump(mode="json"))


@route(bp, "/v1/units/{unit_code}/reports/export", "POST",
       summary="Kết xuất báo cáo của đơn vị ra .xlsx, .docx hoặc .pdf — trả link tải (FR-24)",
       access=Access.OFFICER, roles=LEADERS, tags=TAGS, request=ExportIn, responses={200: ExportLink},
       errors=(403, 404))
def unit_report_export(unit_code: str) -> Any:
    scope = service.require_unit_scope(current_principal().profile, unit_code)
    return _export(scope, _body(ExportIn))


@route(bp, "/v1/provinces/{province_code}/reports", "POST",
       summary="Báo cáo tổng hợp các đơn vị của một tỉnh (00: các đơn vị cấp bộ), nhóm và lọc được theo đơn vị "
               "(FR-23, FR-25, FR-27)",
       access=Access.ADMIN, tags=TAGS, request=ReportQuery, responses={200: Report}, errors=(403, 404))
def province_report(province_code: str) -> Any:
    scope = service.require_province_scope(current_principal(), province_code)
    body: ReportQuery = _body(ReportQuery)
    return json_response(200, service.build(scope, body, now()).model_dump(mode="json"))


@route(bp, "/v1/provinces/{province_code}/reports/export", "POST",
       summary="Kết xuất báo cáo tổng hợp của tỉnh ra .xlsx, .docx hoặc .pdf — trả link tải (FR-24)",
       access=Access.ADMIN, tags=TAGS, request=ExportIn, responses={200: ExportLink}, errors=(403, 404))
def province_report_export(province_code: str) -> Any:
    scope = service.require_province_scope(current_principal(), province_code)
    return _export(scope, _body(ExportIn))


# --- saved report templates (FR-24.2) --------------------------------------------------------


def _template_not_found() -> HosoError:
    return not_found("Không tìm thấy mẫu báo cáo.")


@route(bp, "/v1/me/report-templates", "GET", summary="Các mẫu báo cáo tôi đã lưu", access=Access.OFFICER,
       roles=EVERYONE, tags=TAGS, responses={200: TemplateList})
def my_report_templates() -> Any:
    items = store.list_templates(current_principal().sub)
    return json_response(200, TemplateList(items=items).model_dump(mode="json"))


@route(bp, "/v1/me/report-templates", "POST", summary="Lưu một mẫu báo cáo của tôi", access=Access.OFFICER,
       roles=EVERYONE, tags=TAGS, request=store.ReportTemplateIn, responses={201: store.Template}, errors=(409,))
def create_report_template() -> Any:
    body: store.ReportTemplateIn = _body(store.ReportTemplateIn)
    try:
        template = store.create_template(current_principal().sub, body, now())
    except store.TooManyTemplates:
        raise HosoError("TOO_MANY_TEMPLATES", f"Mỗi cán bộ lưu tối đa {store.MAX_TEMPLATES} mẫu báo cáo.",
                        409) from None
    return json_response(201, template.model_dump(mode="json"))


@route(bp, "/v1/me/report-templates/{template_id}", "PUT", summary="Sửa một mẫu báo cáo của tôi",
       access=Access.OFFICER, roles=EVERYONE, tags=TAGS, request=store.ReportTemplateIn,
       responses={200: store.Template}, errors=(404,))
def update_report_template(template_id: str) -> Any:
    body: store.ReportTemplateIn = _body(store.ReportTemplateIn)
    if not _TEMPLATE_ID.match(template_id):
        raise _template_not_found()
    template = store.update_template(current_principal().sub, template_id, body, now())
    if template is None:
        raise _template_not_found()
    return json_response(200, template.model_dump(mode="json"))


@route(bp, "/v1/me/report-templates/{template_id}", "DELETE", summary="Xóa một mẫu báo cáo của tôi",
       access=Access.OFFICER, roles=EVERYONE, tags=TAGS, responses={204: None}, errors=(404,))
def delete_report_template(template_id: str) -> Any:
    if not _TEMPLATE_ID.match(template_id) or not store.delete_template(current_principal().sub, template_id):
        raise _template_not_found()
    return Response(body="", status_code=204)


# --- public periodic figures (FR-23.3, FR-27.2) ----------------------------------------------


@route(bp, "/v1/public/statistics/{province_code}", "GET",
       summary="Công khai tình hình giải quyết hồ sơ theo kỳ của các đơn vị một tỉnh (00: cấp bộ): đã tiếp nhận, "
               "đang giải quyết, đã giải quyết trước hạn, đúng hạn, quá hạn; tham số from, to (YYYY-MM, tối đa 12 "
               "tháng; mặc định tháng này)",
       access=Access.PUBLIC, tags=("Tra cứu công khai",), responses={200: service.PublicStatistics},
       errors=(404, 422, 429))
def public_statistics(province_code: str) -> Any:
    request = bp.current_request
    lookup.enforce_limit(caller.client_address(request.headers, request.context))
    params = request.query_params or {}
    current = month_of(now())
    answer = service.public_statistics(province_code, params.get("from") or current, params.get("to") or current, now())
    return json_response(200, answer.model_dump(mode="json"), {"Cache-Control": "public, max-age=300"})
