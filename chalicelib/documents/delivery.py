"""Result delivery at the one-stop desk (FR-18.4–18.6).

The desk officer records who receives the result — the applicant, or someone on their behalf
(người nhận thay / được ủy quyền) with the authorisation document —, the fee receipt (biên lai)
for whatever is still unpaid, and whether the originals were checked against the electronic
copies. Until the originals are checked the result is **not delivered**: the attempt is
recorded ("chưa trả kết quả", the dossier stays in status 9) and the desk comes back to it.
Once checked, the process's ``deliver_result`` action moves the dossier to status 10.

Each attempt is ONE transaction, conditional on the dossier's version: the dossier (the
receipted fees marked paid, the place of delivery and — originals checked — the process's
``deliver_result`` action, which the process must allow), its audit event and the structured
record of the attempts beside it (``DOSSIER#<code>`` / ``DELIVERY`` in the dossiers table).
Nothing is half-written: a failed write leaves the dossier, its trail and the record as they were.

The receiver's identity paper is checked by the officer (``id_checked``); the applicant's own
personal number must come with the applicant's name; the originals compared are listed.

Who is a proxy is derived, never taken from the request: anyone whose personal number is not
the applicant's, and anyone receiving for an organisation (giấy giới thiệu / ủy quyền).
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

from pydantic import BaseModel, Field
from pynamodb.attributes import JSONAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import engine
from chalicelib.domain.catalogue import OfficerProfile, Procedure
from chalicelib.domain.dossier import Dossier, Fee
from chalicelib.domain.identifiers import clean_text, control_characters, nfc
from chalicelib.domain.process import ActionKind
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DossierStatus
from chalicelib.errors import FieldError, HosoError, conflict
from chalicelib.post import service as post
from chalicelib.services import dossiers as dossier_service
from chalicelib.store import catalogue
from chalicelib.store import dossiers as dossier_repo
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import DossiersTable

CITIZEN: Final = "1"  # LoaiDoiTuong: công dân
ON_DELIVERY: Final = "on_delivery"  # FeeItem.collected: thu khi trả kết quả
AT_DESK: Final = "0"  # HinhThucNhanKetQua / HinhThuc: tại Bộ phận Một cửa
PAYMENT_METHODS: Final = {"tien_mat": "tiền mặt", "chuyen_khoan": "chuyển khoản", "the": "thẻ ngân hàng"}
State = Literal["not_ready", "awaiting_delivery", "pending_originals", "delivered"]


class Receiver(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="Họ tên người nhận kết quả")
    id_number: str = Field(pattern=r"^\d{12}$", description="Số định danh cá nhân của người nhận")
    phone: str | None = Field(None, pattern=r"^(0|\+84)[35789]\d{8}$")
    authorisation: str = Field("", max_length=500, description="Văn bản ủy quyền / giấy giới thiệu: số, ngày, nơi "
                                                                "chứng thực (bắt buộc khi nhận thay)")
    authorisation_doc_id: str | None = Field(None, max_length=64,
                                             description="Tài liệu của hồ sơ là bản chụp văn bản ủy quyền")
    model_config = {"extra": "forbid"}


class DeskFeeReceipt(BaseModel):
    number: str = Field(min_length=1, max_length=50, description="Số biên lai")
    symbol: str = Field("", max_length=50, description="Ký hiệu biên lai")
    amount: int = Field(ge=0, description="Số tiền (đồng)")
    method: Literal["tien_mat", "chuyen_khoan", "the"] = "tien_mat"
    model_config = {"extra": "forbid"}


class DeliveryIn(BaseModel):
    receiver: Receiver
    id_checked: bool = Field(False, description="Cán bộ đã kiểm tra giấy tờ tùy thân (CCCD, hộ chiếu) của người nhận")
    originals_checked: bool = Field(description="Đã đối chiếu bản chính với bản điện tử (hoặc không phải đối chiếu)")
    originals: list[str] = Field(default_factory=list, max_length=50,
                                 description="Mã thành phần hồ sơ đã đối chiếu bản chính")
    note: str = Field("", max_length=1000)
    fee_receipt: DeskFeeReceipt | None = Field(None,
                                               description="Biên lai thu phí, lệ phí còn phải nộp khi nhận kết quả")
    model_config = {"extra": "forbid"}


class DeliveryAttempt(BaseModel):
    at: dt.datetime
    by_sub: str
    by_name: str
    receiver: Receiver
    proxy: bool
    id_checked: bool = False
    originals_checked: bool
    originals: list[str] = Field(default_factory=list)
    note: str = ""
    outcome: Literal["delivered", "pending_originals"]


class ReceiptRecord(DeskFeeReceipt):
    fees: list[str] = Field(default_factory=list, description="Mã các khoản phí, lệ phí đã thu")
    recorded_at: dt.datetime
    recorded_by: str


class DeskDelivery(BaseModel):
    code: str
    attempts: list[DeliveryAttempt] = Field(default_factory=list)
    receipts: list[ReceiptRecord] = Field(default_factory=list)
    delivered_at: dt.datetime | None = None


class DeliveryView(BaseModel):
    code: str
    status: int
    state: State = Field(description="not_ready: chưa có kết quả; awaiting_delivery: chờ trả; pending_originals: "
                                     "chưa trả do chưa đối chiếu bản chính; delivered: đã trả")
    result_delivery: str = Field(description="HinhThucNhanKetQua: 0 tại quầy, 1 bưu chính, 2 điện tử")
    finished_at: dt.datetime | None
    on_time: bool | None = Field(description="Hoàn thành xử lý đúng hạn (so với ngày hẹn trả)")
    delivered_at: dt.datetime | None
    unpaid_fees: list[Fee]
    desk: DeskDelivery | None
    post_order: post.PostOrder | None


class DeliveryItem(DossiersTable):
    data = JSONAttribute()


# --- rules (pure) ----------------------------------------------------------------------------
def money(amount: int) -> str:
    """An amount as written in Vietnamese: ``1.500.000 đồng``."""
    return f"{amount:,} đồng".replace(",", ".")


def is_proxy(dossier: Dossier, receiver: Receiver) -> bool:
    return dossier.applicant.kind != CITIZEN or receiver.id_number != dossier.applicant.id_number


def same_name(a: str, b: str) -> bool:
    """Two spellings of one name: case and spacing aside (the diacritics count: Lê is not Lễ)."""
    return " ".join(nfc(a).casefold().split()) == " ".join(nfc(b).casefold().split())


def owed(dossier: Dossier, procedure: Procedure | None) -> list[Fee]:
    """The fees still to collect: the dossier's unpaid fee lines or, when it has none, the
    procedure's fees collected on delivery (thu khi trả kết quả)."""
    lines = dossier.fees or [Fee(code=f.code, name=f.name, amount=f.amount, kind=f.kind, collection=f.collected)
                             for f in (procedure.fees if procedure else []) if f.collected == ON_DELIVERY]
    return [f for f in lines if not f.paid]


