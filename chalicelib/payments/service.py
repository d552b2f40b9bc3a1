"""Payment requests, the platform's callback and the daily reconciliation (see the package)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets as pysecrets
from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel, Field
from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.aws import client
from chalicelib.documents import http
from chalicelib.domain import engine
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Actor, Dossier, Fee
from chalicelib.domain.process import ActionKind
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DossierStatus
from chalicelib.errors import HosoError
from chalicelib.integrations import secrets
from chalicelib.observability import logger
from chalicelib.services import dossiers as dossier_service
from chalicelib.settings import get_settings
from chalicelib.store import catalogue
from chalicelib.store import dossiers as dossier_repo
from chalicelib.store.models import DossiersTable, Gsi1

INIT_MAC_FIELDS: Final = (
    "MaDoiTac", "MaThamChieu", "SoTien", "ThoiGianGD", "ThongTinBienLai.MaDichVu", "ThongTinBienLai.MaHoSo",
    "ThongTinBienLai.MaTTHC", "ThongTinBienLai.TKThuHuong", "ThongTinBienLai.MaNHThuHuong", "UrlCallback",
)
CALLBACK_MAC_FIELDS: Final = ("MaDoiTac", "MaThamChieu", "MaGiaoDich", "SoTien", "MaLoi", "ThoiGianThanhToan")
DATE_FORMAT: Final = "%Y%m%d%H%M%S"
SERVICE_PROCEDURE_FEES: Final = "2"  # MaDichVu: phí, lệ phí TTHC
PAYERS: Final = frozenset({Role.DESK, Role.APPRAISER, Role.HEAD})
PLATFORM_ACTOR_SUB: Final = "payment-platform"


class PaymentItem(DossiersTable):
    data = JSONAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_day = Gsi1()


class Payment(BaseModel):
    ref: str = Field(description="MaThamChieu")
    code: str = Field(description="Mã hồ sơ")
    amount: int
    fees: list[Fee]
    status: str = "pending"  # pending | paid | failed
    requested_at: dt.datetime
    requested_by: str
    payment_url: str = ""
    transaction_id: str | None = Field(None, description="MaGiaoDich của cổng thanh toán")
    result_code: str | None = Field(None, description="MaLoi")
    paid_at: dt.datetime | None = None


def _value(body: Mapping[str, Any], dotted: str) -> str:
    current: Any = body
    for part in dotted.split("."):
        current = current.get(part) if isinstance(current, Mapping) else None
    return current if isinstance(current, str) else ""


def mac(key: str, body: Mapping[str, Any], fields: tuple[str, ...]) -> str:
    message = "|".join(_value(body, f) for f in fields)
    return hmac.new(key.encode(), message.encode("utf-8"), hashlib.sha256).hexdigest()


def _config() -> dict[str, str]:
    value = secrets.get_json(get_settings().payment_hmac_secret_id)
    return {"key": str(value["key"]), "partner_code": str(value.get("partner_code", "HOSO")),
            "beneficiary_account": str(value.get("beneficiary_account", "0000000000")),
            "beneficiary_bank": str(value.get("beneficiary_bank", "KBNN"))}


def _save(payment: Payment, condition: Any = None) -> None:
    day = payment.requested_at.astimezone(VN_TZ).strftime("%Y%m%d")
    PaymentItem(pk=f"PAYMENT#{payment.ref}", sk="META", data=payment.model_dump(mode="json"),
                gsi1pk=f"PAYDAY#{day}", gsi1sk=payment.ref).save(condition=condition)


def get_payment(ref: str) -> Payment | None:
    try:
        return Payment.model_validate(PaymentItem.get(f"PAYMENT#{ref}", "META", consistent_read=True).data)
    except DoesNotExist:
        return None


def _unavailable() -> HosoError:
    return HosoError("PAYMENT_UNAVAILABLE", "Cổng thanh toán không phản hồi, vui lòng thử lại sau.", 502)


def request_payment(code: str, officer: OfficerProfile, fee_codes: list[str] | None = None) -> Payment:
    dossier = dossier_service.visible_dossier(code, officer)
    roles = officer.roles_in(dossier.unit_code) & PAYERS
    if not roles:
        raise HosoError("FORBIDDEN_ROLE", "Bạn không có vai trò yêu cầu nộp phí tại đơn vị của hồ sơ.", 403)
    if dossier.status != DossierStatus.AWAITING_PAYMENT:
        raise HosoError("NOT_AWAITING_PAYMENT", "Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính.", 409)
    fees = _fees_to_pay(dossier, fee_codes)
    if not fees:
        raise HosoError("NO_FEES", "Hồ sơ không có khoản phí, lệ phí nào phải nộp.", 409)
    config, settings, now = _config(), get_settings(), dossier_service.now()
    ref = f"HS{now:%y%m%d%H%M%S}{pysecrets.randbelow(10**6):06d}"
    body: dict[str, Any] = {
        "MaDoiTac": config["partner_code"], "MaThamChieu": ref, "SoTien": str(sum(f.amount for f in fees)),
        "ThoiGianGD": now.strftime(DATE_FORMAT),
        "ThongTinBienLai": {
            "MaDichVu": SERVICE_PROCEDURE_FEES, "MaHoSo": code, "MaTTHC": dossier.procedure_code,
            "TKThuHuong": config["beneficiary_account"], "MaNHThuHuong": config["beneficiary_bank"],
            "PhiLePhi": [{"MaPhiLePhi": f.code, "TenPhiLePhi": f.name, "SoTien": str(f.amount)} for f in fees],
        },
        "UrlCallback": f"{settings.public_base_url.rstrip('/')}/v1/payments/callback",
    }
    body["MaXacThuc"] = mac(config["key"], body, INIT_MAC_FIELDS)
    try:
        answer = http.post_json(f"{settings.payment_base_url.rstrip('/')}/v1/payments/init", body)
    except http.GatewayError:
        raise _unavailable() from None
    reply = answer.json() if answer.status < 500 else {}
    if answer.status != 200 or not isinstance(reply, dict) or reply.get("MaLoi") != "00":
        logger.warning("payment init refused", extra={"code": code, "status": answer.status,
                                                      "MaLoi": reply.get("MaLoi") if isinstance(reply, dict) else None})
        raise _unavailable() if answer.status >= 500 else HosoError(
            "PAYMENT_REFUSED", "Cổng thanh toán từ chối yêu cầu thanh toán.", 502)
    payment = Payment(ref=ref, code=code, amount=int(body["SoTien"]), fees=fees, requested_at=now,
                      requested_by=officer.sub, payment_url=str(reply.get("UrlThanhToan", "")))
    _save(payment)
    requested = {f.code for f in fees}
    dossier_service.record(
        code, actor=dossier_service.actor_for(officer, dossier.unit_code, sorted(roles)[0].value),
        action="payment_requested", label="Gửi yêu cầu thanh toán phí, lệ phí",
        note=f"Mã tham chiếu {ref}, số tiền {payment.amount} đồng",
        change=lambda d: {} if d.fees else {"fees": fees}, expected_version=dossier.version,
    )
    logger.info("payment requested", extra={"code": code, "ref": ref, "amount": payment.amount,
                                            "fees": sorted(requested)})
    return payment


def _fees_to_pay(dossier: Dossier, fee_codes: list[str] | None) -> list[Fee]:
    fees = dossier.fees
    if not fees:
        procedure = catalogue.get_procedure(dossier.procedure_code)
        fees = [Fee(code=f.code, name=f.name, amount=f.amount, kind=f.kind, collection=f.collected)
                for f in (procedure.fees if procedure else [])]
    unpaid = [f for f in fees if not f.paid]
    if fee_codes:
        unknown = set(fee_codes) - {f.code for f in unpaid}
        if unknown:
            raise HosoError("UNKNOWN_FEE", f"Không có khoản phí chưa nộp: {', '.join(sorted(unknown))}.", 422)
        unpaid = [f for f in unpaid if f.code in fee_codes]
    return unpaid


# --- the platform's callback -----------------------------------------------------------------
class CallbackRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _confirm_action(dossier: Dossier) -> str | None:
    process = dossier_service.process_of(dossier)
    step = process.step(dossier.step_id)
    return next((a.id for a in step.actions if a.kind is ActionKind.CONFIRM_PAYMENT), None)


def handle_callback(body: Mapping[str, Any], source_ip: str) -> Payment:
    """Verify and apply the platform's result callback; :class:`CallbackRefused` otherwise."""
    config = _config()
    given = _value(body, "MaXacThuc")
    expected = mac(config["key"], body, CALLBACK_MAC_FIELDS)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        logger.warning("forged payment callback refused", extra={"ref": _value(body, "MaThamChieu"),
                                                                 "source_ip": source_ip})
        raise CallbackRefused(401, "02", "Sai mã xác thực MaXacThuc")
    ref = _value(body, "MaThamChieu")
    payment = get_payment(ref)
    if payment is None:
        logger.warning("payment callback for an unknown reference", extra={"ref": ref})
        raise CallbackRefused(404, "04", "Không có giao dịch này")
    if _value(body, "SoTien") != str(payment.amount) or _value(body, "MaDoiTac") != config["partner_code"]:
        logger.warning("payment callback with another amount or partner refused", extra={"ref": ref})
        raise CallbackRefused(409, "05", "Số tiền hoặc mã đối tác không khớp giao dịch")
    if payment.status != "pending":
        return payment  # a redelivery: already applied
    paid = _value(body, "MaLoi") == "00"
    at = _parse_time(_value(body, "ThoiGianThanhToan")) or dossier_service.now()
    settled = payment.model_copy(update={"status": "paid" if paid else "failed",
                                         "transaction_id": _value(body, "MaGiaoDich"),
                                         "result_code": _value(body, "MaLoi"), "paid_at": at if paid else None})
    try:
        _save(settled, condition=PaymentItem.data == payment.model_dump(mode="json"))
    except PutError:
        return get_payment(ref) or settled  # a concurrent delivery applied it
    _apply(settled)
    return settled


