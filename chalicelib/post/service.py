"""Postal orders and tracking callbacks (see the package)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Final, Literal

from pydantic import BaseModel, Field
from pynamodb.attributes import JSONAttribute, NumberAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib import outbound
from chalicelib.domain import engine
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Actor, Dossier
from chalicelib.domain.process import ActionKind
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DossierStatus
from chalicelib.errors import HosoError, conflict, not_found
from chalicelib.observability import logger
from chalicelib.services import dossiers as dossier_service
from chalicelib.settings import get_settings
from chalicelib.store import dossiers as dossier_repo
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import DossiersTable

POSTAL_DELIVERY: Final = "1"  # HinhThucNhanKetQua / HinhThuc: bưu chính
TRACKING_LABELS: Final = {
    "created": "Đã tạo đơn", "picked_up": "Bưu điện đã nhận kết quả", "in_transit": "Đang vận chuyển",
    "out_for_delivery": "Đang phát", "delivered": "Phát thành công", "failed_delivery": "Phát không thành công",
    "returned": "Đã chuyển hoàn", "cancelled": "Đã hủy",
}
POST_ACTOR_SUB: Final = "postal-service"
SERVICES: Final = {"BD": "Bưu phẩm bảo đảm", "EMS": "Chuyển phát nhanh EMS"}  # the postal service's codes
Service = Literal["BD", "EMS"]
PROGRESS: Final = {"created": 0, "picked_up": 1, "in_transit": 2, "out_for_delivery": 3, "failed_delivery": 4,
                   "returned": 5, "cancelled": 5, "delivered": 5}
FINAL: Final = frozenset({"delivered", "returned", "cancelled"})  # nothing changes a shipment after these
WRITE_ATTEMPTS: Final = 5


class Party(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(pattern=r"^(0|\+84)[35789]\d{8}$")
    address: str = Field(min_length=1, max_length=500)
    provinceCode: str = Field(pattern=r"^\d{2}$")  # noqa: N815 — the postal service's field names
    communeCode: str = Field(pattern=r"^\d{5}$")  # noqa: N815


class OrderItem(DossiersTable):
    data = JSONAttribute()
    rev = NumberAttribute(null=True)  # bumped by every write; each write is conditional on it


class TrackingEvent(BaseModel):
    status: str
    status_text: str
    occurred_at: str
    note: str = ""


class Quote(BaseModel):
    service: Service
    service_name: str
    fee: int = Field(description="Cước (đồng) theo báo giá của dịch vụ bưu chính")
    estimated_days: int = Field(description="Số ngày dự kiến phát")
    cod_amount: int = Field(description="Phí, lệ phí thu hộ khi phát (đồng)")


class PostOrder(BaseModel):
    code: str
    tracking_number: str
    status: str
    cod_amount: int
    service: Service = "BD"
    fee: int | None = Field(None, description="Cước do dịch vụ bưu chính tính (đồng)")
    receiver: Party
    sender: Party
    created_at: dt.datetime
    created_by: str
    history: list[TrackingEvent] = Field(default_factory=list)


def _load(code: str) -> tuple[PostOrder, int] | None:
    try:
        item = OrderItem.get(dossier_pk(code), "POST#ORDER", consistent_read=True)
    except DoesNotExist:
        return None
    return PostOrder.model_validate(item.data), int(item.rev or 0)


def get_order(code: str) -> PostOrder | None:
    loaded = _load(code)
    return loaded[0] if loaded else None


def _put(tx: TransactWrite, order: PostOrder, rev: int) -> None:
    """``order`` written in ``tx`` if nobody wrote it since it was read at ``rev`` (0: not there)."""
    condition = OrderItem.rev == rev if rev else OrderItem.rev.does_not_exist()
    tx.save(OrderItem(pk=dossier_pk(order.code), sk="POST#ORDER", data=order.model_dump(mode="json"), rev=rev + 1),
            condition=condition)


def _cod(dossier: Dossier) -> int:
    return sum(f.amount for f in dossier.fees if not f.paid and f.collection == "on_delivery")


def _unavailable() -> HosoError:
    return HosoError("POST_UNAVAILABLE", "Dịch vụ bưu chính không phản hồi, vui lòng thử lại sau.", 502)


def quote(code: str, officer: OfficerProfile, service: Service, sender: Party, receiver: Party) -> Quote:
    """The postal service's price for sending the dossier's result (nothing is booked)."""
    dossier = _orderable(dossier_service.visible_dossier(code, officer), officer)
    body = {"service": service, "sender": {"provinceCode": sender.provinceCode},
            "receiver": {"provinceCode": receiver.provinceCode}}
    try:
        answer = outbound.post_json(f"{get_settings().post_base_url.rstrip('/')}/v1/quotes", body)
    except outbound.GatewayError:
        raise _unavailable() from None
    reply = answer.json() if answer.status < 500 else {}
    if answer.status != 200 or not isinstance(reply, dict) or not isinstance(reply.get("fee"), int):
        logger.warning("postal quote refused", extra={"code": code, "status": answer.status})
        raise HosoError("POST_REFUSED", "Dịch vụ bưu chính không báo được giá cước.", 502)
    return Quote(service=service, service_name=SERVICES[service], fee=reply["fee"],
                 estimated_days=int(reply.get("estimatedDays") or 0), cod_amount=_cod(dossier))


def create_order(code: str, officer: OfficerProfile, sender: Party, receiver: Party,
                 service: Service = "BD") -> PostOrder:
    """Book the delivery with the postal service (a retry sends the same order: the service answers
    it the same), then the order and the dossier's record of it in one transaction."""
    dossier = _orderable(dossier_service.visible_dossier(code, officer), officer)
    settings = get_settings()
    body: dict[str, Any] = {
        "orderNumber": code, "service": service, "sender": sender.model_dump(), "receiver": receiver.model_dump(),
        "codAmount": _cod(dossier), "callbackUrl": f"{settings.public_base_url.rstrip('/')}/v1/post/tracking",
        "note": f"Trả kết quả hồ sơ {code}",
    }
    try:
        answer = outbound.post_json(f"{settings.post_base_url.rstrip('/')}/v1/orders", body)
    except outbound.GatewayError:
        raise _unavailable() from None
    reply = answer.json() if answer.status < 500 else {}
    if answer.status not in (200, 201) or not isinstance(reply, dict) or not reply.get("trackingNumber"):
        logger.warning("postal order refused", extra={"code": code, "status": answer.status})
        raise HosoError("POST_REFUSED", "Dịch vụ bưu chính từ chối đơn chuyển phát.", 502)
    now = dossier_service.now()
    fee = reply.get("fee")
    order = PostOrder(code=code, tracking_number=str(reply["trackingNumber"]), status="created",
                      cod_amount=body["codAmount"], service=service,
                      fee=fee if isinstance(fee, int) and not isinstance(fee, bool) else None,
                      receiver=receiver, sender=sender, created_at=now,
                      created_by=officer.sub,
                      history=[TrackingEvent(status="created", status_text=TRACKING_LABELS["created"],
                                             occurred_at=now.isoformat())])
    actor = dossier_service.actor_for(officer, dossier.unit_code, Role.DESK.value)
    for _ in range(WRITE_ATTEMPTS):
        after, event = dossier_service.recorded(
            dossier, actor=actor, action="post_order_created", label="Gửi kết quả qua dịch vụ bưu chính công ích",
            note=f"Số hiệu bưu gửi {order.tracking_number}, {SERVICES[service]}"
                 + (", cước " + f"{order.fee:,} đồng".replace(",", ".") if order.fee is not None else ""),
            update={"result_delivery": POSTAL_DELIVERY})
        try:
            dossier_repo.transition(dossier, after, event, lambda tx: _put(tx, order, 0))
        except dossier_repo.VersionConflict:
            dossier = _orderable(dossier_service.visible_dossier(code, officer), officer)
            continue
        return order
    raise conflict("Hồ sơ vừa được cập nhật, vui lòng thử lại.", "VERSION_CONFLICT")


