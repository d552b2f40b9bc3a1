"""DVCQG's later messages about a dossier it posted (SPEC §7.1) — signed like the first post,
idempotent by ``MaYeuCau`` — and the desk's answer to a citizen's withdrawal request."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Text
from chalicelib.auth.caller import current_principal
from chalicelib.domain import later_messages as rules
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.services import dossiers as dossier_service
from chalicelib.services import dvcqg_messages as messages

bp = Blueprint(__name__)
DVCQG_TAGS = ("Tích hợp DVCQG",)
TAGS = ("Hồ sơ",)


class MessageAccepted(BaseModel):
    error_code: int = Field(0, description="0 = thành công")
    message: str
    MaHoSo: str = Field(description="Mã số hồ sơ do hoso cấp")
    MaHoSoDVCQG: str
    MaYeuCau: str = Field(description="Mã yêu cầu của thông điệp (gửi lại cùng mã: cùng câu trả lời, mã 200)")
    TrangThaiHoSo: str = Field(description="Trạng thái hồ sơ sau thông điệp (1..10)")

    model_config = {"json_schema_extra": {"examples": [{
        "error_code": 0, "message": messages.ACCEPTED, "MaHoSo": "G22.99.01.M01-261207-0001",
        "MaHoSoDVCQG": "DVCQG-2026-000123", "MaYeuCau": "BS-2026-000123", "TrangThaiHoSo": "5"}]}}


def _signed(receive: Any, dvcqg_ref: str) -> Any:
    status, body = receive(dvcqg_ref, bp.current_request.raw_body or b"")  # size and signature: the wrapper
    return json_response(status, body)


_ERRORS = (401, 404, 409, 413, 422)


@route(bp, "/v1/dvcqg/dossiers/{dvcqg_ref}/supplements", "POST",
       summary="Cổng DVCQG gửi hồ sơ bổ sung của công dân (ký HMAC; chỉ khi hồ sơ đang chờ bổ sung): vào danh sách "
               "“đã bổ sung” của Bộ phận Một cửa",
       access=Access.DVCQG_HMAC, tags=DVCQG_TAGS, request=rules.SupplementIn,
       responses={201: MessageAccepted, 200: MessageAccepted}, errors=_ERRORS)
def post_supplement(dvcqg_ref: str) -> Any:
    return _signed(messages.receive_supplement, dvcqg_ref)


@route(bp, "/v1/dvcqg/dossiers/{dvcqg_ref}/withdrawal", "POST",
       summary="Cổng DVCQG gửi yêu cầu rút hồ sơ của công dân (ký HMAC): chờ Bộ phận Một cửa xác nhận hoặc từ chối",
       access=Access.DVCQG_HMAC, tags=DVCQG_TAGS, request=rules.WithdrawalIn,
       responses={201: MessageAccepted, 200: MessageAccepted}, errors=_ERRORS)
def post_withdrawal(dvcqg_ref: str) -> Any:
    return _signed(messages.receive_withdrawal, dvcqg_ref)


@route(bp, "/v1/dvcqg/dossiers/{dvcqg_ref}/payments", "POST",
       summary="Cổng DVCQG báo phí, lệ phí công dân đã nộp trên trang thanh toán của DVCQG (ký HMAC; đối chiếu "
               "với Cổng thanh toán trước khi ghi nhận)",
       access=Access.DVCQG_HMAC, tags=DVCQG_TAGS, request=rules.DvcqgPaymentIn,
       responses={201: MessageAccepted, 200: MessageAccepted}, errors=(*_ERRORS, 502))
def post_payment(dvcqg_ref: str) -> Any:
    return _signed(messages.receive_payment, dvcqg_ref)


class WithdrawalDecisionIn(BaseModel):
    decision: Literal["confirm", "refuse"] = Field(description="confirm: rút hồ sơ; refuse: từ chối (cần lý do)")
    reason: Text = Field("", max_length=2000, description="Lý do từ chối")

    model_config = {"extra": "forbid", "json_schema_extra": {"examples": [
        {"decision": "confirm"}, {"decision": "refuse", "reason": "Hồ sơ đã có kết quả, không thể rút."}]}}


class WithdrawalDecisionOut(BaseModel):
    dossier: Dossier


@route(bp, "/v1/dossiers/{code}/withdrawal-request", "POST",
       summary="Bộ phận Một cửa xác nhận (hồ sơ chuyển “Công dân yêu cầu rút hồ sơ”) hoặc từ chối, có lý do, yêu cầu "
               "rút hồ sơ công dân gửi trên Cổng DVCQG; kết quả được đồng bộ lên DVCQG",
       access=Access.OFFICER, roles=("desk",), tags=TAGS, request=WithdrawalDecisionIn,
       responses={200: WithdrawalDecisionOut}, errors=(403, 404, 409, 422))
def decide_withdrawal(code: str) -> Any:
    body: WithdrawalDecisionIn = parse_model(WithdrawalDecisionIn, read_json(bp, 8 * 1024)[1])
    dossier = messages.decide_withdrawal(code, current_principal().profile, confirm=body.decision == "confirm",
                                         reason=body.reason)
    return json_response(200, {"dossier": dossier.model_dump(mode="json")})


class DvcqgRequestsOut(BaseModel):
    withdrawals: list[Dossier] = Field(description="Hồ sơ có yêu cầu rút chờ xác nhận, yêu cầu cũ nhất trước")
    supplemented: list[Dossier] = Field(description="Hồ sơ công dân đã bổ sung trên DVCQG, chờ tiếp nhận bổ sung")


@route(bp, "/v1/units/{unit_code}/dvcqg-requests", "GET",
       summary="Việc từ Cổng DVCQG chờ Bộ phận Một cửa: yêu cầu rút hồ sơ, hồ sơ đã bổ sung trực tuyến",
       access=Access.OFFICER, roles=tuple(r.value for r in PROCESSING_ROLES), tags=TAGS,
       responses={200: DvcqgRequestsOut}, errors=(403,))
def dvcqg_requests(unit_code: str) -> Any:
    officer = current_principal().profile
    dossier_service.require_unit(officer, unit_code)
    return json_response(200, {
        "withdrawals": [d.model_dump(mode="json") for d in messages.pending_withdrawals(unit_code, officer)],
        "supplemented": [d.model_dump(mode="json") for d in messages.supplemented_online(unit_code, officer)],
    })
