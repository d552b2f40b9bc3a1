"""Liên thông flows over HTTP: the agencies' callback (SPEC §7.3) and the operators' view and
decisions (``docs/runbooks/lien-thong.md``). The rules live in ``chalicelib.flows``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_client, current_principal
from chalicelib.domain.clients import Capability
from chalicelib.flows import callbacks, operations

bp = Blueprint(__name__)
TAGS = ("Liên thông",)
OPS_TAGS = ("Vận hành",)


@route(bp, "/v1/flows/callback", "POST",
       summary="Cơ quan phối hợp trả kết quả một bước liên thông (task token, kết quả, giấy tờ, lý do)",
       access=Access.CLIENT, capability=Capability.FLOW_CALLBACK,
       tags=TAGS, request=callbacks.CallbackIn, responses={200: callbacks.CallbackOut},
       errors=(400, 401, 403, 409, 413, 422))  # fmt: skip
def flow_callback() -> Any:
    _, payload = read_json(bp)
    out = callbacks.receive(current_client(), parse_model(callbacks.CallbackIn, payload))
    return json_response(200, out.model_dump(mode="json"))


@route(bp, "/v1/flows/documents", "POST",
       summary="Cơ quan phối hợp lấy đường dẫn mới (ngắn hạn) tải giấy tờ của hồ sơ được chuyển liên thông",
       access=Access.CLIENT, capability=Capability.FLOW_CALLBACK,
       tags=TAGS, request=callbacks.DocumentsIn, responses={200: callbacks.DocumentsOut},
       errors=(400, 401, 403, 409, 422))  # fmt: skip
def flow_documents() -> Any:
    _, payload = read_json(bp, 16 * 1024)
    out = callbacks.documents(current_client(), parse_model(callbacks.DocumentsIn, payload))
    return json_response(200, out.model_dump(mode="json"))


@route(bp, "/v1/ops/flows/{code}", "GET", summary="Trạng thái luồng liên thông của hồ sơ và lịch sử thực thi",
       access=Access.OPERATOR, tags=OPS_TAGS, responses={200: operations.FlowView}, errors=(401, 403, 404))
def flow_view(code: str) -> Any:
    return json_response(200, operations.view(code).model_dump(mode="json"))


@route(bp, "/v1/ops/flows/{code}/decision", "POST",
       summary="Quyết định cho bước liên thông đang cảnh báo: thử lại, bỏ qua hoặc dừng luồng",
       access=Access.OPERATOR, tags=OPS_TAGS, request=operations.DecisionIn, responses={200: operations.FlowView},
       errors=(400, 401, 403, 404, 409, 422))  # fmt: skip
def flow_decision(code: str) -> Any:
    _, payload = read_json(bp)
    principal = current_principal()
    view = operations.decide(code, parse_model(operations.DecisionIn, payload), operator_sub=principal.sub,
                             operator_name=principal.name)  # fmt: skip
    return json_response(200, view.model_dump(mode="json"))