def check(dossier: Dossier, request: DeliveryIn, unpaid: list[Fee]) -> list[FieldError]:
    """What is wrong with this delivery of ``dossier`` whose ``unpaid`` fees are due (empty: nothing)."""
    errors = []
    receiver = request.receiver
    for where, value, multiline in (("receiver.name", receiver.name, False),
                                    ("receiver.authorisation", receiver.authorisation, False),
                                    ("note", request.note, True)):
        if control_characters(value, multiline=multiline):
            errors.append(FieldError(where, "Có ký tự điều khiển không hợp lệ."))
    if not request.id_checked:
        errors.append(FieldError("id_checked", "Vui lòng kiểm tra giấy tờ tùy thân (căn cước, hộ chiếu) của người "
                                               "nhận kết quả."))
    if (not is_proxy(dossier, receiver) and not same_name(receiver.name, dossier.applicant.name)
            and not any(e.field == "receiver.name" for e in errors)):
        errors.append(FieldError("receiver.name", "Họ tên người nhận không khớp với chủ hồ sơ có số định danh này "
                                                  f"({dossier.applicant.name}); người khác nhận thay phải dùng số định "
                                                  "danh của chính mình và văn bản ủy quyền."))
    if is_proxy(dossier, receiver) and not clean_text(receiver.authorisation):
        errors.append(FieldError("receiver.authorisation", "Người nhận thay phải có văn bản ủy quyền hoặc giấy giới "
                                                           "thiệu; vui lòng ghi số, ngày của văn bản."))
    if receiver.authorisation_doc_id is not None and not any(
            d.id == receiver.authorisation_doc_id and not d.deleted for d in dossier.documents):
        errors.append(FieldError("receiver.authorisation_doc_id", "Không có tài liệu này trong hồ sơ."))
    due = sum(f.amount for f in unpaid)
    if due and request.fee_receipt is None:
        errors.append(FieldError("fee_receipt", f"Hồ sơ còn {money(due)} phí, lệ phí chưa nộp: vui lòng ghi biên lai."))
    elif request.fee_receipt is not None and request.fee_receipt.amount != due:
        errors.append(FieldError("fee_receipt.amount", "Số tiền trên biên lai phải bằng số phí, lệ phí còn phải nộp "
                                                       f"({money(due)})."))
    return errors


