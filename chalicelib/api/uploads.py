"""Attachments through presigned uploads (FR-12.1): the browser posts the file straight to
S3; the Object Created event checks it; then the officer attaches it to a dossier."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Line
from chalicelib.auth.caller import current_principal
from chalicelib.documents import digitise
from chalicelib.domain.dossier import Actor, DocumentRef
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.errors import HosoError, not_found
from chalicelib.services import dossiers as service
from chalicelib.settings import get_settings
from chalicelib.store import uploads

bp = Blueprint(__name__)
TAGS = ("Tài liệu",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)


class UploadIn(BaseModel):
    file_name: Line = Field(min_length=1, max_length=255, description="Tên tệp hiển thị")
    model_config = {"extra": "forbid"}


class UploadOut(BaseModel):
    upload: uploads.Upload
    post: dict[str, Any] | None = Field(None, description="URL và các trường của biểu mẫu POST lên S3 (15 phút)")


class AttachUploadIn(BaseModel):
    upload_id: str = Field(min_length=32, max_length=32)
    component_code: str = Field("", max_length=100, description="Mã thành phần hồ sơ")
    name: Line | None = Field(None, max_length=255)
    model_config = {"extra": "forbid"}


@route(bp, "/v1/uploads", "POST", summary="Bắt đầu tải tệp lên (URL ký sẵn, tối đa 10 MB)", access=Access.OFFICER,
       roles=ROLES, tags=TAGS, request=UploadIn, responses={201: UploadOut})
def start_upload() -> Any:
    _, payload = read_json(bp, 4096)
    body: UploadIn = parse_model(UploadIn, payload)
    upload, post = uploads.start(get_settings().attachments_bucket, current_principal().sub, body.file_name,
                                 service.now())
    return json_response(201, UploadOut(upload=upload, post=post).model_dump(mode="json"))


def _own_upload(upload_id: str) -> uploads.Upload:
    upload = uploads.get(upload_id)
    if upload is None or upload.owner != current_principal().sub:
        raise not_found("Không tìm thấy tệp tải lên.")
    return upload


@route(bp, "/v1/uploads/{upload_id}", "GET", summary="Trạng thái kiểm tra tệp đã tải lên", access=Access.OFFICER,
       roles=ROLES, tags=TAGS, responses={200: UploadOut}, errors=(404,))
def get_upload(upload_id: str) -> Any:
    return json_response(200, UploadOut(upload=_own_upload(upload_id)).model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/documents", "POST", summary="Đính kèm tệp đã kiểm tra vào hồ sơ",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, request=AttachUploadIn, responses={201: None},
       errors=(404, 409, 422))
def attach(code: str) -> Any:
    _, payload = read_json(bp, 4096)
    body: AttachUploadIn = parse_model(AttachUploadIn, payload)
    officer = current_principal().profile
    dossier = service.visible_dossier(code, officer)
    upload = _own_upload(body.upload_id)
    if upload.status != "ready" or not upload.checked_key:
        raise HosoError("UPLOAD_NOT_READY", "Tệp chưa được kiểm tra xong hoặc đã bị từ chối.", 409,
                        extra={"status": upload.status})
    if any(d.id == upload.id for d in dossier.documents):
        raise HosoError("ALREADY_ATTACHED", "Tệp đã được đính kèm vào hồ sơ.", 409)
    document = DocumentRef(id=upload.id, name=body.name or upload.file_name, component_code=body.component_code,
                           s3_key=upload.checked_key, sha256=upload.sha256 or "",
                           content_type=upload.content_type or "",
                           size=upload.size or 0)
    role = sorted(officer.roles_in(dossier.unit_code))[0].value
    service.record(code, actor=Actor(sub=officer.sub, name=officer.name, role=role, unit_code=dossier.unit_code),
                   action="attach_document", label="Đính kèm tài liệu", note=document.name,
                   change=lambda d: {"documents": [*d.documents, document]}, expected_version=dossier.version)
    return json_response(201, document.model_dump())


@route(bp, "/v1/dossiers/{code}/documents/{doc_id}/digitise", "POST",
       summary="Số hóa bản quét một thành phần hồ sơ giấy: ký số (PAdES) thành bản số hóa có chứng thực (FR-5, FR-15)",
       access=Access.OFFICER, roles=("desk", "appraiser"), tags=TAGS, responses={201: DocumentRef},
       errors=(403, 404, 409, 502))
def digitise_document(code: str, doc_id: str) -> Any:
    ref = digitise.digitise(code, doc_id, current_principal().profile)
    return json_response(201, ref.model_dump())
