"""Payment requests, the platform's callback and the daily reconciliation (see the package)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import json
import secrets as pysecrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, Field
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import outbound
from chalicelib.aws import client
from chalicelib.domain import engine
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Actor, AuditEvent, Dossier, Fee
from chalicelib.domain.identifiers import control_characters
from chalicelib.domain.process import ActionKind
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DossierStatus
from chalicelib.ereceipts import records as receipts
from chalicelib.ereceipts import service as receipt_service
from chalicelib.errors import FieldError, HosoError, conflict, not_found
from chalicelib.integrations import secrets
from chalicelib.jobs.runner import Page, Task, drain, start
from chalicelib.observability import logger
from chalicelib.services import dossiers as dossier_service
from chalicelib.settings import get_settings
from chalicelib.store import catalogue
from chalicelib.store import dossiers as dossier_repo
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import DossiersTable, Gsi1, batch_fetch, transaction_connection

INIT_MAC_FIELDS: Final = (
    "MaDoiTac", "MaThamChieu", "SoTien", "ThoiGianGD", "ThongTinBienLai.MaDichVu", "ThongTinBienLai.MaHoSo",
    "ThongTinBienLai.MaTTHC", "ThongTinBienLai.TKThuHuong", "ThongTinBienLai.MaNHThuHuong", "UrlCallback",
)
CALLBACK_MAC_FIELDS: Final = ("MaDoiTac", "MaThamChieu", "MaGiaoDich", "SoTien", "MaLoi", "ThoiGianThanhToan")
DATE_FORMAT: Final = "%Y%m%d%H%M%S"
SERVICE_PROCEDURE_FEES: Final = "2"  # MaDichVu: phí, lệ phí TTHC
PAYERS: Final = frozenset({Role.DESK, Role.APPRAISER, Role.HEAD})
PLATFORM_ACTOR_SUB: Final = "payment-platform"
FEE_LOCK_PREFIX: Final = "PAYFEE#"
REQUEST_PREFIX: Final = "PAYREQ#"  # DOSSIER#<code> / PAYREQ#<ref>: the dossier's payments, listed with one Query
CASH_TAKERS: Final = frozenset({Role.DESK})  # cash is taken at the one-stop desk only
WRITE_ATTEMPTS: Final = 5  # a use case meeting a concurrent change of the dossier reads again and retries


class PaymentItem(DossiersTable):
    data = JSONAttribute()
    init = JSONAttribute(null=True)  # the init request as first built: a retry re-sends it unchanged
    rev = NumberAttribute(null=True)  # bumped by every write; each write is conditional on it
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_day = Gsi1()


class FeeLockItem(DossiersTable):
    """``DOSSIER#<code>`` / ``PAYFEE#<fee code>``: ``ref`` is the fee's open payment request
    (absent when none) — taken when a request is reserved, released in the same transaction
    as the request's result, so a fee never has two open requests."""

    ref = UnicodeAttribute(null=True)


class PaymentPointer(DossiersTable):
    """``DOSSIER#<code>`` / ``PAYREQ#<ref>``: one of the dossier's payments (written with the payment)."""


class Payment(BaseModel):
    ref: str = Field(description="MaThamChieu (trực tuyến) hoặc mã ghi nhận nộp tiền mặt")
    code: str = Field(description="Mã hồ sơ")
    amount: int
    fees: list[Fee]
    method: Literal["online", "cash"] = Field("online", description="online: qua Cổng thanh toán; cash: tiền mặt "
                                                                       "tại Bộ phận Một cửa")
    status: str = "pending"  # pending | paid | failed | refused (the platform refused the request)
    requested_at: dt.datetime
    requested_by: str
    payment_url: str = ""
    initiated: bool = Field(True, description="Cổng thanh toán đã nhận yêu cầu (có đường dẫn thanh toán)")
    applied: bool = Field(False, description="Kết quả đã được ghi vào hồ sơ")
    duplicate: bool = Field(False, description="Thanh toán cho khoản phí đã nộp trước đó (nộp trùng)")
    transaction_id: str | None = Field(None, description="MaGiaoDich của cổng thanh toán")
    result_code: str | None = Field(None, description="MaLoi")
    paid_at: dt.datetime | None = None
    receipt_number: str | None = Field(None, description="Số biên lai (điện tử: do cổng thanh toán cấp; tiền mặt: "
                                                          "biên lai giấy của Bộ phận Một cửa)")
    receipt_symbol: str | None = Field(None, description="Ký hiệu biên lai")
    receipt_url: str | None = Field(None, description="Đường dẫn biên lai điện tử trên cổng thanh toán")


