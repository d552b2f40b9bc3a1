"""Officers' dossier API: view, act, worklists, search (FR-12…FR-21); the dossier's process with
the steps it passed (FR-9, FR-27), its sync state per destination (FR-31) and in-page previews of
its documents."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from itertools import chain
from typing import Annotated, Any, Literal

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Text
from chalicelib.auth.caller import current_principal
from chalicelib.documents import store as docstore
from chalicelib.domain import engine, finding
from chalicelib.domain.calendar import Duration
from chalicelib.domain.dossier import AuditEvent, Dossier
from chalicelib.domain.intake import DeskDossierIn
from chalicelib.domain.process import ProcessDefinition
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.errors import HosoError, bad_request, not_found
from chalicelib.integrations.dvcqg import DESTINATION_NAMES, DESTINATIONS
from chalicelib.notifications import counters as counter_rules
from chalicelib.notifications import reminders
from chalicelib.notifications import store as notification_store
from chalicelib.observability import logger
from chalicelib.privacy import store as privacy_store
from chalicelib.reports import aggregates
from chalicelib.services import dossiers as service
from chalicelib.services import intake
from chalicelib.store import dossiers as repo
from chalicelib.sync import store as sync_store

bp = Blueprint(__name__)
TAGS = ("Hồ sơ",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)


class ActionIn(BaseModel):
    action: str = Field(min_length=1, max_length=64, description="Mã thao tác của bước hiện tại")
    reason: Text = Field("", max_length=2000, description="Lý do / nội dung (bắt buộc với từ chối, bổ sung, dừng…)")
    assignee: str | None = Field(None, max_length=128, description="Cán bộ được phân công (VNeID sub)")
    consult_units: list[Annotated[str, Field(max_length=32)]] = Field(
        default_factory=list, max_length=10,
        description="Xin ý kiến: mã các đơn vị được hỏi (danh mục đơn vị) hoặc cơ quan ngoài hoso "
                    "(GET /v1/consultations/outside-agencies, qua Hệ thống điều phối)")
    consult_deadline: Duration | None = Field(None, description="Xin ý kiến: thời hạn trả lời (ngày làm việc)")
    consult_documents: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=50,
        description="Xin ý kiến: tài liệu của hồ sơ mà đơn vị được hỏi được xem (chỉ những tài liệu này)")
    extension: Duration | None = None
    attachments: list[Annotated[str, Field(max_length=32)]] = Field(
        default_factory=list, max_length=20,
        description="Tệp đã tải lên (POST /v1/uploads, đã kiểm tra) ghi vào hồ sơ cùng thao tác: khi tiếp nhận, "
                    "nhận bổ sung (giấy tờ của công dân), trình, đề xuất từ chối, ý kiến tham gia, phê duyệt, "
                    "từ chối (tài liệu nội bộ)")
    department: Text | None = Field(None, max_length=200, description="Phòng chuyên môn nhận hồ sơ (chuyển phòng)")

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
        action_id=body.action, reason=body.reason, assignee=body.assignee,
        consult_units=dict.fromkeys(body.consult_units, ""), consult_deadline=body.consult_deadline,
        consult_documents=tuple(body.consult_documents), extension=body.extension,
        attachments=tuple(body.attachments), department=body.department or None,
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


class DeadlineCountsOut(BaseModel):
    due_soon: int = Field(description="Sắp đến hạn trả kết quả (trong 1 ngày làm việc)")
    overdue: int = Field(description="Đã quá hạn trả kết quả")


class ResolvedOut(BaseModel):
    month: str = Field(description="Tháng (YYYY-MM, giờ Việt Nam)")
    early: int = Field(description="Giải quyết trước hạn")
    on_time: int = Field(description="Giải quyết đúng hạn")
    late: int = Field(description="Giải quyết quá hạn")


class UnitCounters(BaseModel):
    unit_code: str
    by_status_and_role: dict[str, int] = Field(description='"<trạng thái>#<vai trò đang xử lý>" → số hồ sơ')
    by_status: dict[str, int]
    overdue_in_process: int = Field(description="Hồ sơ đang xử lý (trạng thái 4) đã quá hạn")
    due_soon_in_process: int = Field(description="Hồ sơ đang xử lý (trạng thái 4) sắp đến hạn")
    deadlines: dict[str, DeadlineCountsOut] = Field(
        description='"<trạng thái>#<vai trò đang xử lý>" → sắp đến hạn / quá hạn (trạng thái 2 và 4)')
    supplemented_by_role: dict[str, int] = Field(
        description="Đã bổ sung, chờ cán bộ xử lý: vai trò đang giữ hồ sơ → số hồ sơ")
    resolved_this_month: ResolvedOut = Field(description="Đã giải quyết trong tháng này: trước hạn, đúng hạn, quá hạn")


@route(bp, "/v1/units/{unit_code}/counters", "GET", summary="Bộ đếm hồ sơ theo trạng thái và vai trò (FR-20)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: UnitCounters})
def unit_counters(unit_code: str) -> Any:
    service.require_unit(current_principal().profile, unit_code)
    at = service.now()
    counts = repo.counters(unit_code)
    by_status: dict[str, int] = {}
    for key, n in counts.by_status_and_role.items():
        status = key.split("#", 1)[0]
        by_status[status] = by_status.get(status, 0) + n
    horizon = reminders.dossier_horizon(service.calendar_for(unit_code), at)
    near = chain.from_iterable(notification_store.dossiers_in(unit_code, status, due_until=horizon)
                               for status in counter_rules.clock_statuses())
    deadlines = counter_rules.deadline_counts(near, at, horizon)
    in_process = [c for key, c in deadlines.items() if key.startswith("4#")]
    month = aggregates.month_of(at)
    resolved = counts.resolved.get(month, {})
    return json_response(200, UnitCounters(
        unit_code=unit_code, by_status_and_role=counts.by_status_and_role, by_status=by_status,
        overdue_in_process=sum(c.overdue for c in in_process), due_soon_in_process=sum(c.due_soon for c in in_process),
        deadlines={key: DeadlineCountsOut(due_soon=c.due_soon, overdue=c.overdue) for key, c in deadlines.items()},
        supplemented_by_role=counts.supplemented_by_role,
        resolved_this_month=ResolvedOut(month=month, **{o: resolved.get(o, 0) for o in aggregates.OUTCOMES}),
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


SEARCH_CRITERIA = ("ma_ho_so; tu_ngay, den_ngay, han_den (DD/MM/YYYY); qua_han=1; kenh; status; thu_tuc; linh_vuc; "
                   "chu_ho_so")


@route(bp, "/v1/units/{unit_code}/search", "GET",
       summary=f"Tìm kiếm hồ sơ kết hợp nhiều tiêu chí (FR-21): {SEARCH_CRITERIA}. Tìm theo số định danh hoặc mã số "
               "thuế của chủ hồ sơ: POST (số không bao giờ nằm trên URL)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: DossierPage}, errors=(400,))
def search(unit_code: str) -> Any:
    params = bp.current_request.query_params or {}
    if "so_giay_to" in params:
        raise bad_request("Số định danh, mã số thuế không được gửi trên địa chỉ URL (nhật ký truy cập ghi lại URL): "
                          "tìm bằng POST với số trong nội dung yêu cầu.", "ID_NUMBER_IN_URL")
    return _search(unit_code, params)


class SearchIn(BaseModel):
    so_giay_to: str = Field(min_length=1, max_length=20,
                            description="Số định danh cá nhân hoặc mã số thuế của chủ hồ sơ")
    criteria: dict[str, Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict, max_length=12, description=f"Các tiêu chí khác, như tham số của GET: {SEARCH_CRITERIA}; "
                                                         "limit, cursor")
    model_config = {"extra": "forbid"}


@route(bp, "/v1/units/{unit_code}/search", "POST",
       summary="Tìm kiếm hồ sơ theo số định danh cá nhân hoặc mã số thuế của chủ hồ sơ (FR-21), kết hợp các tiêu chí "
               "khác; số nằm trong nội dung yêu cầu, không trên URL",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, request=SearchIn, responses={200: DossierPage}, errors=(400, 422))
def search_by_id_number(unit_code: str) -> Any:
    body: SearchIn = parse_model(SearchIn, read_json(bp, 8 * 1024)[1])
    if "so_giay_to" in body.criteria:
        raise bad_request("Số định danh chỉ nằm ở trường so_giay_to.", "INVALID_QUERY")
    return _search(unit_code, {**body.criteria, "so_giay_to": body.so_giay_to})


def _search(unit_code: str, criteria: dict[str, str]) -> Any:
    """The search over ``criteria`` (the GET's query, or the POST's body with the personal number)."""
    service.require_unit(current_principal().profile, unit_code)
    if criteria.get("ma_ho_so", "").strip():
        return _page_out(repo.in_unit(unit_code, criteria["ma_ho_so"]))
    received_to, due_by = _date(criteria, "den_ngay"), _date(criteria, "han_den")
    status = criteria.get("status")
    if status is not None and not status.isdigit():
        raise bad_request("Tham số status không hợp lệ.", "INVALID_QUERY")
    id_number = criteria.get("so_giay_to", "").strip()
    if id_number and (problem := finding.id_problem(id_number)):
        raise bad_request(problem, "INVALID_ID_NUMBER")
    channel = criteria.get("kenh")
    if channel and finding.channel_of(channel) is None:
        raise bad_request("Tham số kenh không hợp lệ.", "INVALID_QUERY")
    if criteria.get("qua_han") not in (None, "", "1"):
        raise bad_request("Tham số qua_han chỉ nhận giá trị 1.", "INVALID_QUERY")
    return _page_out(repo.search(
        unit_code,
        received_from=_date(criteria, "tu_ngay"),
        received_to=received_to + dt.timedelta(days=1) if received_to else None,
        status=int(status) if status else None,
        procedure_code=criteria.get("thu_tuc"),
        field_code=criteria.get("linh_vuc"),
        applicant=criteria.get("chu_ho_so"),
        due_before=due_by + dt.timedelta(days=1) if due_by else None,
        applicant_id_key=finding.applicant_id_key(id_number, privacy_store.hmac_key()) if id_number else None,
        channel=channel or None,
        overdue_at=service.now() if criteria.get("qua_han") == "1" else None,
        limit=_limit(criteria),
        cursor=criteria.get("cursor"),
    ))


class DossierProcessOut(BaseModel):
    code: str
    process: ProcessDefinition = Field(description="Phiên bản quy trình mà hồ sơ đang theo")
    current_step: str = Field(description="Bước hồ sơ đang đứng")
    passed_steps: list[str] = Field(description="Các bước hồ sơ đã qua, theo thứ tự lần đầu đến")
    step_due_at: dt.datetime | None = Field(None, description="Hạn của bước hiện tại")
    due_at: dt.datetime | None = Field(None, description="Hạn trả kết quả của hồ sơ")


@route(bp, "/v1/dossiers/{code}/process", "GET", summary="Quy trình của hồ sơ: bước hiện tại và các bước đã qua (FR-9)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: DossierProcessOut}, errors=(404,))
def get_dossier_process(code: str) -> Any:
    dossier = service.visible_dossier(code, current_principal().profile)
    process = service.process_of(dossier)
    passed: list[str] = []
    for event in repo.events(code):
        for step in (event.from_step, event.to_step):
            if step and step != dossier.step_id and step not in passed:
                passed.append(step)
    return json_response(200, DossierProcessOut(
        code=code, process=process, current_step=dossier.step_id, passed_steps=passed,
        step_due_at=dossier.step_due_at, due_at=dossier.due_at,
    ).model_dump(mode="json"))


SyncState = Literal["synced", "pending", "not_started"]


class DestinationStateOut(BaseModel):
    destination: Literal["dvcqg", "coordinator", "province"]
    name: str
    state: SyncState = Field(description="synced: đã nhận mọi bước; pending: còn bước chưa nhận; "
                                         "not_started: chưa nhận bước nào")
    acked_seq: int = Field(description="Bước cuối cùng hệ thống nhận đã xác nhận")
    pending: int = Field(description="Số bước chưa được xác nhận")
    last_acked_at: str | None = Field(None, description="Lần xác nhận gần nhất (UTC, ISO 8601)")
    last_label: str | None = Field(None, description="Bước gần nhất hệ thống nhận đã có")
    first_attempt_at: str | None = Field(None, description="Lần gửi đầu tiên của bước đang chờ (UTC, ISO 8601)")


class DossierSyncStateOut(BaseModel):
    code: str
    seq: int = Field(description="Số bước xử lý của hồ sơ trên hoso")
    destinations: list[DestinationStateOut]


@route(bp, "/v1/dossiers/{code}/sync", "GET",
       summary="Tình trạng đồng bộ hồ sơ tới Cổng DVCQG, hệ thống điều phối và hệ thống cấp tỉnh (FR-31)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: DossierSyncStateOut}, errors=(404,))
def get_dossier_sync(code: str) -> Any:
    dossier = service.visible_dossier(code, current_principal().profile)
    cursors = sync_store.cursors(code)
    entries = sync_store.ledger(code)
    out = []
    for destination in DESTINATIONS:
        cursor = cursors.get(destination, sync_store.Cursor(destination))
        acked = [e for e in entries if e.destination == destination and e.seq <= cursor.acked]
        last = max(acked, key=lambda e: (e.seq, e.last_acked_at), default=None)
        pending = max(0, dossier.seq - cursor.acked)
        state: SyncState = "synced" if pending == 0 else ("pending" if cursor.acked else "not_started")
        out.append(DestinationStateOut(
            destination=destination,  # type: ignore[arg-type]
            name=DESTINATION_NAMES[destination], state=state, acked_seq=cursor.acked, pending=pending,
            last_acked_at=last.last_acked_at if last else None, last_label=last.label if last else None,
            first_attempt_at=cursor.first_attempt_at if pending else None,
        ))
    return json_response(200, DossierSyncStateOut(code=code, seq=dossier.seq, destinations=out).model_dump())


PREVIEW_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
PREVIEW_MAX_BYTES = 3 * 1024 * 1024  # base64 of it stays well under a Lambda answer's 6 MB


class DocumentPreviewOut(BaseModel):
    name: str
    content_type: str
    size: int
    content_base64: str = Field(description="Nội dung tệp (base64) để hiển thị ngay trên trang")


@route(bp, "/v1/dossiers/{code}/documents/{doc_id}/preview", "GET",
       summary="Nội dung tài liệu (PDF, ảnh) để xem trước trên trang hồ sơ", access=Access.OFFICER, roles=ROLES,
       tags=TAGS, responses={200: DocumentPreviewOut}, errors=(404, 409))
def get_document_preview(code: str, doc_id: str) -> Any:
    dossier = service.visible_dossier(code, current_principal().profile)
    ref = next((d for d in dossier.documents if d.id == doc_id and not d.deleted), None)
    if ref is None:
        raise not_found("Không tìm thấy tài liệu của hồ sơ.")
    if ref.content_type not in PREVIEW_TYPES:
        raise HosoError("PREVIEW_UNAVAILABLE", "Chỉ xem trước được tệp PDF và ảnh PNG, JPEG; vui lòng tải tệp xuống.",
                        409)
    if ref.size > PREVIEW_MAX_BYTES:
        raise HosoError("PREVIEW_UNAVAILABLE", "Tệp quá lớn để xem trước (trên 3 MB); vui lòng tải tệp xuống.", 409)
    content = docstore.get_bytes(docstore.bucket_of(ref), ref.s3_key)
    if hashlib.sha256(content).hexdigest() != ref.sha256:
        logger.error("stored document does not match its recorded hash", extra={"code": code, "doc_id": doc_id})
        raise HosoError("DOCUMENT_INTEGRITY", "Tệp lưu trữ không khớp giá trị băm đã ghi nhận.", 409)
    return json_response(200, DocumentPreviewOut(
        name=ref.name, content_type=ref.content_type, size=len(content),
        content_base64=base64.b64encode(content).decode("ascii"),
    ).model_dump())