def summary(dossier: Dossier, request: DeliveryIn) -> str:
    """The audit note: who received it, on whose authority, the receipt, the originals."""
    r = request.receiver
    who = f"Người nhận: {clean_text(r.name)} (số định danh {r.id_number})"
    if is_proxy(dossier, r):
        who += f", nhận thay theo {clean_text(r.authorisation)}"
    parts = [who]
    if request.fee_receipt is not None:
        receipt = request.fee_receipt
        number = f"{receipt.symbol} {receipt.number}".strip()
        parts.append(f"Biên lai số {number}, {money(receipt.amount)}, {PAYMENT_METHODS[receipt.method]}")
    parts.append("Đã đối chiếu bản chính" if request.originals_checked
                 else "Chưa đối chiếu được bản chính: chưa trả kết quả")
    if clean_text(request.note):
        parts.append(clean_text(request.note))
    return "; ".join(parts)


def state_of(dossier: Dossier, desk: DeskDelivery | None) -> State:
    if dossier.status == DossierStatus.DELIVERED:
        return "delivered"
    if dossier.status != DossierStatus.PROCESSED:
        return "not_ready"
    if desk is not None and desk.attempts and desk.attempts[-1].outcome == "pending_originals":
        return "pending_originals"
    return "awaiting_delivery"


# --- storage ---------------------------------------------------------------------------------
def get_desk(code: str) -> DeskDelivery | None:
    try:
        return DeskDelivery.model_validate(DeliveryItem.get(dossier_pk(code), "DELIVERY", consistent_read=True).data)
    except DoesNotExist:
        return None


def _item(record: DeskDelivery) -> DeliveryItem:
    return DeliveryItem(pk=dossier_pk(record.code), sk="DELIVERY", data=record.model_dump(mode="json"))


# --- use cases -------------------------------------------------------------------------------
def view(code: str, officer: OfficerProfile) -> DeliveryView:
    dossier = dossier_service.visible_dossier(code, officer)
    desk = get_desk(code)
    on_time = (dossier.finished_at <= dossier.due_at) if dossier.finished_at and dossier.due_at else None
    return DeliveryView(code=code, status=dossier.status, state=state_of(dossier, desk),
                        result_delivery=dossier.result_delivery, finished_at=dossier.finished_at, on_time=on_time,
                        delivered_at=dossier.delivered_at,
                        unpaid_fees=owed(dossier, catalogue.get_procedure(dossier.procedure_code)), desk=desk,
                        post_order=post.get_order(code))


def _deliver_action(dossier: Dossier, officer: OfficerProfile) -> str:
    process = dossier_service.process_of(dossier)
    step = process.step(dossier.step_id)
    allowed = engine.available_actions(dossier, process, officer.roles_in(dossier.unit_code), officer.sub)
    action = next((a.id for a in step.actions if a.kind is ActionKind.DELIVER_RESULT and a.id in allowed), None)
    if action is None:
        raise HosoError("DELIVERY_NOT_AVAILABLE", "Bước hiện tại của hồ sơ không có thao tác trả kết quả cho bạn.", 409)
    return action