@dataclass(frozen=True)
class Stored:
    payment: Payment
    rev: int
    init: dict[str, Any] | None


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


def _item(payment: Payment, rev: int, init: dict[str, Any] | None) -> PaymentItem:
    day = payment.requested_at.astimezone(VN_TZ).strftime("%Y%m%d")
    return PaymentItem(pk=f"PAYMENT#{payment.ref}", sk="META", data=payment.model_dump(mode="json"), init=init,
                       rev=rev, gsi1pk=f"PAYDAY#{day}", gsi1sk=payment.ref)


def _unchanged(rev: int) -> Any:
    """The record is still the one read (``rev``; records written before ``rev`` existed have none)."""
    return PaymentItem.rev == rev if rev else PaymentItem.rev.does_not_exist()


def _put(tx: TransactWrite, stored: Stored, payment: Payment) -> None:
    """``payment`` replaces ``stored`` in ``tx``, if nobody wrote the record since it was read."""
    tx.save(_item(payment, stored.rev + 1, stored.init), condition=_unchanged(stored.rev))


def _save(payment: Payment) -> None:
    """Write a record outright (tests and data repair; use cases write conditionally)."""
    _item(payment, 1, None).save()


def _load(ref: str) -> Stored | None:
    try:
        item = PaymentItem.get(f"PAYMENT#{ref}", "META", consistent_read=True)
    except DoesNotExist:
        return None
    return Stored(Payment.model_validate(item.data), int(item.rev or 0), item.init)


def get_payment(ref: str) -> Payment | None:
    stored = _load(ref)
    return stored.payment if stored else None


def _lock(code: str, fee_code: str) -> FeeLockItem:
    return FeeLockItem(pk=dossier_pk(code), sk=f"{FEE_LOCK_PREFIX}{fee_code}")


def _open_refs(code: str) -> dict[str, str]:
    """``{fee code: ref}`` of the dossier's open payment requests (one Query of its partition)."""
    items = FeeLockItem.query(dossier_pk(code), FeeLockItem.sk.startswith(FEE_LOCK_PREFIX), consistent_read=True)
    return {i.sk.removeprefix(FEE_LOCK_PREFIX): i.ref for i in items if i.ref}


def _settle(tx: TransactWrite, stored: Stored, payment: Payment, dossier: Dossier) -> None:
    _put(tx, stored, payment)
    _release(tx, payment)
    _receipt_outbox(tx, payment, dossier)


def _release(tx: TransactWrite, payment: Payment) -> None:
    """Free the fees this request holds (only those it holds)."""
    for fee_code, ref in _open_refs(payment.code).items():
        if ref == payment.ref:
            tx.update(_lock(payment.code, fee_code), actions=[FeeLockItem.ref.remove()],
                      condition=FeeLockItem.ref == payment.ref)


def _pointer(payment: Payment) -> PaymentPointer:
    return PaymentPointer(pk=dossier_pk(payment.code), sk=f"{REQUEST_PREFIX}{payment.ref}")


def dossier_payments(code: str, officer: OfficerProfile) -> list[Payment]:
    """Every payment of the dossier, newest first: requests with their state, the receipts of the paid."""
    dossier_service.visible_dossier(code, officer)
    refs = [i.sk.removeprefix(REQUEST_PREFIX) for i in PaymentPointer.query(
        dossier_pk(code), PaymentPointer.sk.startswith(REQUEST_PREFIX), consistent_read=True)]
    found = [p for p in (get_payment(ref) for ref in refs) if p is not None]
    return sorted(found, key=lambda p: p.requested_at, reverse=True)


def open_requests(code: str, officer: OfficerProfile) -> list[Payment]:
    """The dossier's open payment requests (for the officers of its unit)."""
    dossier_service.visible_dossier(code, officer)
    refs = sorted(set(_open_refs(code).values()))
    return [p for p in (get_payment(ref) for ref in refs) if p is not None]


def _unavailable() -> HosoError:
    return HosoError("PAYMENT_UNAVAILABLE", "Cổng thanh toán không phản hồi, vui lòng thử lại sau.", 502)


