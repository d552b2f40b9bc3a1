"""The receipt record and the outbox write (see the package).

A receipt's ``id`` is its idempotency key at the provider: ``<payment ref>-<n>`` (``n`` 1 for
the payment's first receipt, 2, 3… for replacements), so a retried issue never makes a second
receipt. The record lives in the dossier's partition (``DOSSIER#<code>`` / ``RECEIPT#<id>``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, Field
from pynamodb.attributes import JSONAttribute, NumberAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.aws import client
from chalicelib.domain.dossier import Dossier
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import DossiersTable

PREFIX: Final = "RECEIPT#"
ReceiptStatus = Literal["pending", "issued", "cancelled", "replaced"]


class ReceiptLine(BaseModel):
    code: str
    name: str
    amount: int


class Receipt(BaseModel):
    id: str = Field(description="Mã định danh biên lai trong hoso (khoá chống trùng khi gọi nhà cung cấp)")
    code: str = Field(description="Mã hồ sơ")
    unit_code: str
    procedure_code: str
    payment_ref: str = Field(description="Mã tham chiếu của khoản thanh toán")
    method: Literal["online", "cash"] = "online"
    paid_at: dt.datetime | None = None
    amount: int = Field(description="Số tiền (đồng)")
    lines: list[ReceiptLine]
    payer_name: str
    payer_id: str = ""
    payer_address: str = ""
    status: ReceiptStatus = Field("pending", description="pending: đang phát hành; issued: đã phát hành; "
                                                        "cancelled: đã huỷ; replaced: đã bị thay thế")
    number: str | None = Field(None, description="Số biên lai")
    template: str | None = Field(None, description="Mẫu số biên lai")
    series: str | None = Field(None, description="Ký hiệu biên lai")
    issued_at: dt.datetime | None = Field(None, description="Ngày phát hành")
    lookup_code: str | None = Field(None, description="Mã tra cứu biên lai tại nhà cung cấp")
    pdf_key: str | None = None
    xml_key: str | None = None
    replaces: str | None = Field(None, description="Biên lai bị thay thế (id)")
    replaced_by: str | None = Field(None, description="Biên lai thay thế (id)")
    reason: str | None = Field(None, description="Lý do huỷ hoặc thay thế")
    cancelled_at: dt.datetime | None = None
    cancelled_by: str | None = None
    attempts: int = Field(0, description="Số lần đã gọi nhà cung cấp")
    last_error: str | None = None
    notified: bool = Field(False, description="Đã gửi biên lai cho người nộp")
    created_at: dt.datetime


class ReceiptItem(DossiersTable):
    data = JSONAttribute()
    rev = NumberAttribute(default=1)  # bumped by every write; each write is conditional on it


@dataclass(frozen=True)
class Stored:
    receipt: Receipt
    rev: int


def receipt_id(payment_ref: str, n: int) -> str:
    return f"{payment_ref}-{n}"


def _sk(rid: str) -> str:
    return f"{PREFIX}{rid}"


def item(receipt: Receipt, rev: int) -> ReceiptItem:
    return ReceiptItem(pk=dossier_pk(receipt.code), sk=_sk(receipt.id), data=receipt.model_dump(mode="json"), rev=rev)


def load(code: str, rid: str) -> Stored | None:
    try:
        found = ReceiptItem.get(dossier_pk(code), _sk(rid), consistent_read=True)
    except DoesNotExist:
        return None
    return Stored(Receipt.model_validate(found.data), int(found.rev))


def put(tx: TransactWrite, stored: Stored, receipt: Receipt) -> None:
    """``receipt`` replaces ``stored`` in ``tx`` if nobody wrote it since it was read."""
    tx.save(item(receipt, stored.rev + 1), condition=ReceiptItem.rev == stored.rev)


def of_dossier(code: str) -> list[Receipt]:
    items = ReceiptItem.query(dossier_pk(code), ReceiptItem.sk.startswith(PREFIX), consistent_read=True)
    return [Receipt.model_validate(i.data) for i in items]


def of_payment(code: str, payment_ref: str) -> list[Receipt]:
    items = ReceiptItem.query(dossier_pk(code), ReceiptItem.sk.startswith(_sk(f"{payment_ref}-")),
                              consistent_read=True)
    return [Receipt.model_validate(i.data) for i in items]


def pending(*, payment_ref: str, method: Literal["online", "cash"], amount: int, lines: list[ReceiptLine],
            paid_at: dt.datetime | None, dossier: Dossier, now: dt.datetime, n: int = 1) -> Receipt:
    """The receipt to issue for a payment of ``dossier`` (payer: the applicant)."""
    applicant = dossier.applicant
    return Receipt(id=receipt_id(payment_ref, n), code=dossier.code, unit_code=dossier.unit_code,
                   procedure_code=dossier.procedure_code, payment_ref=payment_ref, method=method, paid_at=paid_at,
                   amount=amount, lines=lines, payer_name=applicant.name, payer_id=applicant.id_number,
                   payer_address=applicant.address or "", created_at=now)


def outbox(tx: TransactWrite, receipt: Receipt) -> None:
    """The "issue this receipt" side effect, in the payment's own transaction (never two)."""
    tx.save(item(receipt, 1), condition=ReceiptItem.sk.does_not_exist())


# --- the stream relay ------------------------------------------------------------------------
def signals(records: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """``{code, id}`` of every receipt that became pending (inserted, or a replacement) in a stream batch."""
    out = []
    for record in records:
        if record.get("eventName") not in ("INSERT", "MODIFY"):
            continue
        image = record.get("dynamodb", {}).get("NewImage", {})
        if not image.get("sk", {}).get("S", "").startswith(PREFIX):
            continue
        data = json.loads(image["data"]["S"]) if "S" in image.get("data", {}) else {}
        if data.get("status") == "pending" and record["eventName"] == "INSERT":
            out.append({"code": str(data["code"]), "id": str(data["id"])})
    return out


def relay(records: Iterable[dict[str, Any]]) -> int:
    """Pending receipts → the ``ereceipts`` queue (raise on a refusal: the stream batch is retried,
    and a second message for one receipt issues nothing twice)."""
    found = signals(records)
    url = get_settings().ereceipts_queue_url
    if not found or not url:
        return 0
    sqs = client("sqs")
    for start in range(0, len(found), 10):
        chunk = found[start:start + 10]
        answer = sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": json.dumps(s)} for i, s in enumerate(chunk)])
        if answer.get("Failed"):
            raise RuntimeError(f"SQS refused {len(answer['Failed'])} receipt signal(s)")
    logger.info("receipts to issue relayed", extra={"receipts": len(found)})
    return len(found)