def _parse_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=VN_TZ)
    except ValueError:
        return None


def _apply(payment: Payment) -> None:
    dossier = dossier_repo.get(payment.code)
    if dossier is None:
        return
    actor = Actor(sub=PLATFORM_ACTOR_SUB, name="Cổng thanh toán tập trung", role="system", unit_code=dossier.unit_code)
    if payment.status != "paid":
        dossier_service.record(payment.code, actor=actor, action="payment_failed", label="Thanh toán không thành công",
                               note=f"Mã tham chiếu {payment.ref}, mã lỗi {payment.result_code}")
        return
    paid_codes = {f.code for f in payment.fees}
    receipt = (f"Biên lai: mã giao dịch {payment.transaction_id}, mã tham chiếu {payment.ref}, số tiền "
               f"{payment.amount} đồng, thời gian {payment.paid_at:%d/%m/%Y %H:%M}")
    dossier_service.record(
        payment.code, actor=actor, action="payment_received", label="Đã thanh toán phí, lệ phí", note=receipt,
        change=lambda d: {"fees": [f.model_copy(update={"paid": True}) if f.code in paid_codes else f
                                   for f in (d.fees or payment.fees)]},
    )
    current = dossier_repo.get(payment.code)
    action = _confirm_action(current) if current and current.status == DossierStatus.AWAITING_PAYMENT else None
    if action is not None:
        dossier_service.system_act(payment.code, engine.ActionRequest(action_id=action, reason=receipt), actor)


