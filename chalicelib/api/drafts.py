"""Desk-intake helpers for one-stop officers (SPEC §5, FR-12.1): drafts saved and resumed
server-side, and auto-fill from the national population database."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, Field

from chalicelib.api.documents import Link
from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.documents import declaration
from chalicelib.errors import HosoError, bad_request, not_found
from chalicelib.kiosks import service as kiosks
from chalicelib.services import autofill as autofill_service
from chalicelib.services import drafts
from chalicelib.services.dossiers import now

bp = Blueprint(__name__)
TAGS = ("Tiếp nhận tại một cửa",)
DESK = ("desk",)


class DeclarationIn(BaseModel):
    """The eForm as typed so far; nothing of it is stored (the PDF only, behind a short-lived link)."""

    thu_tuc: str = Field(min_length=1, max_length=32, description="Mã thủ tục hành chính")
    don_vi: str = Field(min_length=1, max_length=32, description="Đơn vị tiếp nhận (Kính gửi)")
    nguoi_khai: str = Field("", max_length=200, description="Họ tên người khai (dưới chữ ký)")
    du_lieu: dict[str, Any] = Field(default_factory=dict, description="DuLieuBieuMau như trên màn hình tiếp nhận")

    model_config = {"extra": "forbid"}


class DraftList(BaseModel):
    items: list[drafts.DraftSummary]


class AutofillIn(BaseModel):
    """The personal number travels in the body, never in a URL (paths and queries end up in logs)."""

    so_dinh_danh: str = Field(min_length=1, max_length=32, description="Số định danh cá nhân (12 chữ số)")
    thu_tuc: str = Field(min_length=1, max_length=32, description="Mã thủ tục hành chính, ví dụ 1.001193")
    don_vi: str | None = Field(None, min_length=1, max_length=32,
                               description="Đơn vị tiếp nhận mà việc tra cứu phục vụ (bắt buộc nếu cán bộ là một cửa "
                                           "ở nhiều đơn vị)")
    ban_nhap: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                 description="Bản nháp hồ sơ đang tiếp nhận (ghi vào nhật ký truy cập)")
    ho_ten: str = Field("", max_length=200, description="Họ tên chủ hồ sơ đã nhập, để đối chiếu với CSDL dân cư")

    model_config = {"extra": "forbid"}


class AutofillOut(BaseModel):
    values: dict[str, Any] = Field(description="Giá trị theo đường dẫn trường biểu mẫu, ví dụ nguoi_yeu_cau.ho_ten")
    autofilled: list[str] = Field(description="Các trường được tự động điền (hiển thị dấu hiệu “tự động điền”)")
    source: str = Field(description="Nguồn dữ liệu: population (CSDL quốc gia về dân cư)")
    name_matches: bool | None = Field(None, description="Họ tên đã nhập có khớp với CSDL dân cư không (null: chưa "
                                                        "nhập họ tên)")


def _draft_not_found() -> HosoError:
    return not_found("Không tìm thấy bản nháp.")


@route(bp, "/v1/drafts/{draft_id}", "PUT", summary="Lưu bản nháp hồ sơ đang tiếp nhận (tạo mới hoặc ghi đè)",
       access=Access.OFFICER, roles=DESK, tags=TAGS, responses={200: drafts.Draft, 201: drafts.Draft},
       errors=(400, 409, 413))
def put_draft(draft_id: str) -> Any:
    if not drafts.valid_id(draft_id):
        raise bad_request("Mã bản nháp gồm 1–64 ký tự chữ, số, “-” hoặc “_”.", "INVALID_DRAFT_ID")
    _, payload = read_json(bp, drafts.MAX_DRAFT_BYTES)
    if not isinstance(payload, dict):
        raise bad_request("Bản nháp phải là một đối tượng JSON.", "INVALID_DRAFT")
    draft, created = drafts.save(current_principal().sub, draft_id, payload, now())
    return json_response(201 if created else 200, draft.model_dump(mode="json"))


@route(bp, "/v1/drafts", "GET", summary="Các bản nháp của tôi (lưu gần nhất trước), rồi tờ khai công dân khai trước "
                                             "tại ki-ốt chờ một cửa của đơn vị tôi tiếp nhận (source=kiosk)",
       access=Access.OFFICER, roles=DESK, tags=TAGS, responses={200: DraftList})
def list_drafts() -> Any:
    officer = current_principal()
    at = now()
    items = drafts.list_drafts(officer.sub, at) + kiosks.waiting_for_desk(officer.profile, at)
    return json_response(200, DraftList(items=items).model_dump(mode="json"))


@route(bp, "/v1/drafts/{draft_id}", "GET", summary="Mở lại một bản nháp", access=Access.OFFICER, roles=DESK,
       tags=TAGS, responses={200: drafts.Draft}, errors=(404,))
def get_draft(draft_id: str) -> Any:
    draft = drafts.get(current_principal().sub, draft_id, now())
    if draft is None:
        raise _draft_not_found()
    return json_response(200, draft.model_dump(mode="json"))


@route(bp, "/v1/drafts/{draft_id}", "DELETE", summary="Xóa bản nháp", access=Access.OFFICER, roles=DESK,
       tags=TAGS, responses={204: None}, errors=(404,))
def delete_draft(draft_id: str) -> Any:
    if not drafts.delete(current_principal().sub, draft_id, now()):
        raise _draft_not_found()
    return Response(body="", status_code=204)


@route(bp, "/v1/autofill/citizens", "POST",
       summary="Tự động điền biểu mẫu của thủ tục từ CSDL quốc gia về dân cư", access=Access.OFFICER, roles=DESK,
       tags=TAGS, request=AutofillIn, responses={200: AutofillOut}, errors=(403, 404, 429, 503))
def autofill_citizen() -> Any:
    _, payload = read_json(bp, 4096)
    body: AutofillIn = parse_model(AutofillIn, payload)
    # Who looked whom up is in the access log (chalicelib.privacy), never in the application logs.
    filled = autofill_service.autofill_at_desk(current_principal().profile, body.don_vi, body.ban_nhap,
                                               body.so_dinh_danh, body.thu_tuc, body.ho_ten)
    return json_response(200, AutofillOut(values=filled.values, autofilled=filled.autofilled,
                                          source=autofill_service.SOURCE,
                                          name_matches=filled.name_matches).model_dump(mode="json"))


@route(bp, "/v1/declarations", "POST",
       summary="In tờ khai của thủ tục theo mẫu pháp lý từ dữ liệu biểu mẫu đang nhập (trả link PDF)",
       access=Access.OFFICER, roles=DESK, tags=TAGS, request=DeclarationIn, responses={200: Link}, errors=(403, 404))
def print_declaration() -> Any:
    _, payload = read_json(bp, 256 * 1024)
    body: DeclarationIn = parse_model(DeclarationIn, payload)
    autofill_service.desk_unit(current_principal().profile, body.don_vi)  # a desk officer of that unit
    return json_response(200, declaration.print_declaration(body.thu_tuc, body.don_vi, body.du_lieu,
                                                            body.nguoi_khai.strip(), now().date()))
