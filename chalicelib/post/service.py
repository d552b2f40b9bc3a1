"""Postal orders and tracking callbacks (see the package)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from pydantic import BaseModel, Field
from pynamodb.attributes import JSONAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.documents import http
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


class Party(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(pattern=r"^(0|\+84)[35789]\d{8}$")
    address: str = Field(min_length=1, max_length=500)
    provinceCode: str = Field(pattern=r"^\d{2}$")  # noqa: N815 — the postal service's field names
    communeCode: str = Field(pattern=r"^\d{5}$")  # noqa: N815


class OrderItem(DossiersTable):
    data = JSONAttribute()


class TrackingEvent(BaseModel):
    status: str
    status_text: str
    occurred_at: str
    note: str = ""


class PostOrder(BaseModel):
    code: str
    tracking_number: str
    status: str
    cod_amount: int
    receiver: Party
    sender: Party
    created_at: dt.datetime
    created_by: str
    history: list[TrackingEvent] = Field(default_factory=list)


def get_order(code: str) -> PostOrder | None:
    try:
        return PostOrder.model_validate(OrderItem.get(dossier_pk(code), "POST#ORDER", consistent_read=True).data)
    except DoesNotExist:
        return None


def _save(order: PostOrder) -> None:
    OrderItem(pk=dossier_pk(order.code), sk="POST#ORDER", data=order.model_dump(mode="json")).save()


def _cod(dossier: Dossier) -> int:
    return sum(f.amount for f in dossier.fees if not f.paid and f.collection == "on_delivery")


def create_order(code: str, officer: OfficerProfile, sender: Party, receiver: Party) -> PostOrder:
    dossier = dossier_service.visible_dossier(code, officer)
    if Role.DESK not in officer.roles_in(dossier.unit_code):
        raise HosoError("FORBIDDEN_ROLE", "Chỉ cán bộ một cửa tạo đơn chuyển phát kết quả.", 403)
    if dossier.status != DossierStatus.PROCESSED:
        raise HosoError("RESULT_NOT_READY", "Hồ sơ chưa ở trạng thái chờ trả kết quả.", 409)
    if get_order(code) is not None:
        raise conflict("Hồ sơ đã có đơn chuyển phát kết quả.", "ORDER_EXISTS")
    settings = get_settings()
    body: dict[str, Any] = {
        "orderNumber": code, "sender": sender.model_dump(), "receiver": receiver.model_dump(),
        "codAmount": _cod(dossier), "callbackUrl": f"{settings.public_base_url.rstrip('/')}/v1/post/tracking",
        "note": f"Trả kết quả hồ sơ {code}",
    }
    try:
        answer = http.post_json(f"{settings.post_base_url.rstrip('/')}/v1/orders", body)
    except http.GatewayError:
        raise HosoError("POST_UNAVAILABLE", "Dịch vụ bưu chính không phản hồi, vui lòng thử lại sau.", 502) from None
    reply = answer.json() if answer.status < 500 else {}
    if answer.status not in (200, 201) or not isinstance(reply, dict) or not reply.get("trackingNumber"):
        logger.warning("postal order refused", extra={"code": code, "status": answer.status})
        raise HosoError("POST_REFUSED", "Dịch vụ bưu chính từ chối đơn chuyển phát.", 502)
    now = dossier_service.now()
    order = PostOrder(code=code, tracking_number=str(reply["trackingNumber"]), status="created",
                      cod_amount=body["codAmount"], receiver=receiver, sender=sender, created_at=now,
                      created_by=officer.sub,
                      history=[TrackingEvent(status="created", status_text=TRACKING_LABELS["created"],
                                             occurred_at=now.isoformat())])
    _save(order)
    dossier_service.record(
        code, actor=dossier_service.actor_for(officer, dossier.unit_code, Role.DESK.value),
        action="post_order_created", label="Gửi kết quả qua dịch vụ bưu chính công ích",
        note=f"Số hiệu bưu gửi {order.tracking_number}", change=lambda d: {"result_delivery": POSTAL_DELIVERY},
        expected_version=dossier.version,
    )
    return order


def handle_tracking(body: dict[str, Any], procedure_allowed: Any) -> PostOrder:
    """Record one tracking callback; ``procedure_allowed(code)`` checks the caller's scope."""
    code, status = str(body.get("orderNumber", "")), str(body.get("status", ""))
    order = get_order(code)
    if order is None or str(body.get("trackingNumber")) != order.tracking_number:
        raise not_found("Không có đơn chuyển phát này.")
    dossier = dossier_repo.get(code)
    if dossier is None:
        raise not_found("Không có đơn chuyển phát này.")
    procedure_allowed(dossier.procedure_code)
    if status not in TRACKING_LABELS:
        raise HosoError("INVALID_STATUS", "Trạng thái bưu gửi không hợp lệ.", 422)
    event = TrackingEvent(status=status, status_text=TRACKING_LABELS[status],
                          occurred_at=str(body.get("occurredAt", "")), note=str(body.get("note", ""))[:500])
    if event in order.history:
        return order  # a redelivered callback
    order = order.model_copy(update={"status": status, "history": [*order.history, event]})
    _save(order)
    actor = Actor(sub=POST_ACTOR_SUB, name="Bưu chính công ích", role="system", unit_code=dossier.unit_code)
    note = f"Bưu gửi {order.tracking_number}: {event.status_text}" + (f" — {event.note}" if event.note else "")
    if status == "delivered" and dossier.status == DossierStatus.PROCESSED:
        step = dossier_service.process_of(dossier).step(dossier.step_id)
        action = next((a.id for a in step.actions if a.kind is ActionKind.DELIVER_RESULT), None)
        if action is not None:
            dossier_service.system_act(code, engine.ActionRequest(action_id=action, reason=note), actor)
            return order
    dossier_service.record(code, actor=actor, action="post_tracking", label="Cập nhật trạng thái bưu gửi", note=note)
    return order