def _orderable(dossier: Dossier, officer: OfficerProfile) -> Dossier:
    if Role.DESK not in officer.roles_in(dossier.unit_code):
        raise HosoError("FORBIDDEN_ROLE", "Chỉ cán bộ một cửa tạo đơn chuyển phát kết quả.", 403)
    if get_order(dossier.code) is not None:
        raise conflict("Hồ sơ đã có đơn chuyển phát kết quả.", "ORDER_EXISTS")
    if dossier.status != DossierStatus.PROCESSED:
        raise HosoError("RESULT_NOT_READY", "Hồ sơ chưa ở trạng thái chờ trả kết quả.", 409)
    return dossier


def _occurred(value: str) -> dt.datetime:
    """When the postal service says it happened (ISO 8601 with its offset); now if not given."""
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        if value:
            raise HosoError("INVALID_TIME", "Thời điểm occurredAt không đúng định dạng ISO 8601.", 422) from None
        return dossier_service.now()
    if at.tzinfo is None:
        raise HosoError("INVALID_TIME", "Thời điểm occurredAt phải có múi giờ (ví dụ +07:00).", 422)
    return at


def _key(event: TrackingEvent) -> tuple[dt.datetime, int]:
    """Order of events: when they happened, then how far along the delivery they are."""
    try:
        at = dt.datetime.fromisoformat(event.occurred_at)
    except ValueError:
        at = dt.datetime.min.replace(tzinfo=dt.UTC)
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)), PROGRESS.get(event.status, 0)


