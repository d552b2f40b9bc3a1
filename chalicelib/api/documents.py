"""Results and documents API: issue and sign results (one or a batch), verify signatures,
short-lived download links, the FR-19 printed forms, and the trusted roots (FR-10, 11, 18, 19)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated, Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api import caller
from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Line
from chalicelib.auth.caller import current_principal
from chalicelib.documents import delivery, forms, lookup, trust
from chalicelib.documents import service as documents
from chalicelib.documents import store as docstore
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.errors import FieldError, HosoError, invalid, too_large

bp = Blueprint(__name__)
TAGS = ("Kết quả và tài liệu",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)
MAX_VERIFY_BYTES = 4 * 1024 * 1024  # base64 of it stays under API Gateway's 6 MB


def _body(model: type[BaseModel], max_bytes: int = 64 * 1024, optional: bool = False) -> Any:
    if optional and not (bp.current_request.raw_body or b"").strip():
        return model()
    _, payload = read_json(bp, max_bytes)
    return parse_model(model, payload)


class IssueIn(BaseModel):
    content: str = Field("", max_length=4000, description="Nội dung quyết định/kết luận in trong văn bản kết quả")
    fields: dict[str, Annotated[Line, Field(max_length=500)]] = Field(
        default_factory=dict, max_length=40,
        description="Giá trị cán bộ sửa của các trường trong mẫu (theo khóa của bản nháp), in thay giá trị của hồ sơ")
    model_config = {"extra": "forbid"}


class DraftField(BaseModel):
    key: str
    label: str
    value: str


class ResultDraft(BaseModel):
    template: str
    document_name: str
    title: str
    result_kind: str = Field(description="template | upload | none (theo thủ tục)")
    result_signed: bool
    sign_on_approval: bool
    fields: list[DraftField]


class UploadResultIn(BaseModel):
    upload_id: str = Field(min_length=32, max_length=32, description="Tệp PDF đã tải lên qua /v1/uploads")
    number: Line = Field(min_length=1, max_length=64, description="Số, ký hiệu ghi trên văn bản kết quả")
    issued_on: dt.date | None = Field(None, description="Ngày ban hành ghi trên văn bản (mặc định: hôm nay)")
    model_config = {"extra": "forbid"}


class SignIn(BaseModel):
    reason: str = Field("", max_length=500, description="Lý do ký (mặc định theo vai trò)")
    model_config = {"extra": "forbid"}


class BatchItem(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    doc_id: str = Field(min_length=1, max_length=64)


class BatchIn(BaseModel):
    items: list[BatchItem] = Field(min_length=1, max_length=20)
    reason: str = Field("", max_length=500)
    model_config = {"extra": "forbid"}


class VerifyIn(BaseModel):
    pdf_base64: str = Field(min_length=1, description="Tệp PDF đã ký, mã hóa base64")


class TrustRootIn(BaseModel):
    pem: str = Field(min_length=1, max_length=trust.MAX_PEM_CHARS)
    crl_urls: list[str] = Field(default_factory=list, max_length=trust.MAX_CRL_URLS,
                                description="Địa chỉ CRL công bố của CA (nơi duy nhất hoso lấy dữ liệu thu hồi)")
    model_config = {"extra": "forbid"}


class Link(BaseModel):
    url: str
    expires_in: int = Field(description="Số giây link còn hiệu lực")
    name: str
    sha256: str


class BatchOut(BaseModel):
    results: list[dict[str, Any]]
    signed: int
    failed: int


@route(bp, "/v1/dossiers/{code}/results", "POST", summary="Tạo văn bản kết quả từ mẫu của thủ tục (FR-18.1)",
       access=Access.OFFICER, roles=("appraiser", "head", "leader", "clerk"), tags=TAGS, request=IssueIn,
       responses={201: docstore.DocumentRecord}, errors=(403, 404, 409))
def issue_result(code: str) -> Any:
    body: IssueIn = _body(IssueIn, optional=True)
    record = documents.issue_result(code, current_principal().profile, body.content, body.fields)
    return json_response(201, record.model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/results/draft", "GET",
       summary="Bản nháp kết quả: mẫu của thủ tục với các trường điền sẵn từ hồ sơ (cán bộ sửa trước khi tạo)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: ResultDraft}, errors=(404,))
def result_draft(code: str) -> Any:
    return json_response(200, ResultDraft(**documents.draft_result(code, current_principal().profile)).model_dump())


@route(bp, "/v1/dossiers/{code}/results/upload", "POST",
       summary="Tải lên văn bản kết quả (PDF) với số, ký hiệu và ngày ghi trên văn bản",
       access=Access.OFFICER, roles=("appraiser", "head", "leader", "clerk"), tags=TAGS, request=UploadResultIn,
       responses={201: docstore.DocumentRecord}, errors=(403, 404, 409, 422))
def upload_result(code: str) -> Any:
    body: UploadResultIn = _body(UploadResultIn)
    record = documents.upload_result(code, current_principal().profile, body.upload_id, body.number, body.issued_on)
    return json_response(201, record.model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/documents/{doc_id}/sign", "POST", summary="Ký số (PAdES) văn bản kết quả (FR-10)",
       access=Access.OFFICER, roles=("head", "leader", "clerk"), tags=TAGS, request=SignIn,
       responses={200: docstore.DocumentRecord}, errors=(403, 404, 409, 502))
def sign_document(code: str, doc_id: str) -> Any:
    body: SignIn = _body(SignIn, optional=True)
    record = documents.sign(code, doc_id, current_principal().profile, body.reason)
    return json_response(200, record.model_dump(mode="json"))


@route(bp, "/v1/documents/sign-batch", "POST", summary="Ký số nhiều hồ sơ một lần; kết quả từng hồ sơ (FR-16.3)",
       access=Access.OFFICER, roles=("head", "leader", "clerk"), tags=TAGS, request=BatchIn,
       responses={200: BatchOut}, errors=(422,))
def sign_batch() -> Any:
    body: BatchIn = _body(BatchIn)
    outcomes = documents.sign_batch([(i.code, i.doc_id) for i in body.items], current_principal().profile,
                                    body.reason)
    signed = sum(o.ok for o in outcomes)
    return json_response(200, BatchOut(results=[o.as_dict() for o in outcomes], signed=signed,
                                       failed=len(outcomes) - signed).model_dump())


@route(bp, "/v1/dossiers/{code}/documents/{doc_id}/verification", "GET",
       summary="Kiểm tra chữ ký số của văn bản kết quả lưu trữ", access=Access.OFFICER, roles=ROLES, tags=TAGS,
       errors=(404, 422))
def verify_stored(code: str, doc_id: str) -> Any:
    return json_response(200, documents.verify_document(code, doc_id, current_principal().profile))


@route(bp, "/v1/documents/verify", "POST", summary="Kiểm tra chữ ký số của một tệp PDF (cho mọi người có tệp)",
       access=Access.PUBLIC, tags=TAGS, request=VerifyIn, errors=(413, 422, 429))
def verify_upload() -> Any:
    lookup.enforce_limit(caller.client_address(bp.current_request.headers, bp.current_request.context))
    body: VerifyIn = _body(VerifyIn, max_bytes=MAX_VERIFY_BYTES * 4 // 3 + 1024)
    try:
        content = base64.b64decode(body.pdf_base64, validate=True)
    except (binascii.Error, ValueError):
        raise invalid([FieldError("pdf_base64", "Không phải base64 hợp lệ.")]) from None
    if len(content) > MAX_VERIFY_BYTES:
        raise too_large()
    return json_response(200, documents.verify_bytes(content).as_dict())


@route(bp, "/v1/dossiers/{code}/documents/{doc_id}/link", "GET",
       summary="Link tải tài liệu có thời hạn ngắn (5 phút)", access=Access.OFFICER, roles=ROLES, tags=TAGS,
       responses={200: Link}, errors=(404, 409))
def document_link(code: str, doc_id: str) -> Any:
    return json_response(200, documents.download_link(code, doc_id, current_principal().profile))


class FormOffer(BaseModel):
    form: str = Field(description="Mã biểu mẫu, dùng trong /v1/dossiers/{code}/forms/{form}")
    name: str
    offered: bool = Field(description="Hồ sơ đã đến bước có biểu mẫu này (in và in lại được)")
    why: str = Field(description="Vì sao được in, hoặc vì sao chưa/không được in")
    since: dt.datetime | None = Field(None, description="Thời điểm hồ sơ đến bước có biểu mẫu")


class FormOffers(BaseModel):
    items: list[FormOffer]


@route(bp, "/v1/dossiers/{code}/forms", "GET",
       summary="Các biểu mẫu FR-19 của hồ sơ: biểu mẫu nào in được ở bước hiện tại hoặc in lại, và vì sao",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: FormOffers}, errors=(404,))
def list_forms(code: str) -> Any:
    items = [FormOffer(**o.__dict__) for o in documents.form_offers(code, current_principal().profile)]
    return json_response(200, FormOffers(items=items).model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/forms/{form}", "GET",
       summary="In biểu mẫu (FR-19): tiep-nhan, yeu-cau-bo-sung, tu-choi, gia-han, xin-loi, kiem-soat, danh-gia, "
               "tra-ket-qua — trả link PDF; 409 FORM_NOT_AVAILABLE khi hồ sơ không có biểu mẫu đó",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: Link}, errors=(404, 409))
def print_form(code: str, form: str) -> Any:
    if form not in forms.FORMS:
        raise HosoError("UNKNOWN_FORM", f"Không có biểu mẫu này; chọn một trong: {', '.join(forms.FORMS)}.", 404)
    return json_response(200, documents.print_form(code, form, current_principal().profile))


@route(bp, "/v1/units/{unit_code}/forms/{form}", "GET",
       summary="In sổ, phiếu của đơn vị theo kỳ (FR-19): so-theo-doi (sổ theo dõi hồ sơ, tối đa 31 ngày), "
               "danh-gia-dinh-ky (phiếu đánh giá định kỳ, tối đa 92 ngày); tham số from, to (YYYY-MM-DD) — trả "
               "link PDF",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: Link}, errors=(403, 404, 422))
def print_register(unit_code: str, form: str) -> Any:
    if form not in forms.UNIT_FORMS:
        raise HosoError("UNKNOWN_FORM", f"Không có biểu mẫu này; chọn một trong: {', '.join(forms.UNIT_FORMS)}.",
                        404)
    params = bp.current_request.query_params or {}
    period: list[dt.date] = []
    errors = []
    for name in ("from", "to"):
        try:
            period.append(dt.date.fromisoformat(params.get(name, "")))
        except ValueError:
            errors.append(FieldError(name, "Ngày theo định dạng YYYY-MM-DD."))
    if errors:
        raise invalid(errors)
    return json_response(200, documents.print_register(unit_code, form, period[0], period[1],
                                                        current_principal().profile))


@route(bp, "/v1/dossiers/{code}/delivery", "POST",
       summary="Trả kết quả tại Bộ phận Một cửa: người nhận (hoặc người nhận thay có ủy quyền), biên lai, đối chiếu "
               "bản chính (FR-18)",
       access=Access.OFFICER, roles=("desk",), tags=TAGS, request=delivery.DeliveryIn,
       responses={200: delivery.DeliveryView}, errors=(403, 404, 409, 422))
def deliver_result(code: str) -> Any:
    body: delivery.DeliveryIn = _body(delivery.DeliveryIn, max_bytes=16 * 1024)
    return json_response(200, delivery.deliver_at_desk(code, current_principal().profile, body).model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/delivery", "GET",
       summary="Tình trạng trả kết quả: thời điểm hoàn thành, đúng/quá hạn, người nhận, biên lai, bưu gửi (FR-18.2)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: delivery.DeliveryView}, errors=(404,))
def delivery_status(code: str) -> Any:
    return json_response(200, delivery.view(code, current_principal().profile).model_dump(mode="json"))


@route(bp, "/v1/admin/trust-roots", "GET", summary="Danh sách chứng thư gốc được tin cậy", access=Access.ADMIN,
       roles=("admin",), tags=TAGS)
def list_trust_roots() -> Any:
    return json_response(200, {"items": [r.model_dump(mode="json", exclude={"pem"}) for r in trust.list_roots()]})


@route(bp, "/v1/admin/trust-roots", "POST", summary="Thêm chứng thư gốc được tin cậy (PEM)", access=Access.ADMIN,
       roles=("admin",), tags=TAGS, request=TrustRootIn, responses={201: None}, errors=(422,))
def add_trust_root() -> Any:
    body: TrustRootIn = _body(TrustRootIn)
    try:
        root = trust.add_root(body.pem, current_principal().profile.sub, body.crl_urls)
    except trust.InvalidCertificate as err:
        if "CRL" in str(err):
            raise invalid([FieldError("crl_urls", "Tối đa 4 địa chỉ CRL dạng http(s)://.")]) from None
        raise invalid([FieldError("pem", "Không phải chứng thư CA định dạng PEM.")]) from None
    return json_response(201, root.model_dump(mode="json", exclude={"pem"}))
