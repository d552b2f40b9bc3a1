"""E-data store API (FR-28/29): an officer reaches an owner's store only through a dossier of
that owner their unit is handling, and only the documents its procedure asks for (list, reuse a
document in the dossier); administrators see the storage and reuse statistics of any owner, and
answer a person's request "who accessed my data". Every read is in the access log
(:mod:`chalicelib.privacy`)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.domain.dossier import DocumentRef
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.edata import intake as edata_intake
from chalicelib.edata import model
from chalicelib.edata import service as edata
from chalicelib.privacy import model as access_model
from chalicelib.privacy import service as access_log

bp = Blueprint(__name__)
TAGS = ("Kho dữ liệu điện tử",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)
OWNER = r"^(\d{12}|\d{10}(-\d{3})?)$"


class AttachIn(BaseModel):
    doc_type: str = Field(min_length=1, max_length=64, description="Mã loại giấy tờ của giấy tờ trong kho")
    item_id: str = Field(pattern=r"^[0-9a-f]{20}$")
    component_code: str | None = Field(None, min_length=1, max_length=64,
                                       description="MaThanhPhanHoSo trong hồ sơ mới (mặc định: mã loại giấy tờ)")
    model_config = {"extra": "forbid"}


class OwnerIn(BaseModel):
    model_config = {"extra": "forbid"}

    owner: str = Field(pattern=OWNER, description="Số định danh cá nhân (12 số) hoặc mã số doanh nghiệp")


@route(bp, "/v1/dossiers/{code}/edata", "GET",
       summary="Kho dữ liệu điện tử của chủ hồ sơ: giấy tờ dùng lại được (loại thủ tục yêu cầu trước), hồ sơ bị từ "
               "chối, thống kê (FR-28/29)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: edata.OwnerStore}, errors=(404,))
def owner_store(code: str) -> Any:
    doc_type = (bp.current_request.query_params or {}).get("type") or None
    return json_response(200, edata.for_dossier(code, current_principal().profile, doc_type).model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/edata/attach", "POST",
       summary="Dùng lại một giấy tờ trong kho cho hồ sơ thay vì yêu cầu nộp lại (FR-29.1)",
       access=Access.OFFICER, roles=("desk", "appraiser", "head"), tags=TAGS, request=AttachIn,
       responses={201: DocumentRef}, errors=(403, 404, 409, 422))
def attach(code: str) -> Any:
    body = parse_model(AttachIn, read_json(bp, 4096)[1])
    ref = edata.attach(code, current_principal().profile, body.doc_type, body.item_id, body.component_code)
    return json_response(201, ref.model_dump(mode="json"))


class IntakeStoreIn(BaseModel):
    model_config = {"extra": "forbid"}

    don_vi: str = Field(min_length=1, max_length=32, description="Đơn vị tiếp nhận (cán bộ là cán bộ một cửa ở đó)")
    thu_tuc: str = Field(min_length=1, max_length=32, description="Mã thủ tục đang tiếp nhận")
    chu_ho_so: str = Field(pattern=OWNER, description="Số định danh cá nhân hoặc mã số doanh nghiệp của chủ hồ sơ "
                                                      "đang tiếp nhận (trong nội dung, không bao giờ trong đường dẫn)")


@route(bp, "/v1/edata/intake", "POST",
       summary="Khi tiếp nhận tại quầy: giấy tờ trong kho dữ liệu điện tử của chủ hồ sơ thuộc loại thủ tục yêu cầu, "
               "để dùng lại thay vì yêu cầu nộp lại (FR-29); ghi nhật ký truy cập, giới hạn số lần tra cứu",
       access=Access.OFFICER, roles=("desk",), tags=TAGS, request=IntakeStoreIn, responses={200: edata.OwnerStore},
       errors=(403, 404, 422, 429, 503))
def intake_store() -> Any:
    body = parse_model(IntakeStoreIn, read_json(bp, 4096)[1])
    store = edata_intake.for_intake(current_principal().profile, body.don_vi, body.thu_tuc, body.chu_ho_so)
    return json_response(200, store.model_dump(mode="json"))


@route(bp, "/v1/admin/edata/stats", "POST",
       summary="Thống kê lưu trữ và tái sử dụng giấy tờ của một tổ chức, cá nhân (FR-28.3, 28.5); số định danh "
               "hoặc mã số thuế trong nội dung yêu cầu, không bao giờ trong đường dẫn",
       access=Access.ADMIN, roles=("admin",), tags=TAGS, request=OwnerIn, responses={200: model.OwnerStats})
def owner_stats() -> Any:
    body = parse_model(OwnerIn, read_json(bp, 4096)[1])
    return json_response(200, edata.owner_stats(body.owner, current_principal().profile).model_dump(mode="json"))


class SubjectIn(BaseModel):
    model_config = {"extra": "forbid"}

    so_dinh_danh: str = Field(pattern=OWNER, description="Số định danh cá nhân (12 số) hoặc mã số doanh nghiệp của "
                                                         "chủ thể dữ liệu yêu cầu")


@route(bp, "/v1/admin/personal-data/accesses", "POST",
       summary="Ai đã truy cập dữ liệu cá nhân của một người (tra cứu CSDL dân cư, kho dữ liệu điện tử): trả lời yêu "
               "cầu của chủ thể dữ liệu. Quản trị cấp bộ thấy mọi lần truy cập, quản trị cấp tỉnh những lần trong tỉnh "
               "mình; chính lần tra cứu này cũng được ghi nhật ký",
       access=Access.ADMIN, tags=TAGS, request=SubjectIn, responses={200: access_model.AccessReport},
       errors=(403, 422, 503))
def personal_data_accesses() -> Any:
    body = parse_model(SubjectIn, read_json(bp, 4096)[1])
    report = access_log.accesses(current_principal().profile, body.so_dinh_danh)
    return json_response(200, report.model_dump(mode="json"))
