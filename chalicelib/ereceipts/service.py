"""Issuing, cancelling, replacing and reconciling e-receipts (see the package)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel, Field
from pynamodb.attributes import JSONAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.aws import client
from chalicelib.documents import store as docstore
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Actor, Dossier, FeeReceipt
from chalicelib.domain.identifiers import control_characters
from chalicelib.domain.roles import Role
from chalicelib.ereceipts import provider as providers
from chalicelib.ereceipts import records
from chalicelib.ereceipts.records import Receipt, ReceiptLine, Stored
from chalicelib.errors import FieldError, HosoError, conflict, not_found
from chalicelib.notifications import gateway
from chalicelib.observability import count as count_metric
from chalicelib.observability import logger
from chalicelib.services import dossiers as dossier_service
from chalicelib.settings import get_settings
from chalicelib.store import dossiers as dossier_repo
from chalicelib.store.models import DossiersTable, transaction_connection

if TYPE_CHECKING:
    from chalicelib.payments.service import Payment

SYSTEM_SUB: Final = "ereceipt-provider"
CANCELLERS: Final = frozenset({Role.DESK, Role.HEAD})  # who may cancel or replace a receipt of their unit
WRITE_ATTEMPTS: Final = 5
REASON_MIN, REASON_MAX = 5, 500
FLAGS_PK: Final = "RECEIPTFLAGS"
DATE_FORMAT: Final = "%Y%m%d%H%M%S"


# --- issuing (the ``issue_receipts`` worker) --------------------------------------------------
def _request(receipt: Receipt) -> dict[str, Any]:
    return {"payment_ref": receipt.payment_ref, "dossier_code": receipt.code, "procedure_code": receipt.procedure_code,
            "unit_code": receipt.unit_code, "method": receipt.method,
            "paid_at": receipt.paid_at.astimezone(VN_TZ).strftime(DATE_FORMAT) if receipt.paid_at else "",
            "payer": {"name": receipt.payer_name, "id_number": receipt.payer_id, "address": receipt.payer_address},
            "lines": [line.model_dump() for line in receipt.lines], "amount": receipt.amount}


def _file_key(receipt: Receipt, ext: str) -> str:
    return f"receipts/{receipt.code}/{receipt.id}.{ext}"


def _system_actor(dossier: Dossier) -> Actor:
    return Actor(sub=SYSTEM_SUB, name="Hệ thống biên lai điện tử", role="system", unit_code=dossier.unit_code)


def _with_fee_receipts(dossier: Dossier, receipt: Receipt | None, rid: str) -> list[Any]:
    """The dossier's fees with ``receipt`` on the lines it covers (``None``: taken off those carrying ``rid``)."""
    if receipt is None:
        return [f.model_copy(update={"receipt": None}) if f.receipt and f.receipt.id == rid else f
                for f in dossier.fees]
    ref = FeeReceipt(id=receipt.id, number=receipt.number or "", template=receipt.template or "",
                     series=receipt.series or "", issued_at=receipt.issued_at or dossier_service.now(),
                     lookup_code=receipt.lookup_code or "")
    codes = {line.code for line in receipt.lines}
    return [f.model_copy(update={"receipt": ref}) if f.code in codes else f for f in dossier.fees]


def issue(code: str, rid: str, connect: Callable[[str], providers.Provider] = providers.connect) -> Receipt | None:
    """Issue a pending receipt: the provider (idempotent by the receipt's id), its PDF and XML in
    S3, then the receipt, the dossier's fee record and an audit event in one transaction (a
    replacement marks its original replaced in the same one), then the applicant is told.

    Answers the receipt (``None``: no such record). A provider that cannot be reached raises
    :class:`providers.ProviderUnavailable` (the message comes back); one that refuses the
    request records the refusal on the receipt (listed by the reconciliation) and raises nothing."""
    for _ in range(WRITE_ATTEMPTS):
        stored = records.load(code, rid)
        if stored is None:
            return None
        receipt = stored.receipt
        if receipt.status != "pending":
            if receipt.status == "issued" and not receipt.notified:
                _notify(stored)
            return receipt
        original = records.load(code, receipt.replaces) if receipt.replaces else None
        provider = connect(receipt.unit_code)
        try:
            if original is not None and original.receipt.lookup_code:
                issued = provider.replace(original.receipt.lookup_code,
                                          {**_request(receipt), "reason": receipt.reason or ""}, receipt.id)
            else:
                issued = provider.issue(_request(receipt), receipt.id)
        except providers.ProviderRefused as refused:
            _record_failure(stored, f"{refused.code}: {refused.message}"[:300])
            logger.error("e-receipt refused by the provider", extra={"code": code, "receipt": rid,
                                                                     "error": refused.code})
            count_metric("ReceiptRefused")
            return receipt
        except providers.ProviderUnavailable as err:
            _record_failure(stored, str(err)[:300])
            raise
        settings = get_settings()
        docstore_put(settings.attachments_bucket, _file_key(receipt, "pdf"), issued.pdf, docstore.PDF)
        docstore_put(settings.attachments_bucket, _file_key(receipt, "xml"), issued.xml, "application/xml")
        at = dt.datetime.strptime(issued.issued_at, DATE_FORMAT).replace(tzinfo=VN_TZ)
        done = receipt.model_copy(update={
            "status": "issued", "number": issued.number, "template": issued.template, "series": issued.series,
            "issued_at": at, "lookup_code": issued.lookup_code, "pdf_key": _file_key(receipt, "pdf"),
            "xml_key": _file_key(receipt, "xml"), "attempts": receipt.attempts + 1, "last_error": None})
        if _commit_issued(stored, done, original):
            logger.info("e-receipt issued", extra={"code": code, "receipt": rid, "number": issued.number})
            count_metric("ReceiptIssued")
            again = records.load(code, rid)
            if again is not None:
                _notify(again)
            return done
    raise conflict("Hồ sơ vừa được cập nhật, vui lòng thử lại.", "VERSION_CONFLICT")