def request_payment(code: str, officer: OfficerProfile, fee_codes: list[str] | None = None) -> tuple[Payment, bool]:
    """The dossier's payment request for these fees and whether it is new: a request still open
    for exactly these fees is answered again (a double click, two officers at once) — never a
    second charge; one open for some of them is refused (409 ``PAYMENT_PENDING``)."""
    dossier = dossier_service.visible_dossier(code, officer)
    roles = officer.roles_in(dossier.unit_code) & PAYERS
    if not roles:
        raise HosoError("FORBIDDEN_ROLE", "Bạn không có vai trò yêu cầu nộp phí tại đơn vị của hồ sơ.", 403)
    if dossier.status != DossierStatus.AWAITING_PAYMENT:
        raise HosoError("NOT_AWAITING_PAYMENT", "Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính.", 409)
    fees = _fees_to_pay(dossier, fee_codes)
    if not fees:
        raise HosoError("NO_FEES", "Hồ sơ không có khoản phí, lệ phí nào phải nộp.", 409)
    actor = dossier_service.actor_for(officer, dossier.unit_code, sorted(roles)[0].value)
    existing = _open_for(code, fees)
    if existing is not None:
        return _initiate(existing, actor), False
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
    payment = Payment(ref=ref, code=code, amount=int(body["SoTien"]), fees=fees, requested_at=now,
                      requested_by=officer.sub, initiated=False)
    try:  # reserve: the record and every fee's lock, or nothing
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.save(_item(payment, 1, body), condition=PaymentItem.pk.does_not_exist())
            tx.save(_pointer(payment))
            for fee in fees:
                tx.update(_lock(code, fee.code), actions=[FeeLockItem.ref.set(ref)],
                          condition=FeeLockItem.ref.does_not_exist())
    except TransactWriteError as err:
        if "ConditionalCheckFailed" not in [r.code if r else None for r in (err.cancellation_reasons or [])]:
            raise
        existing = _open_for(code, fees)  # another request reserved these fees first
        if existing is not None:
            return _initiate(existing, actor), False
        raise conflict("Hồ sơ vừa có yêu cầu thanh toán khác, vui lòng tải lại và thử lại.", "PAYMENT_BUSY") from None
    stored = _load(ref)
    assert stored is not None  # just written (consistent read)
    return _initiate(stored, actor), True


def _open_for(code: str, fees: list[Fee]) -> Stored | None:
    """The open request for exactly ``fees``; 409 if one is open for only some of them."""
    wanted = {f.code for f in fees}
    held = _open_refs(code)
    refs = sorted({held[c] for c in wanted if c in held})
    if not refs:
        return None
    stored = _load(refs[0])
    if len(refs) == 1 and stored is not None and {f.code for f in stored.payment.fees} == wanted:
        return stored
    raise HosoError("PAYMENT_PENDING", f"Đã có yêu cầu thanh toán đang chờ kết quả cho khoản phí này (mã tham chiếu "
                                       f"{', '.join(refs)}). Vui lòng chờ người nộp thanh toán hoặc cổng thanh toán "
                                       "báo kết quả trước khi gửi yêu cầu mới.", 409, extra={"refs": refs})


def _initiate(stored: Stored, actor: Actor) -> Payment:
    """Send the reserved request to the platform (the same body on every retry: the platform
    answers a repeated request the same), then record it on the dossier in one transaction."""
    payment = stored.payment
    if payment.initiated or payment.status != "pending" or stored.init is None:
        return payment
    try:
        answer = outbound.post_json(f"{get_settings().payment_base_url.rstrip('/')}/v1/payments/init", stored.init)
    except outbound.GatewayError:
        raise _unavailable() from None  # the reservation stays: the next request re-sends it
    reply = answer.json() if answer.status < 500 else {}
    if answer.status >= 500:
        raise _unavailable()
    if answer.status != 200 or not isinstance(reply, dict) or reply.get("MaLoi") != "00":
        logger.warning("payment init refused", extra={"code": payment.code, "status": answer.status,
                                                      "MaLoi": reply.get("MaLoi") if isinstance(reply, dict) else None})
        _refused(stored)
        raise HosoError("PAYMENT_REFUSED", "Cổng thanh toán từ chối yêu cầu thanh toán.", 502)
    url = str(reply.get("UrlThanhToan", ""))
    for _ in range(WRITE_ATTEMPTS):
        initiated = stored.payment.model_copy(update={"initiated": True, "payment_url": url})
        dossier = dossier_repo.get(payment.code)
        if dossier is None:
            raise not_found("Không tìm thấy hồ sơ.")
        after, event = dossier_service.recorded(
            dossier, actor=actor, action="payment_requested", label="Gửi yêu cầu thanh toán phí, lệ phí",
            note=f"Mã tham chiếu {payment.ref}, số tiền {payment.amount} đồng",
            update={} if dossier.fees else {"fees": dossier_fees(dossier)})
        current = stored
        try:
            dossier_repo.transition(dossier, after, event, functools.partial(_put, stored=current, payment=initiated))
        except dossier_repo.VersionConflict:
            again = _load(payment.ref)
            if again is None or again.payment.initiated or again.payment.status != "pending":
                return again.payment if again else payment
            stored = again
            continue
        logger.info("payment requested", extra={"code": payment.code, "ref": payment.ref, "amount": payment.amount,
                                                "fees": sorted(f.code for f in payment.fees)})
        return initiated
    raise conflict("Hồ sơ vừa được cập nhật, vui lòng thử lại.", "VERSION_CONFLICT")


