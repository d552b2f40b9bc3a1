"""Fees through the central payment platform (SPEC §7.4): request a payment, the platform's
signed result callback, the payments of a dossier."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.documents import lookup
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.payments import service as payments
from chalicelib.payments.service import Payment

bp = Blueprint(__name__)
TAGS = ("Phí, lệ phí",)


class PaymentIn(BaseModel):
    fee_codes: list[str] | None = Field(None, max_length=20,
                                        description="Các khoản cần nộp; mặc định: mọi khoản chưa nộp")
    model_config = {"extra": "forbid"}


class CashIn(BaseModel):
    amount: int = Field(ge=0, le=10**12, description="Số tiền đã thu (đồng): phải bằng tổng phí, lệ phí phải nộp")
    receipt_number: str = Field(max_length=50, description="Số biên lai thu tiền")
    receipt_symbol: str = Field("", max_length=50, description="Ký hiệu biên lai")
    model_config = {"extra": "forbid"}


class OpenPaymentsOut(BaseModel):
    open: list[Payment] = Field(description="Các yêu cầu thanh toán đang chờ kết quả (mỗi khoản phí "
                                                    "có nhiều nhất một yêu cầu)")
    payments: list[Payment] = Field(description="Mọi khoản thanh toán của hồ sơ, mới nhất trước: trạng "
                                                        "thái, biên lai")


class PaymentCallbackOut(BaseModel):
    MaLoi: str
    MoTaLoi: str


@route(bp, "/v1/dossiers/{code}/payments", "POST",
       summary="Gửi yêu cầu thanh toán phí, lệ phí qua Cổng thanh toán tập trung (hồ sơ ở trạng thái 6); "
               "yêu cầu đang chờ cho đúng các khoản này được trả lại (200), không tạo yêu cầu thứ hai; "
               "đang chờ cho một phần các khoản: 409 PAYMENT_PENDING",
       access=Access.OFFICER, roles=("desk", "appraiser", "head"), tags=TAGS, request=PaymentIn,
       responses={201: payments.Payment, 200: payments.Payment}, errors=(403, 404, 409, 422, 502))
def request_payment(code: str) -> Any:
    raw = bp.current_request.raw_body or b""
    payload = read_json(bp, 16 * 1024)[1] if raw.strip() else {}
    body = parse_model(PaymentIn, payload)
    payment, created = payments.request_payment(code, current_principal().profile, body.fee_codes)
    return json_response(201 if created else 200, payment.model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/payments", "GET",
       summary="Thanh toán của hồ sơ: các yêu cầu đang chờ kết quả và mọi khoản đã nộp (biên lai)",
       access=Access.OFFICER, roles=tuple(r.value for r in PROCESSING_ROLES), tags=TAGS,
       responses={200: OpenPaymentsOut}, errors=(404,))
def open_payments(code: str) -> Any:
    officer = current_principal().profile
    found, every = payments.open_requests(code, officer), payments.dossier_payments(code, officer)
    return json_response(200, {"open": [p.model_dump(mode="json") for p in found],
                               "payments": [p.model_dump(mode="json") for p in every]})


@route(bp, "/v1/dossiers/{code}/payments/cash", "POST",
       summary="Ghi nhận nộp phí, lệ phí bằng tiền mặt tại Bộ phận Một cửa (hồ sơ ở trạng thái 6): số tiền bằng "
               "tổng phí, lệ phí phải nộp theo danh mục, số biên lai bắt buộc",
       access=Access.OFFICER, roles=("desk",), tags=TAGS, request=CashIn, responses={201: payments.Payment},
       errors=(403, 404, 409, 422))
def pay_cash(code: str) -> Any:
    body: CashIn = parse_model(CashIn, read_json(bp, 4 * 1024)[1])
    payment = payments.pay_cash(code, current_principal().profile, body.amount, body.receipt_number,
                                body.receipt_symbol)
    return json_response(201, payment.model_dump(mode="json"))


@route(bp, "/v1/payments/callback", "POST",
       summary="Cổng thanh toán báo kết quả giao dịch (xác thực bằng MaXacThuc)", access=Access.PUBLIC, tags=TAGS,
       responses={200: PaymentCallbackOut}, errors=(400, 401, 404, 409))
def payment_callback() -> Any:
    _, body = read_json(bp, 16 * 1024)
    if not isinstance(body, dict):
        return json_response(400, {"MaLoi": "01", "MoTaLoi": "Dữ liệu không hợp lệ"})
    try:
        payments.handle_callback(body, lookup.client_ip(bp.current_request.context))
    except payments.CallbackRefused as refused:
        return json_response(refused.status, {"MaLoi": refused.code, "MoTaLoi": refused.message})
    return json_response(200, {"MaLoi": "00", "MoTaLoi": "Đã nhận kết quả giao dịch"})