def docstore_put(bucket: str, key: str, body: bytes, content_type: str) -> None:
    """The provider's file (a retry writes the same bytes again: the provider answered the same receipt)."""
    client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def _commit_issued(stored: Stored, done: Receipt, original: Stored | None) -> bool:
    """Write the issued receipt with its dossier's step; False: something changed meanwhile (read again)."""
    dossier = dossier_repo.get(done.code)

    def writes(tx: TransactWrite) -> None:
        records.put(tx, stored, done)
        if original is not None:
            records.put(tx, original, original.receipt.model_copy(update={"status": "replaced"}))

    try:
        if dossier is None:
            with TransactWrite(connection=transaction_connection()) as tx:
                writes(tx)
            return True
        fees = _with_fee_receipts(dossier, done, done.id)
        if original is not None:
            label, note = "Phát hành biên lai thay thế", (f"Biên lai số {done.number} ký hiệu {done.series} thay thế "
                                                          f"biên lai số {original.receipt.number}: {done.reason}")
        else:
            label, note = "Phát hành biên lai điện tử", (f"Biên lai số {done.number} ký hiệu {done.series}, "
                                                         f"số tiền {done.amount} đồng, mã tra cứu {done.lookup_code}")
        after, event = dossier_service.recorded(dossier, actor=_system_actor(dossier), action="receipt_issued",
                                                label=label, note=note, update={"fees": fees})
        dossier_repo.transition(dossier, after, event, writes)
    except (dossier_repo.VersionConflict, TransactWriteError) as err:
        if isinstance(err, TransactWriteError) and "ConditionalCheckFailed" not in [
                r.code if r else None for r in (err.cancellation_reasons or [])]:
            raise
        return False
    return True


def _record_failure(stored: Stored, problem: str) -> None:
    failed = stored.receipt.model_copy(update={"attempts": stored.receipt.attempts + 1, "last_error": problem})
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            records.put(tx, stored, failed)
    except TransactWriteError:  # a concurrent attempt wrote first; its outcome stands
        logger.info("receipt changed while recording a failure", extra={"receipt": stored.receipt.id})


def _notify(stored: Stored) -> None:
    """Send the issued receipt to the applicant (e-mail and/or SMS; the gateway's ``reference``
    makes a resend harmless), then mark it sent. A gateway failure raises: the message comes back."""
    receipt = stored.receipt
    dossier = dossier_repo.get(receipt.code)
    applicant = dossier.applicant if dossier else None
    if applicant is not None and (applicant.email or applicant.phone):
        text = (f"Biên lai điện tử thu phí, lệ phí hồ sơ {receipt.code}: số {receipt.number}, ký hiệu "
                f"{receipt.template}{receipt.series}, số tiền {receipt.amount} đồng, mã tra cứu {receipt.lookup_code}.")
        messaging = gateway.connect()
        if applicant.email:
            messaging.send_email(applicant.email, f"Biên lai điện tử — hồ sơ {receipt.code}", text,
                                 f"receipt-{receipt.id}")
        if applicant.phone:
            messaging.send_sms(applicant.phone, text, f"receipt-{receipt.id}")
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            records.put(tx, stored, receipt.model_copy(update={"notified": True}))
    except TransactWriteError:
        logger.info("receipt changed while marking it sent", extra={"receipt": receipt.id})