def _refused(stored: Stored) -> None:
    """The platform refused the request: the record says so and the fees are free again."""
    with contextlib.suppress(TransactWriteError):  # a concurrent retry recorded it first
        with TransactWrite(connection=transaction_connection()) as tx:
            _put(tx, stored, stored.payment.model_copy(update={"status": "refused"}))
            _release(tx, stored.payment)


def dossier_fees(dossier: Dossier) -> list[Fee]:
    """The dossier's fees: its own list, or the procedure's fee catalogue until a request copies it."""
    if dossier.fees:
        return dossier.fees
    procedure = catalogue.get_procedure(dossier.procedure_code)
    return [Fee(code=f.code, name=f.name, amount=f.amount, kind=f.kind, collection=f.collected)
            for f in (procedure.fees if procedure else [])]


def _fees_to_pay(dossier: Dossier, fee_codes: list[str] | None) -> list[Fee]:
    unpaid = [f for f in dossier_fees(dossier) if not f.paid]
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
    """Verify and apply the platform's result callback; :class:`CallbackRefused` otherwise.
    The result and the dossier's step are one transaction; a redelivery of a result already
    recorded but not applied to the dossier (a record from before that) applies it."""
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
    paid = _value(body, "MaLoi") == "00"
    at = _parse_time(_value(body, "ThoiGianThanhToan")) or dossier_service.now()
    return settle(ref, {"status": "paid" if paid else "failed", "transaction_id": _value(body, "MaGiaoDich"),
                        "result_code": _value(body, "MaLoi"), "paid_at": at if paid else None,
                        **(_e_receipt(body) if paid else {})})


def _e_receipt(body: Mapping[str, Any]) -> dict[str, str]:
    """The e-receipt the platform issued (``SoBienLai``, ``UrlBienLai``): shown to officers, so a
    link is kept only when it points at the platform itself."""
    number, url = _value(body, "SoBienLai")[:50], _value(body, "UrlBienLai")
    platform = get_settings().payment_base_url.rstrip("/") + "/"
    return {**({"receipt_number": number} if number else {}),
            **({"receipt_url": url} if url.startswith(platform) and len(url) <= 500 else {})}


def _parse_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=VN_TZ)
    except ValueError:
        return None


def _needs_applying(payment: Payment) -> bool:
    return payment.status == "pending" or (payment.status == "paid" and not payment.applied)


def settle(ref: str, result: dict[str, Any]) -> Payment:
    """Record ``result`` on the payment, release its fees and apply it to the dossier — one
    transaction, retried on a concurrent change; a result already applied changes nothing."""
    for _ in range(WRITE_ATTEMPTS):
        stored = _load(ref)
        if stored is None:
            raise CallbackRefused(404, "04", "Không có giao dịch này")
        if not _needs_applying(stored.payment):
            return stored.payment  # a redelivery: already applied
        settled = stored.payment.model_copy(update={"applied": True, **(
            result if stored.payment.status == "pending" else {})})
        dossier = dossier_repo.get(settled.code)
        try:
            if dossier is None:
                with TransactWrite(connection=transaction_connection()) as tx:
                    _put(tx, stored, settled)
                    _release(tx, settled)
                return settled
            settled, after, event = _dossier_after(dossier, settled)
            dossier_repo.transition(dossier, after, event,
                                    functools.partial(_settle, stored=stored, payment=settled, dossier=dossier))
        except (dossier_repo.VersionConflict, TransactWriteError) as err:
            if isinstance(err, TransactWriteError) and "ConditionalCheckFailed" not in [
                    r.code if r else None for r in (err.cancellation_reasons or [])]:
                raise
            continue  # a concurrent delivery or a change of the dossier: read both again
        logger.info("payment result applied", extra={"code": settled.code, "ref": ref, "status": settled.status,
                                                     "duplicate": settled.duplicate})
        return settled
    raise conflict("Hồ sơ vừa được cập nhật, vui lòng thử lại.", "VERSION_CONFLICT")