def _tracked(order: PostOrder, event: TrackingEvent) -> PostOrder | None:
    """The order with ``event`` in its history, or None when the event changes nothing: already
    recorded (a replay), a second delivery, or anything after the shipment's end (delivered,
    returned, cancelled). A late event that happened before the current one joins the history
    in its place and never moves the status backwards."""
    if any(h.status == event.status and h.occurred_at == event.occurred_at for h in order.history):
        return None
    final = next((h for h in order.history if h.status in FINAL), None)
    if final is not None and (event.status in FINAL or _key(event) > _key(final)):
        return None
    history = sorted([*order.history, event], key=_key)
    ended = next((h for h in history if h.status in FINAL), None)
    return order.model_copy(update={"history": history, "status": (ended or history[-1]).status})


def handle_tracking(body: dict[str, Any], procedure_allowed: Any) -> PostOrder:
    """Record one tracking callback; ``procedure_allowed(code)`` checks the caller's scope.
    The order and the dossier (its audit event; "delivered": status 10) change in one
    transaction, conditional on both being as read; a replay changes nothing (and finishes a
    delivery recorded on the order but not on the dossier)."""
    code, status = str(body.get("orderNumber", "")), str(body.get("status", ""))
    for _ in range(WRITE_ATTEMPTS):
        loaded = _load(code)
        if loaded is None or str(body.get("trackingNumber")) != loaded[0].tracking_number:
            raise not_found("Không có đơn chuyển phát này.")
        order, rev = loaded
        dossier = dossier_repo.get(code)
        if dossier is None:
            raise not_found("Không có đơn chuyển phát này.")
        procedure_allowed(dossier.procedure_code)
        if status not in TRACKING_LABELS:
            raise HosoError("INVALID_STATUS", "Trạng thái bưu gửi không hợp lệ.", 422)
        event = TrackingEvent(status=status, status_text=TRACKING_LABELS[status],
                              occurred_at=_occurred(str(body.get("occurredAt", ""))).isoformat(),
                              note=str(body.get("note", ""))[:500])
        tracked = _tracked(order, event)
        actor = Actor(sub=POST_ACTOR_SUB, name="Bưu chính công ích", role="system", unit_code=dossier.unit_code)
        note = f"Bưu gửi {order.tracking_number}: {event.status_text}" + (f" — {event.note}" if event.note else "")
        deliver = _deliver_action(dossier) if (tracked or order).status == "delivered" else None
        if tracked is None and deliver is None:
            return order  # nothing new (a replay, or after the shipment's end)
        if deliver is not None:
            after, audit = dossier_service.system_step(
                dossier, engine.ActionRequest(action_id=deliver, reason=note), actor)
        else:
            after, audit = dossier_service.recorded(dossier, actor=actor, action="post_tracking",
                                                    label="Cập nhật trạng thái bưu gửi", note=note)
        written = tracked or order
        try:
            dossier_repo.transition(dossier, after, audit, functools.partial(_put, order=written, rev=rev))
        except dossier_repo.VersionConflict:
            continue  # another callback or an officer came first: read both again
        return written
    raise conflict("Đơn chuyển phát vừa được cập nhật, vui lòng gửi lại.", "VERSION_CONFLICT")


def _deliver_action(dossier: Dossier) -> str | None:
    """The process's action that hands the result over, if the dossier is waiting for it (status 9)."""
    if dossier.status != DossierStatus.PROCESSED:
        return None
    step = dossier_service.process_of(dossier).step(dossier.step_id)
    return next((a.id for a in step.actions if a.kind is ActionKind.DELIVER_RESULT), None)
