"""Result delivery by post (SPEC §7.5): book the delivery, the postal service's tracking callbacks."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_client, current_principal
from chalicelib.auth.clients import require_procedure
from chalicelib.domain.clients import Capability
from chalicelib.post import service as post

bp = Blueprint(__name__)
TAGS = ("Bưu chính",)


class OrderIn(BaseModel):
    sender: post.Party
    receiver: post.Party
    service: post.Service = Field("BD", description="BD: bưu phẩm bảo đảm; EMS: chuyển phát nhanh")
    model_config = {"extra": "forbid"}


class TrackingIn(BaseModel):
    orderNumber: str  # noqa: N815 — the postal service's field names
    trackingNumber: str  # noqa: N815
    status: str
    statusText: str = ""  # noqa: N815
    occurredAt: str = ""  # noqa: N815
    note: str = ""


@route(bp, "/v1/dossiers/{code}/post-order", "POST", summary="Gửi kết quả qua dịch vụ bưu chính công ích",
       access=Access.OFFICER, roles=("desk",), tags=TAGS, request=OrderIn, responses={201: post.PostOrder},
       errors=(403, 404, 409, 422, 502))
def create_order(code: str) -> Any:
    body: OrderIn = parse_model(OrderIn, read_json(bp, 16 * 1024)[1])
    order = post.create_order(code, current_principal().profile, body.sender, body.receiver, body.service)
    return json_response(201, order.model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/post-quote", "POST",
       summary="Báo giá cước gửi kết quả qua bưu chính (dịch vụ bưu chính tính; không tạo đơn)",
       access=Access.OFFICER, roles=("desk",), tags=TAGS, request=OrderIn, responses={200: post.Quote},
       errors=(403, 404, 409, 422, 502))
def quote(code: str) -> Any:
    body: OrderIn = parse_model(OrderIn, read_json(bp, 16 * 1024)[1])
    answer = post.quote(code, current_principal().profile, body.service, body.sender, body.receiver)
    return json_response(200, answer.model_dump(mode="json"))


@route(bp, "/v1/post/tracking", "POST", summary="Dịch vụ bưu chính báo trạng thái bưu gửi",
       access=Access.CLIENT, capability=Capability.POST_TRACKING,
       tags=TAGS, request=TrackingIn, responses={200: post.PostOrder}, errors=(404, 422))
def tracking() -> Any:
    body: TrackingIn = parse_model(TrackingIn, read_json(bp, 16 * 1024)[1])
    client = current_client()
    order = post.handle_tracking(body.model_dump(), lambda procedure: require_procedure(client, procedure))
    return json_response(200, order.model_dump(mode="json"))