def _receipt_outbox(tx: TransactWrite, payment: Payment, dossier: Dossier) -> None:
    """A paid payment's e-receipt, to issue (chalicelib/ereceipts): written with the payment."""
    if payment.status != "paid" or payment.duplicate:
        return
    receipts.outbox(tx, receipts.pending(
        payment_ref=payment.ref, method=payment.method, amount=payment.amount, paid_at=payment.paid_at,
        lines=[receipts.ReceiptLine(code=f.code, name=f.name, amount=f.amount) for f in payment.fees],
        dossier=dossier, now=dossier_service.now()))


def _dossier_after(dossier: Dossier, payment: Payment) -> tuple[Payment, Dossier, AuditEvent]:
    """The payment as recorded, and the dossier with its audit event: a paid request marks its
    fees paid and moves the dossier on from status 6 (``confirm_payment``) — unless a fee was
    already paid (a double payment: recorded, flagged, nothing moves)."""
    actor = Actor(sub=PLATFORM_ACTOR_SUB, name="Cổng thanh toán tập trung", role="system", unit_code=dossier.unit_code)
    if payment.status != "paid":
        after, event = dossier_service.recorded(
            dossier, actor=actor, action="payment_failed", label="Thanh toán không thành công",
            note=f"Mã tham chiếu {payment.ref}, mã lỗi {payment.result_code}")
        return payment, after, event
    paid_codes = {f.code for f in payment.fees}
    already = sorted(f.code for f in dossier.fees if f.paid and f.code in paid_codes)
    receipt = (f"Biên lai: mã giao dịch {payment.transaction_id}, mã tham chiếu {payment.ref}, số tiền "
               f"{payment.amount} đồng, thời gian {payment.paid_at or dossier_service.now():%d/%m/%Y %H:%M}")
    if already:
        flagged = payment.model_copy(update={"duplicate": True})
        after, event = dossier_service.recorded(
            dossier, actor=actor, action="payment_duplicate", label="Nộp trùng khoản phí đã nộp",
            note=f"{receipt}; khoản đã nộp trước đó: {', '.join(already)} — cần hoàn trả")
        return flagged, after, event
    fees = [f.model_copy(update={"paid": True}) if f.code in paid_codes else f for f in (dossier.fees or payment.fees)]
    after, event = applied_to(dossier, fees, actor=actor, note=receipt)
    return payment, after, event


def applied_to(dossier: Dossier, fees: list[Fee], *, actor: Actor, note: str) -> tuple[Dossier, AuditEvent]:
    """The dossier with its ``fees`` (some now paid) and the audit event: at status 6 the process's
    ``confirm_payment`` step moves it on, otherwise the payment is recorded where it stands."""
    action = _confirm_action(dossier) if dossier.status == DossierStatus.AWAITING_PAYMENT else None
    if action is not None:
        return dossier_service.system_step(
            dossier.model_copy(update={"fees": fees}), engine.ActionRequest(action_id=action, reason=note), actor)
    return dossier_service.recorded(dossier, actor=actor, action="payment_received",
                                    label="Đã thanh toán phí, lệ phí", note=note, update={"fees": fees})


def recorder(payment: Payment) -> Callable[[TransactWrite], None]:
    """The writes that record a payment made elsewhere (paid, applied) among the dossier's payments,
    in the dossier's transaction; a second record under the same reference cancels it."""
    def writes(tx: TransactWrite) -> None:
        tx.save(_item(payment, 1, None), condition=PaymentItem.pk.does_not_exist())
        tx.save(_pointer(payment))
    return writes