def deliver_at_desk(code: str, officer: OfficerProfile, request: DeliveryIn) -> DeliveryView:
    """One attempt at the desk, written in one transaction (see the module)."""
    dossier = dossier_service.visible_dossier(code, officer)
    if Role.DESK not in officer.roles_in(dossier.unit_code):
        raise HosoError("FORBIDDEN_ROLE", "Chỉ cán bộ một cửa trả kết quả tại Bộ phận Một cửa.", 403)
    if dossier.status != DossierStatus.PROCESSED:
        raise HosoError("RESULT_NOT_READY", "Hồ sơ chưa ở trạng thái chờ trả kết quả.", 409)
    order = post.get_order(code)
    if order is not None and order.status not in ("returned", "cancelled"):
        raise HosoError("DELIVERY_BY_POST", "Kết quả đang được chuyển qua dịch vụ bưu chính công ích.", 409)
    action = _deliver_action(dossier, officer)
    unpaid = owed(dossier, catalogue.get_procedure(dossier.procedure_code))
    errors = check(dossier, request, unpaid)
    if errors:
        raise HosoError("INVALID_DELIVERY", "Thông tin trả kết quả chưa đầy đủ.", 422, errors=errors)

    note = summary(dossier, request)
    receipted = [f.code for f in unpaid] if request.fee_receipt is not None else []
    actor = dossier_service.actor_for(officer, dossier.unit_code, Role.DESK.value)
    update: dict[str, object] = {"result_delivery": AT_DESK} if request.originals_checked else {}
    if receipted:
        update["fees"] = [f.model_copy(update={"paid": True}) if f.code in receipted else f
                          for f in (dossier.fees or unpaid)]
    if request.originals_checked:
        after, event = engine.apply(
            dossier.model_copy(update=update), dossier_service.process_of(dossier),
            engine.ActionRequest(action_id=action, reason=note), actor=actor,
            roles=officer.roles_in(dossier.unit_code),
            timing=dossier_service.timing_for(dossier.procedure_code, dossier.unit_code, dossier_service.now()),
            separate_duties=dossier_service.separate_duties(dossier.procedure_code),
            chart=dossier_service.chart_of(dossier_service.process_of(dossier)))
    else:
        after, event = dossier_service.recorded(dossier, actor=actor, action="result_not_delivered",
                                                label="Chưa trả kết quả: chưa đối chiếu đủ bản chính", note=note,
                                                update=update)
    desk = get_desk(code) or DeskDelivery(code=code)
    receiver = request.receiver.model_copy(update={"name": clean_text(request.receiver.name),
                                                    "authorisation": clean_text(request.receiver.authorisation)})
    attempt = DeliveryAttempt(at=event.at, by_sub=officer.sub, by_name=officer.name, receiver=receiver,
                              proxy=is_proxy(dossier, request.receiver), id_checked=request.id_checked,
                              originals_checked=request.originals_checked, originals=request.originals,
                              note=clean_text(request.note),
                              outcome="delivered" if request.originals_checked else "pending_originals")
    receipts = desk.receipts + ([ReceiptRecord(**request.fee_receipt.model_dump(), fees=receipted,
                                               recorded_at=event.at, recorded_by=officer.sub)]
                                if request.fee_receipt else [])
    desk = desk.model_copy(update={"attempts": [*desk.attempts, attempt], "receipts": receipts,
                                   "delivered_at": event.at if request.originals_checked else None})
    try:  # the record is only ever written with a change of the dossier: its version guards both
        dossier_repo.transition(dossier, after, event, lambda tx: tx.save(_item(desk)))
    except dossier_repo.VersionConflict:
        raise conflict("Hồ sơ vừa được cập nhật, vui lòng tải lại và thử lại.", "VERSION_CONFLICT") from None
    return view(code, officer)
