"""Officers' dossier API: view, act, worklists, search (FR-12…FR-21)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Text
from chalicelib.auth import current_principal
from chalicelib.domain import engine
from chalicelib.domain.calendar import Duration
from chalicelib.domain.dossier import AuditEvent, Dossier
from chalicelib.domain.intake import DeskDossierIn
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.errors import bad_request
from chalicelib.services import dossiers as service
from chalicelib.services import intake
from chalicelib.store import dossiers as repo

bp = Blueprint(__name__)
TAGS = ("Hồ sơ",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)


class ActionIn(BaseModel):
    action: str = Field(min_length=1, max_length=64, description="Mã thao tác của bước hiện tại")
    reason: Text = Field("", max_length=2000, description="Lý do / nội dung (bắt buộc với từ chối, bổ sung, dừng…)")
    assignee: str | None = Field(None, max_length=128, description="Cán bộ được phân công (VNeID sub)")
    consult_unit: str | None = Field(None, max_length=32)
    consult_deadline: Duration | None = None
    consultation_id: str | None = Field(None, max_length=32)
    extension: Duration | None = None
    attachments: list[str] = Field(default_factory=list, max_length=20)

    model_config = {"extra": "forbid"}


class ActionOption(BaseModel):
    id: str
    label: str
    kind: str
    requires_reason: bool


class DossierView(BaseModel):
    dossier: Dossier
    display: dict[str, str]
    available_actions: list[ActionOption]
    events: list[AuditEvent]


class DossierPage(BaseModel):
    items: list[Dossier]
    cursor: str | None = None


def _limit(params: dict[str, str]) -> int:
    try:
        return max(1, min(100, int(params.get("limit", "20"))))
    except ValueError:
        raise bad_request("Tham số limit không hợp lệ.", "INVALID_QUERY") from None


def _page_out(page: repo.Page) -> Any:
    return json_response(200, DossierPage(items=page.items, cursor=page.cursor).model_dump(mode="json"))


@route(bp, "/v1/dossiers", "POST", summary="Tiếp nhận hồ sơ trực tiếp tại bộ phận một cửa (FR-12.1)",
       access=Access.OFFICER, roles=("desk",), tags=TAGS, request=DeskDossierIn, responses={201: DossierView},
       errors=(422,))
def post_desk_dossier() -> Any:
    _, payload = read_json(bp, 512 * 1024)
    officer = current_principal().profile
    dossier = intake.receive_at_desk(payload, officer)
    return json_response(201, service.view(dossier.code, officer))


@route(bp, "/v1/dossiers/{code}", "GET", summary="Xem hồ sơ, nhật ký xử lý và các thao tác được phép",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: DossierView}, errors=(404,))
def get_dossier(code: str) -> Any:
    return json_response(200, service.view(code, current_principal().profile))


@route(bp, "/v1/dossiers/{code}/actions", "POST", summary="Thực hiện một thao tác xử lý trên hồ sơ",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, request=ActionIn, responses={200: DossierView},
       errors=(404, 409, 422))
def post_action(code: str) -> Any:
    _, payload = read_json(bp, 64 * 1024)
    body: ActionIn = parse_model(ActionIn, payload)
    officer = current_principal().profile
    service.act(code, engine.ActionRequest(
        action_id=body.action, reason=body.reason, assignee=body.assignee, consult_unit=body.consult_unit,
        consult_deadline=body.consult_deadline, consultation_id=body.consultation_id, extension=body.extension,
        attachments=tuple(body.attachments),
    ), officer)
    return json_response(200, service.view(code, officer))


@route(bp, "/v1/units/{unit_code}/worklist", "GET", summary="Danh sách hồ sơ của đơn vị theo trạng thái",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: DossierPage})
def unit_worklist(unit_code: str) -> Any:
    params = bp.current_request.query_params or {}
    service.require_unit(current_principal().profile, unit_code)
    status = params.get("status", "1")
    if not status.isdigit() or not 1 <= int(status) <= 10:
        raise bad_request("Tham số status phải từ 1 đến 10.", "INVALID_QUERY")
    return _page_out(repo.worklist(unit_code, int(status), _limit(params), params.get("cursor")))


class UnitCounters(BaseModel):
    unit_code: str
    by_status_and_role: dict[str, int] = Field(description='"<trạng thái>#<vai trò đang xử lý>" → số hồ sơ')
    by_status: dict[str, int]
    overdue_in_process: int = Field(description="Hồ sơ đang xử lý (trạng thái 4) đã quá hạn")


@route(bp, "/v1/units/{unit_code}/counters", "GET", summary="Bộ đếm hồ sơ theo trạng thái và vai trò (FR-20)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: UnitCounters})
def unit_counters(unit_code: str) -> Any:
    service.require_unit(current_principal().profile, unit_code)
    counts = {k: v for k, v in repo.counters(unit_code).items() if v}
    by_status: dict[str, int] = {}
    for key, n in counts.items():
        status = key.split("#", 1)[0]
        by_status[status] = by_status.get(status, 0) + n
    return json_response(200, UnitCounters(
        unit_code=unit_code, by_status_and_role=counts, by_status=by_status,
        overdue_in_process=repo.count_overdue(unit_code, 4, service.now()),
    ).model_dump())


@route(bp, "/v1/me/dossiers", "GET", summary="Hồ sơ được phân công cho tôi",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: DossierPage})
def my_dossiers() -> Any:
    params = bp.current_request.query_params or {}
    return _page_out(repo.assigned_to(current_principal().profile.sub, _limit(params), params.get("cursor")))


def _date(params: dict[str, str], name: str) -> dt.datetime | None:
    if not params.get(name):
        return None
    try:
        day = dt.datetime.strptime(params[name], "%d/%m/%Y")
    except ValueError:
        raise bad_request(f"Tham số {name} phải có dạng DD/MM/YYYY.", "INVALID_QUERY") from None
    return day.replace(tzinfo=service.VN_TZ)


@route(bp, "/v1/units/{unit_code}/search", "GET", summary="Tìm kiếm hồ sơ kết hợp nhiều tiêu chí (FR-21)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: DossierPage})
def search(unit_code: str) -> Any:
    params = bp.current_request.query_params or {}
    service.require_unit(current_principal().profile, unit_code)
    received_to = _date(params, "den_ngay")
    status = params.get("status")
    if status is not None and not status.isdigit():
        raise bad_request("Tham số status không hợp lệ.", "INVALID_QUERY")
    return _page_out(repo.search(
        unit_code,
        received_from=_date(params, "tu_ngay"),
        received_to=received_to + dt.timedelta(days=1) if received_to else None,
        status=int(status) if status else None,
        procedure_code=params.get("thu_tuc"),
        field_code=params.get("linh_vuc"),
        applicant=params.get("chu_ho_so"),
        limit=_limit(params),
        cursor=params.get("cursor"),
    ))