# --- cash at the desk -----------------------------------------------------------------------
def pay_cash(code: str, officer: OfficerProfile, amount: int, receipt_number: str, receipt_symbol: str = "") -> Payment:
    """The applicant pays the fees in cash at the one-stop desk: the amount must be exactly the
    catalogue's unpaid fees, the paper receipt's number is required, and no online request may be
    open for them (the applicant may be paying it). The payment, its fees marked paid and the
    process's ``confirm_payment`` step are one transaction."""
    dossier = dossier_service.visible_dossier(code, officer)
    roles = officer.roles_in(dossier.unit_code)
    if not roles & CASH_TAKERS:
        raise HosoError("FORBIDDEN_ROLE", "Chỉ cán bộ một cửa thu phí, lệ phí bằng tiền mặt tại quầy.", 403)
    if dossier.status != DossierStatus.AWAITING_PAYMENT:
        raise HosoError("NOT_AWAITING_PAYMENT", "Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính.", 409)
    fees = _fees_to_pay(dossier, None)
    if not fees:
        raise HosoError("NO_FEES", "Hồ sơ không có khoản phí, lệ phí nào phải nộp.", 409)
    errors = cash_errors(fees, amount, receipt_number)
    if errors:
        raise HosoError("INVALID_CASH_PAYMENT", "Thông tin nộp tiền mặt chưa đúng.", 422, errors=errors)
    held = _open_refs(code)
    pending = sorted({held[f.code] for f in fees if f.code in held})
    if pending:
        raise HosoError("PAYMENT_PENDING", f"Đang có yêu cầu thanh toán trực tuyến chờ kết quả ({', '.join(pending)}): "
                                           "người nộp có thể đang thanh toán; không thu tiền mặt cho khoản này.", 409,
                        extra={"refs": pending})
    action = _confirm_action(dossier)
    if action is None:
        raise HosoError("ACTION_NOT_ALLOWED", "Bước hiện tại của hồ sơ không có thao tác xác nhận nộp phí.", 409)
    now = dossier_service.now()
    payment = Payment(ref=f"TM{now:%y%m%d%H%M%S}{pysecrets.randbelow(10**6):06d}", code=code, amount=amount,
                      fees=fees, method="cash", status="paid", requested_at=now, requested_by=officer.sub,
                      applied=True, paid_at=now, receipt_number=receipt_number.strip(),
                      receipt_symbol=receipt_symbol.strip() or None)
    number = f"{payment.receipt_symbol or ''} {payment.receipt_number}".strip()
    receipt = f"Nộp tiền mặt tại Bộ phận Một cửa: biên lai số {number}, số tiền {amount} đồng"
    paid = {f.code for f in fees}
    before = dossier.model_copy(update={"fees": [f.model_copy(update={"paid": True}) if f.code in paid else f
                                                 for f in dossier_fees(dossier)]})
    after, event = engine.apply(
        before, dossier_service.process_of(dossier), engine.ActionRequest(action_id=action, reason=receipt),
        actor=dossier_service.actor_for(officer, dossier.unit_code, Role.DESK.value), roles=roles,
        timing=dossier_service.timing_for(dossier.procedure_code, dossier.unit_code, now),
        separate_duties=dossier_service.separate_duties(dossier.procedure_code),
        chart=dossier_service.chart_of(dossier_service.process_of(dossier)))

    def writes(tx: TransactWrite) -> None:
        tx.save(_item(payment, 1, None), condition=PaymentItem.pk.does_not_exist())
        tx.save(_pointer(payment))
        for fee in fees:  # no online request took these fees meanwhile
            tx.update(_lock(code, fee.code), actions=[FeeLockItem.ref.remove()],
                      condition=FeeLockItem.ref.does_not_exist())
        _receipt_outbox(tx, payment, dossier)

    try:
        dossier_repo.transition(dossier, after, event, writes)
    except dossier_repo.VersionConflict:
        raise conflict("Hồ sơ vừa được cập nhật, vui lòng tải lại và thử lại.", "VERSION_CONFLICT") from None
    logger.info("cash payment recorded", extra={"code": code, "ref": payment.ref, "amount": amount})
    return payment


def cash_errors(fees: list[Fee], amount: int, receipt_number: str) -> list[FieldError]:
    """What is wrong with a cash payment of ``amount`` for ``fees`` (empty: nothing)."""
    errors = []
    due = sum(f.amount for f in fees)
    if amount != due:
        errors.append(FieldError("amount", f"Số tiền phải bằng tổng phí, lệ phí phải nộp theo danh mục của thủ tục "
                                           f"({due:,} đồng).".replace(",", ".")))
    if not receipt_number.strip():
        errors.append(FieldError("receipt_number", "Vui lòng nhập số biên lai thu tiền."))
    elif control_characters(receipt_number):
        errors.append(FieldError("receipt_number", "Có ký tự điều khiển không hợp lệ."))
    return errors