# --- daily reconciliation --------------------------------------------------------------------
def reconcile(day: dt.date) -> dict[str, Any]:
    """Compare every payment started on ``day`` with the platform's state; store and answer the report."""
    settings = get_settings()
    rows, mismatches = [], []
    for item in PaymentItem.by_day.query(f"PAYDAY#{day:%Y%m%d}"):
        payment = Payment.model_validate(item.data)
        try:
            answer = http.call("GET", f"{settings.payment_base_url.rstrip('/')}/v1/payments/{payment.ref}")
            remote = answer.json() if answer.status in (200, 404) else {}
        except http.GatewayError:
            remote = {}
        remote_state = str(remote.get("TrangThai", "unknown" if not remote else "missing"))
        same = remote_state == payment.status and (payment.status != "paid"
                                                   or remote.get("MaGiaoDich") == payment.transaction_id)
        row = {"ref": payment.ref, "code": payment.code, "amount": payment.amount, "hoso": payment.status,
               "platform": remote_state, "transaction_id": payment.transaction_id, "matches": same}
        rows.append(row)
        if not same:
            mismatches.append(row)
    report = {"day": day.isoformat(), "count": len(rows), "paid_total": sum(r["amount"] for r in rows
                                                                            if r["hoso"] == "paid"),
              "mismatches": mismatches, "rows": rows}
    client("s3").put_object(Bucket=settings.attachments_bucket, Key=f"reports/payments/{day:%Y/%m/%d}.json",
                            Body=json.dumps(report, ensure_ascii=False).encode(), ContentType="application/json")
    if mismatches:
        logger.warning("payment reconciliation found differences", extra={"day": day.isoformat(),
                                                                           "mismatches": len(mismatches)})
    return report


def reconcile_yesterday(event: Any = None, context: Any = None) -> dict[str, Any]:
    """The daily schedule's entry point: yesterday in Vietnam's time zone."""
    return reconcile(dt.datetime.now(VN_TZ).date() - dt.timedelta(days=1))