def handle_batch(event: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ereceipts`` queue: each message ``{code, id}`` on its own (``{code}`` alone: every
    pending receipt of the dossier, as an operator's resend); failures come back later."""
    failures = []
    for record in event["Records"]:
        try:
            body = json.loads(record["body"])
            code = str(body["code"])
            ids = [str(body["id"])] if "id" in body else [r.id for r in records.of_dossier(code)
                                                          if r.status == "pending"]
            for rid in ids:
                issue(code, rid)
        except Exception:
            logger.exception("e-receipt not issued yet; retried, then kept in the queue's DLQ",
                             extra={"message_id": record["messageId"], "body": record["body"][:300]})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


# --- officers: list, cancel, replace ---------------------------------------------------------
def of_dossier(code: str, officer: OfficerProfile) -> list[Receipt]:
    dossier_service.visible_dossier(code, officer)
    return sorted(records.of_dossier(code), key=lambda r: r.created_at, reverse=True)


def file_link(code: str, rid: str, officer: OfficerProfile, ext: str) -> dict[str, Any]:
    """A short-lived link to an issued receipt's PDF or XML, with its file name."""
    dossier_service.visible_dossier(code, officer)
    stored = records.load(code, rid)
    key = (stored.receipt.pdf_key if ext == "pdf" else stored.receipt.xml_key) if stored else None
    if stored is None or key is None:
        raise not_found("Không tìm thấy biên lai điện tử đã phát hành.")
    name = f"Biên lai {stored.receipt.template or ''}{stored.receipt.series or ''} số {stored.receipt.number}.{ext}"
    content_type = docstore.PDF if ext == "pdf" else "application/xml"
    return {"url": docstore.presigned_link(get_settings().attachments_bucket, key, name, content_type),
            "expires_in": docstore.LINK_TTL_S, "name": name}


def reason_errors(reason: str) -> list[FieldError]:
    text = reason.strip()
    if len(text) < REASON_MIN:
        return [FieldError("reason", f"Vui lòng nêu lý do (ít nhất {REASON_MIN} ký tự).")]
    if len(text) > REASON_MAX:
        return [FieldError("reason", f"Lý do dài tối đa {REASON_MAX} ký tự.")]
    if control_characters(text):
        return [FieldError("reason", "Có ký tự điều khiển không hợp lệ.")]
    return []


def _officer_receipt(code: str, rid: str, officer: OfficerProfile, reason: str) -> tuple[Dossier, Stored, Actor]:
    dossier = dossier_service.visible_dossier(code, officer)
    roles = officer.roles_in(dossier.unit_code) & CANCELLERS
    if not roles:
        raise HosoError("FORBIDDEN_ROLE", "Chỉ cán bộ một cửa hoặc lãnh đạo phòng của đơn vị được huỷ, thay thế "
                                          "biên lai.", 403)
    errors = reason_errors(reason)
    if errors:
        raise HosoError("INVALID_REASON", "Lý do huỷ hoặc thay thế biên lai chưa hợp lệ.", 422, errors=errors)
    stored = records.load(code, rid)
    if stored is None:
        raise not_found("Không tìm thấy biên lai.")
    if stored.receipt.status != "issued":
        raise HosoError("RECEIPT_NOT_ISSUED", "Chỉ huỷ hoặc thay thế được biên lai đã phát hành, chưa bị huỷ "
                                              "hay thay thế.", 409)
    if stored.receipt.replaced_by:
        raise HosoError("RECEIPT_BEING_REPLACED", "Biên lai đang được thay thế.", 409)
    return dossier, stored, dossier_service.actor_for(officer, dossier.unit_code, sorted(roles)[0].value)


def _unavailable(err: Exception) -> HosoError:
    logger.warning("e-receipt provider call failed", extra={"error": str(err)[:300]})
    if isinstance(err, providers.ProviderRefused):
        return HosoError("ERECEIPT_REFUSED", f"Nhà cung cấp biên lai điện tử từ chối yêu cầu: {err.message}", 502)
    return HosoError("ERECEIPT_UNAVAILABLE", "Hệ thống biên lai điện tử không phản hồi, vui lòng thử lại sau.", 502)


def cancel(code: str, rid: str, officer: OfficerProfile, reason: str) -> Receipt:
    """Cancel an issued receipt with a reason: the provider first (cancelling twice answers the
    same there), then the receipt, the dossier's fee record and the audit event in one transaction."""
    dossier, stored, actor = _officer_receipt(code, rid, officer, reason)
    try:
        providers.connect(dossier.unit_code).cancel(str(stored.receipt.lookup_code), reason.strip())
    except (providers.ProviderUnavailable, providers.ProviderRefused) as err:
        raise _unavailable(err) from None
    cancelled = stored.receipt.model_copy(update={"status": "cancelled", "reason": reason.strip(),
                                                  "cancelled_at": dossier_service.now(), "cancelled_by": officer.sub})
    after, event = dossier_service.recorded(
        dossier, actor=actor, action="receipt_cancelled", label="Huỷ biên lai điện tử",
        note=f"Biên lai số {cancelled.number} ký hiệu {cancelled.series}: {cancelled.reason}",
        update={"fees": _with_fee_receipts(dossier, None, rid)})
    try:
        dossier_repo.transition(dossier, after, event, lambda tx: records.put(tx, stored, cancelled))
    except dossier_repo.VersionConflict:
        raise conflict("Hồ sơ vừa được cập nhật, vui lòng tải lại và thử lại.", "VERSION_CONFLICT") from None
    logger.info("e-receipt cancelled", extra={"code": code, "receipt": rid})
    return cancelled


def replace(code: str, rid: str, officer: OfficerProfile, reason: str, payer_name: str | None = None,
            payer_address: str | None = None) -> Receipt:
    """Ask for a replacement of an issued receipt (corrected payer details), with a reason: the
    replacement (pending, linked to the original) and the original's link to it are written with
    the audit event in one transaction; the worker issues it through the provider's replace call
    and marks the original replaced."""
    dossier, stored, actor = _officer_receipt(code, rid, officer, reason)
    taken = records.of_payment(code, stored.receipt.payment_ref)
    new = stored.receipt.model_copy(update={
        "id": records.receipt_id(stored.receipt.payment_ref, len(taken) + 1), "status": "pending", "number": None,
        "template": None, "series": None, "issued_at": None, "lookup_code": None, "pdf_key": None, "xml_key": None,
        "replaces": rid, "replaced_by": None, "reason": reason.strip(), "attempts": 0, "last_error": None,
        "notified": False, "created_at": dossier_service.now(),
        "payer_name": (payer_name or "").strip() or stored.receipt.payer_name,
        "payer_address": (payer_address or "").strip() or stored.receipt.payer_address})
    linked = stored.receipt.model_copy(update={"replaced_by": new.id})
    after, event = dossier_service.recorded(
        dossier, actor=actor, action="receipt_replace_requested", label="Yêu cầu thay thế biên lai điện tử",
        note=f"Biên lai số {stored.receipt.number} ký hiệu {stored.receipt.series}: {new.reason}")

    def writes(tx: TransactWrite) -> None:
        records.put(tx, stored, linked)
        records.outbox(tx, new)

    try:
        dossier_repo.transition(dossier, after, event, writes)
    except dossier_repo.VersionConflict:
        raise conflict("Hồ sơ vừa được cập nhật, vui lòng tải lại và thử lại.", "VERSION_CONFLICT") from None
    logger.info("e-receipt replacement requested", extra={"code": code, "receipt": rid, "replacement": new.id})
    return new


# --- the daily reconciliation (a part of reconcile_payments' pages) ------------------------
class Flag(BaseModel):
    day: str
    kind: str = Field(description="missing_receipt_failed: thanh toán chưa có biên lai, nhà cung cấp từ chối; "
                                  "amount_mismatch: số tiền biên lai khác khoản thanh toán; no_payment: biên lai "
                                  "không có khoản thanh toán tương ứng")
    code: str = ""
    unit_code: str = ""
    payment_ref: str = ""
    receipt: str = Field("", description="Số biên lai hoặc mã tra cứu")
    amount: int | None = None
    payment_amount: int | None = None
    message: str


class FlagItem(DossiersTable):
    data = JSONAttribute()


def _flag(flag: Flag) -> None:
    key = f"{flag.day}#{flag.kind}#{flag.payment_ref or flag.receipt}"
    FlagItem(pk=FLAGS_PK, sk=key, data=flag.model_dump()).save()


def flags(officer: OfficerProfile | None, limit: int = 200) -> list[Flag]:
    """The reconciliation's findings, newest day first: every unit's for operators (``None``), an
    officer's own units' otherwise."""
    found = [Flag.model_validate(i.data) for i in FlagItem.query(FLAGS_PK, scan_index_forward=False, limit=limit)]
    if officer is None:
        return found
    units = {a.unit_code for a in officer.assignments}
    return [f for f in found if f.unit_code in units]


def reconcile_payments(day: dt.date, payments: Iterable[Payment]) -> dict[str, list[dict[str, Any]]]:
    """A page of the day's payments against their receipts: a paid payment without one gets its
    pending receipt (issued through the outbox, as on payment); a receipt of another amount, or
    one the provider refused, is flagged."""
    issued, flagged = [], []
    now = dossier_service.now()
    for payment in payments:
        if payment.status != "paid" or not payment.applied or payment.duplicate:
            continue
        receipts = [r for r in records.of_payment(payment.code, payment.ref) if r.status != "cancelled"]
        if not receipts:
            dossier = dossier_repo.get(payment.code)
            if dossier is None:
                continue
            receipt = records.pending(payment_ref=payment.ref, method=payment.method, amount=payment.amount,
                                      lines=[ReceiptLine(code=f.code, name=f.name, amount=f.amount)
                                             for f in payment.fees],
                                      paid_at=payment.paid_at, dossier=dossier, now=now)
            try:
                with TransactWrite(connection=transaction_connection()) as tx:
                    records.outbox(tx, receipt)
            except TransactWriteError:
                continue  # issued meanwhile
            issued.append({"code": payment.code, "ref": payment.ref})
            continue
        for receipt in receipts:
            flag = None
            if receipt.status == "issued" and receipt.amount != payment.amount:
                flag = Flag(day=day.isoformat(), kind="amount_mismatch", code=payment.code,
                            unit_code=receipt.unit_code, payment_ref=payment.ref, receipt=receipt.number or "",
                            amount=receipt.amount, payment_amount=payment.amount,
                            message=f"Biên lai {receipt.amount} đồng, thanh toán {payment.amount} đồng")
            elif receipt.status == "pending" and receipt.last_error:
                flag = Flag(day=day.isoformat(), kind="missing_receipt_failed", code=payment.code,
                            unit_code=receipt.unit_code, payment_ref=payment.ref, payment_amount=payment.amount,
                            message=f"Chưa phát hành được biên lai: {receipt.last_error}")
            if flag is not None:
                _flag(flag)
                flagged.append(flag.model_dump())
    if flagged:
        count_metric("ReceiptsFlagged", len(flagged))
    return {"receipts_issued": issued, "receipts_flagged": flagged}


def _providers() -> dict[str, providers.ProviderConfig]:
    """Every configured provider once (the default, and the units' own)."""
    settings = get_settings()
    every = [providers.ProviderConfig(settings.ereceipt_base_url, "default"), *providers.units().values()]
    return {f"{c.endpoint}|{c.credential}": c for c in every}


def reconcile_provider_day(day: dt.date, payment_of: Callable[[str], Payment | None]) -> list[dict[str, Any]]:
    """The receipts each provider issued on ``day`` against hoso's payments: one without a paid
    payment, or with another amount, is flagged. A provider that cannot be reached is flagged too."""
    flagged = []
    for config in _providers().values():
        try:
            issued = providers.Provider(config).day(day.strftime("%Y%m%d"))
        except (providers.ProviderUnavailable, providers.ProviderRefused) as err:
            logger.warning("e-receipt provider's day list unavailable", extra={"endpoint": config.endpoint,
                                                                                "error": str(err)[:300]})
            issued = []
            flag = Flag(day=day.isoformat(), kind="provider_unavailable", receipt=config.endpoint,
                        message="Không đối soát được với nhà cung cấp biên lai điện tử")
            _flag(flag)
            flagged.append(flag.model_dump())
        for remote in issued:
            if remote.get("status") not in ("issued", "replaced"):
                continue
            payment = payment_of(str(remote.get("payment_ref", "")))
            number = str(remote.get("number", "")) or str(remote.get("lookup_code", ""))
            amount = int(remote["amount"]) if str(remote.get("amount", "")).isdigit() else None
            if payment is None or payment.status != "paid":
                flag = Flag(day=day.isoformat(), kind="no_payment", unit_code=str(remote.get("unit_code", "")),
                            code=str(remote.get("dossier_code", "")), payment_ref=str(remote.get("payment_ref", "")),
                            receipt=number, amount=amount,
                            message="Biên lai không có khoản thanh toán đã nộp tương ứng trong hoso")
            elif amount != payment.amount:
                flag = Flag(day=day.isoformat(), kind="amount_mismatch", code=payment.code,
                            unit_code=str(remote.get("unit_code", "")), payment_ref=payment.ref, receipt=number,
                            amount=amount, payment_amount=payment.amount,
                            message=f"Biên lai {amount} đồng, thanh toán {payment.amount} đồng")
            else:
                continue
            _flag(flag)
            flagged.append(flag.model_dump())
    if flagged:
        count_metric("ReceiptsFlagged", len(flagged))
    return flagged