# --- daily reconciliation --------------------------------------------------------------------
RECONCILE_JOB = "reconcile_payments"
RECONCILE_PAGE_SIZE = 50  # payments looked up on the platform a page: bounds every invocation


def reconcile_plan(day: dt.date) -> list[Task]:
    """The day's payments: one chain (the ``PAYDAY#<day>`` partition), walked page by page."""
    return [Task(RECONCILE_JOB, day.isoformat(), day.isoformat())]


def _report_key(day: dt.date) -> str:
    return f"reports/payments/{day:%Y/%m/%d}.json"


def _part_key(day: dt.date, page: int) -> str:
    return f"reports/payments/parts/{day:%Y/%m/%d}/{page:06d}.json"


def reconcile_page(task: Task) -> Page:
    """Up to ``RECONCILE_PAGE_SIZE`` of the day's payments compared with the platform (a paid
    payment never applied is applied); the page's findings are kept in S3 and the chain's last
    page assembles the day's report from them (pages run one after the other)."""
    settings = get_settings()
    day = dt.date.fromisoformat(task.chain)
    result = PaymentItem.by_day.query(f"PAYDAY#{day:%Y%m%d}", limit=RECONCILE_PAGE_SIZE,
                                      last_evaluated_key=task.cursor)
    payments = [Payment.model_validate(item.data) for item in batch_fetch(PaymentItem, result)]  # gsi1: keys
    part = {**_reconcile_part(payments, settings), **receipt_service.reconcile_payments(day, payments)}
    cursor = result.last_evaluated_key
    s3 = client("s3")
    if cursor is not None:
        s3.put_object(Bucket=settings.attachments_bucket, Key=_part_key(day, task.page),
                      Body=json.dumps(part, ensure_ascii=False).encode(), ContentType="application/json")
        return Page({"payments": len(part["rows"]) + len(part["cash"])}, cursor)
    parts = [json.loads(s3.get_object(Bucket=settings.attachments_bucket, Key=_part_key(day, n))["Body"].read())
             for n in range(task.page)] + [part]
    report = {**_report(day, parts), "receipts_flagged_by_provider": receipt_service.reconcile_provider_day(
        day, get_payment)}
    s3.put_object(Bucket=settings.attachments_bucket, Key=_report_key(day),
                  Body=json.dumps(report, ensure_ascii=False).encode(), ContentType="application/json")
    if (report["mismatches"] or report["paid_not_applied"] or report["duplicates"] or report["paid_twice"]
            or report["receipts_flagged"] or report["receipts_flagged_by_provider"]):
        logger.warning("payment reconciliation found differences", extra={
            "day": day.isoformat(), "mismatches": len(report["mismatches"]),
            "paid_not_applied": len(report["paid_not_applied"]), "applied": len(report["applied"]),
            "duplicates": len(report["duplicates"]),
            "receipts_flagged": len(report["receipts_flagged"]) + len(report["receipts_flagged_by_provider"])})
    return Page(report, None)


