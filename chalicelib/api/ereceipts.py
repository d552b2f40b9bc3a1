"""E-receipts (biên lai điện tử, SPEC §7.8): a dossier's receipts, their files, cancel and
replace with a reason, and the daily reconciliation's flagged list."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.ereceipts import service as receipts
from chalicelib.ereceipts.records import Receipt
from chalicelib.errors import not_found

bp = Blueprint(__name__)
TAGS = ("Phí, lệ phí",)
READERS = tuple(r.value for r in PROCESSING_ROLES)


class ReceiptsOut(BaseModel):
    receipts: list[Receipt] = Field(description="Biên lai điện tử của hồ sơ, mới nhất trước")


class ReasonIn(BaseModel):
    reason: str = Field(max_length=500, description="Lý do huỷ (5–500 ký tự)")
    model_config = {"extra": "forbid",
                    "json_schema_extra": {"examples": [{"reason": "Thu nhầm, người nộp đã được hoàn tiền"}]}}


class ReplaceIn(BaseModel):
    reason: str = Field(max_length=500, description="Lý do thay thế (5–500 ký tự)")
    payer_name: str | None = Field(None, max_length=200, description="Tên người nộp đã sửa (nếu cần)")
    payer_address: str | None = Field(None, max_length=300, description="Địa chỉ người nộp đã sửa (nếu cần)")
    model_config = {"extra": "forbid", "json_schema_extra": {"examples": [
        {"reason": "Sai tên người nộp trên biên lai", "payer_name": "Nguyễn Văn An"}]}}


class FileLink(BaseModel):
    url: str
    expires_in: int = Field(description="Số giây link còn hiệu lực")
    name: str


class FlagsOut(BaseModel):
    flags: list[receipts.Flag] = Field(description="Sai lệch giữa biên lai và thanh toán do đối soát hằng ngày "
                                                   "phát hiện, ngày mới nhất trước")


@route(bp, "/v1/dossiers/{code}/receipts", "GET",
       summary="Biên lai điện tử của hồ sơ: số, mẫu số, ký hiệu, ngày, số tiền, trạng thái, biên lai thay thế",
       access=Access.OFFICER, roles=READERS, tags=TAGS, responses={200: ReceiptsOut}, errors=(404,))
def list_receipts(code: str) -> Any:
    found = receipts.of_dossier(code, current_principal().profile)
    return json_response(200, {"receipts": [r.model_dump(mode="json") for r in found]})


@route(bp, "/v1/dossiers/{code}/receipts/{receipt_id}/file/{kind}", "GET",
       summary="Link tải (in) biên lai điện tử: kind pdf (bản thể hiện) hoặc xml (dữ liệu gốc của nhà cung cấp)",
       access=Access.OFFICER, roles=READERS, tags=TAGS, responses={200: FileLink}, errors=(404,))
def receipt_file(code: str, receipt_id: str, kind: str) -> Any:
    if kind not in ("pdf", "xml"):
        raise not_found("Không có loại tệp này (pdf hoặc xml).")
    return json_response(200, receipts.file_link(code, receipt_id, current_principal().profile, kind))


@route(bp, "/v1/dossiers/{code}/receipts/{receipt_id}/cancel", "POST",
       summary="Huỷ biên lai điện tử đã phát hành, có lý do (cán bộ một cửa hoặc lãnh đạo phòng của đơn vị)",
       access=Access.OFFICER, roles=("desk", "head"), tags=TAGS, request=ReasonIn, responses={200: Receipt},
       errors=(403, 404, 409, 422, 502))
def cancel_receipt(code: str, receipt_id: str) -> Any:
    body: ReasonIn = parse_model(ReasonIn, read_json(bp, 4 * 1024)[1])
    done = receipts.cancel(code, receipt_id, current_principal().profile, body.reason)
    return json_response(200, done.model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/receipts/{receipt_id}/replace", "POST",
       summary="Thay thế biên lai điện tử đã phát hành, có lý do: biên lai thay thế (liên kết với biên lai gốc) "
               "được phát hành qua nhà cung cấp ngay sau đó",
       access=Access.OFFICER, roles=("desk", "head"), tags=TAGS, request=ReplaceIn, responses={202: Receipt},
       errors=(403, 404, 409, 422))
def replace_receipt(code: str, receipt_id: str) -> Any:
    body: ReplaceIn = parse_model(ReplaceIn, read_json(bp, 4 * 1024)[1])
    new = receipts.replace(code, receipt_id, current_principal().profile, body.reason, body.payer_name,
                           body.payer_address)
    return json_response(202, new.model_dump(mode="json"))


def _flags(scope: Literal["officer", "operator"]) -> Any:
    officer = current_principal().profile if scope == "officer" else None
    return json_response(200, {"flags": [f.model_dump(mode="json") for f in receipts.flags(officer)]})


@route(bp, "/v1/receipts/flagged", "GET",
       summary="Sai lệch biên lai — thanh toán của các đơn vị của cán bộ (đối soát hằng ngày)",
       access=Access.OFFICER, roles=("desk", "head", "leader"), tags=TAGS, responses={200: FlagsOut})
def officer_flags() -> Any:
    return _flags("officer")


@route(bp, "/v1/ops/receipts/flagged", "GET",
       summary="Sai lệch biên lai — thanh toán của mọi đơn vị (đối soát hằng ngày; vận hành)",
       access=Access.OPERATOR, tags=TAGS, responses={200: FlagsOut})
def operator_flags() -> Any:
    return _flags("operator")
