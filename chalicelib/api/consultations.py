"""Consultation between units (xin ý kiến, FR-6, FR-15): the consulted unit's list, the request with
the documents shared with it, and its answer (chalicelib.services.consultations). The appraiser asks
and continues through the dossier's actions (``consult`` with ``consult_units``, ``consult_deadline``,
``consult_documents``; then the consultation step's ``record_opinion`` action: continue)."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.documents import Link
from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Text
from chalicelib.auth.caller import current_principal
from chalicelib.domain.dossier import Consultation
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.errors import bad_request
from chalicelib.services import consultations as service

bp = Blueprint(__name__)
TAGS = ("Xin ý kiến",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)
EXAMPLE_CONSULTATION: dict[str, Any] = {
    "id": "a1b2c3d4e5f6", "unit_code": "000.00.13.H29", "unit_name": "UBND Thành phố Hồ Chí Minh",
    "content": "Đề nghị cho ý kiến về tính hợp lệ của giấy tờ kèm theo.", "requested_by": "sub-appraiser",
    "requested_by_name": "Chuyên viên thụ lý", "requested_at": "2026-08-03T09:00:00+07:00",
    "due_at": "2026-08-06T09:00:00+07:00", "documents": ["d0c1d2"], "opinion": None,
}


class ConsultationListed(BaseModel):
    code: str = Field(description="Mã hồ sơ")
    asking_unit: str = Field(description="Đơn vị xin ý kiến (đơn vị giải quyết hồ sơ)")
    consultation: Consultation


class ConsultationPage(BaseModel):
    items: list[ConsultationListed]
    cursor: str | None = None


class SharedDocument(BaseModel):
    id: str
    name: str
    content_type: str
    size: int
    kind: str


class ConsultedView(BaseModel):
    code: str = Field(description="Mã hồ sơ")
    asking_unit: str
    asking_unit_name: str
    consultation: Consultation = Field(json_schema_extra={"example": dict(EXAMPLE_CONSULTATION)})
    documents: list[SharedDocument] = Field(description="Chỉ các tài liệu đơn vị xin ý kiến đã chọn chia sẻ, và tệp "
                                                        "của chính câu trả lời")


class OpinionIn(BaseModel):
    model_config = {"extra": "forbid", "json_schema_extra": {"example": {
        "opinion": "Giấy tờ hợp lệ, đề nghị tiếp tục giải quyết.", "attachments": []}}}

    opinion: Text = Field(min_length=1, max_length=4000,
                          description="Nội dung ý kiến (được lập thành văn bản và ký số)")
    attachments: list[Annotated[str, Field(max_length=32)]] = Field(
        default_factory=list, max_length=20, description="Tệp đã tải lên (POST /v1/uploads, đã kiểm tra) kèm ý kiến")


def _limit(params: dict[str, str]) -> int:
    try:
        return max(1, min(100, int(params.get("limit", "20"))))
    except ValueError:
        raise bad_request("Tham số limit không hợp lệ.", "INVALID_QUERY") from None


@route(bp, "/v1/units/{unit_code}/consultations", "GET",
       summary="Yêu cầu xin ý kiến gửi đến đơn vị: state=open (chờ trả lời, hạn gần nhất trước) hoặc done",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: ConsultationPage}, errors=(400, 403))
def unit_consultations(unit_code: str) -> Any:
    params: dict[str, str] = dict(bp.current_request.query_params or {})
    page = service.listing(unit_code, params.get("state", "open"), current_principal().profile, _limit(params),
                           params.get("cursor"))
    return json_response(200, ConsultationPage(
        items=[ConsultationListed(code=i.code, asking_unit=i.asking_unit, consultation=i.consultation)
               for i in page.items], cursor=page.cursor).model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/consultations/{consultation_id}", "GET",
       summary="Yêu cầu xin ý kiến, như đơn vị được hỏi thấy: nội dung, thời hạn và chỉ các tài liệu được chia sẻ",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: ConsultedView}, errors=(404,))
def get_consultation(code: str, consultation_id: str) -> Any:
    return json_response(200, service.view(code, consultation_id, current_principal().profile))


@route(bp, "/v1/dossiers/{code}/consultations/{consultation_id}/documents/{doc_id}/link", "GET",
       summary="Link tải (5 phút) một tài liệu được chia sẻ với đơn vị được xin ý kiến",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: Link}, errors=(404, 409))
def consultation_document_link(code: str, consultation_id: str, doc_id: str) -> Any:
    return json_response(200, service.document_link(code, consultation_id, doc_id, current_principal().profile))


@route(bp, "/v1/dossiers/{code}/consultations/{consultation_id}/opinion", "POST",
       summary="Đơn vị được hỏi trả lời: ý kiến (lập văn bản, ký số), tệp đính kèm",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, request=OpinionIn, responses={200: ConsultedView},
       errors=(403, 404, 409, 422, 502))
def post_opinion(code: str, consultation_id: str) -> Any:
    body: OpinionIn = parse_model(OpinionIn, read_json(bp, 64 * 1024)[1])
    return json_response(200, service.answer(code, consultation_id, current_principal().profile, body.opinion,
                                             body.attachments))