def _reconcile_part(payments: list[Payment], settings: Any) -> dict[str, Any]:
    rows, mismatches, paid_not_applied, applied, not_initiated, paid_twice = [], [], [], [], [], []
    cash: list[dict[str, Any]] = []
    paid_fees: list[list[str]] = []  # [code, fee, ref]: a fee paid (or recorded paid) by a payment
    for payment in payments:
        if payment.method == "cash":  # taken at the desk: the platform never saw it
            cash.append({"ref": payment.ref, "code": payment.code, "amount": payment.amount,
                         "receipt_number": payment.receipt_number})
            paid_fees += [[payment.code, fee.code, payment.ref] for fee in payment.fees]
            continue
        try:
            answer = outbound.call("GET", f"{settings.payment_base_url.rstrip('/')}/v1/payments/{payment.ref}")
            remote = answer.json() if answer.status in (200, 404) else {}
        except outbound.GatewayError:
            remote = {}
        remote = remote if isinstance(remote, dict) else {}
        remote_state = str(remote.get("TrangThai", "unknown" if not remote else "missing"))
        same = remote_state == payment.status and (payment.status != "paid"
                                                   or remote.get("MaGiaoDich") == payment.transaction_id)
        row = {"ref": payment.ref, "code": payment.code, "amount": payment.amount, "hoso": payment.status,
               "platform": remote_state, "transaction_id": payment.transaction_id, "applied": payment.applied,
               "matches": same}
        rows.append(row)
        if not same:
            mismatches.append(row)
        if payment.status == "pending" and not payment.initiated:
            not_initiated.append(row)
        if payment.status == "paid" or remote_state == "paid":
            paid_fees += [[payment.code, fee.code, payment.ref] for fee in payment.fees]
        if payment.duplicate:
            paid_twice.append(row)
        if not (payment.status == "paid" and payment.applied) and "paid" in (remote_state, payment.status):
            paid_not_applied.append(row)  # applied here if safe; otherwise (refused or failed here) for a person
            if _needs_applying(payment) and _apply_missing(payment, remote):
                applied.append(payment.ref)
    return {"rows": rows, "mismatches": mismatches, "paid_not_applied": paid_not_applied, "applied": applied,
            "not_initiated": not_initiated, "paid_twice": paid_twice, "cash": cash, "paid_fees": paid_fees}


def _report(day: dt.date, parts: list[dict[str, Any]]) -> dict[str, Any]:
    def every(name: str) -> list[Any]:
        return [x for part in parts for x in part[name]]

    rows = every("rows")
    paid_by_fee: dict[tuple[str, str], list[str]] = {}
    for code, fee, ref in every("paid_fees"):
        paid_by_fee.setdefault((code, fee), []).append(ref)
    duplicates = [{"code": code, "fee": fee, "refs": sorted(refs)}
                  for (code, fee), refs in sorted(paid_by_fee.items()) if len(refs) > 1]
    return {"day": day.isoformat(), "count": len(rows),
            "paid_total": sum(r["amount"] for r in rows if r["hoso"] == "paid"),
            "mismatches": every("mismatches"), "paid_not_applied": every("paid_not_applied"),
            "applied": every("applied"), "duplicates": duplicates, "paid_twice": every("paid_twice"),
            "not_initiated": every("not_initiated"), "rows": rows, "cash": every("cash"),
            "receipts_issued": every("receipts_issued"), "receipts_flagged": every("receipts_flagged")}


def reconcile(day: dt.date) -> dict[str, Any]:
    """Compare every payment started on ``day`` with the platform's state; store and answer the report.

    Besides each difference (``mismatches``) the report lists ``paid_not_applied`` — paid on the
    platform (or recorded paid) but not applied to the dossier: each is applied here when the
    platform confirms it with a transaction id and the requested amount (``applied``) —,
    ``duplicates`` — one dossier's fee paid by more than one of the day's requests —,
    ``paid_twice`` — payments recorded as paying a fee already paid (to refund) — and
    ``not_initiated`` (reserved requests the platform never confirmed); ``cash`` lists the day's
    cash payments at the desk (not on the platform; they count for ``duplicates``).

    In this process, every page one after the other (the same pages the worker runs from the
    job's queue); the last page's summary is the report."""
    report: dict[str, Any] = drain(reconcile_plan(day), reconcile_page)[-1].summary
    return report


def _apply_missing(payment: Payment, remote: Mapping[str, Any]) -> bool:
    """Apply a paid result the callback never delivered (or delivered before it was applied in
    the same transaction): only when the platform confirms it — paid, with a transaction id and
    the requested amount. Answers whether the dossier now has it."""
    if payment.status == "pending":
        transaction_id = remote.get("MaGiaoDich")
        if remote.get("TrangThai") != "paid" or not transaction_id or str(remote.get("SoTien")) != str(payment.amount):
            return False
        result: dict[str, Any] = {"status": "paid", "transaction_id": str(transaction_id), "result_code": "00",
                                  "paid_at": dossier_service.now()}
    else:
        result = {}
    try:
        return settle(payment.ref, result).applied
    except Exception:  # one payment's failure must not stop the report; it is listed again tomorrow
        logger.exception("reconciliation could not apply a payment", extra={"ref": payment.ref,
                                                                             "code": payment.code})
        return False


def reconcile_yesterday() -> int:
    """The daily schedule: yesterday (Vietnam's time zone) planned on the job's queue."""
    return start(reconcile_plan(dt.datetime.now(VN_TZ).date() - dt.timedelta(days=1)))
