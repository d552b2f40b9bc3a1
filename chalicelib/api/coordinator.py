"""The coordination system's routes (SPEC §7.7, hoso's proposed contract): the results of liên
thông steps handed to other ministries' systems through it. The rules live in
``chalicelib.flows.coordinator``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth import current_client
from chalicelib.domain.clients import Capability
from chalicelib.flows import coordinator

bp = Blueprint(__name__)
TAGS = ("Hệ thống điều phối",)


@route(bp, coordinator.RESULTS_PATH, "POST",
       summary="Hệ thống điều phối trả kết quả bước liên thông đã chuyển cho bộ, ngành khác (ChuyenHoSoLienThong)",
       access=Access.CLIENT, capability=Capability.COORDINATOR_RESULTS, tags=TAGS,
       request=coordinator.ResultIn, responses={200: coordinator.ResultOut},
       errors=(400, 401, 403, 404, 409, 413, 422))  # fmt: skip
def coordinator_lien_thong_result() -> Any:
    _, payload = read_json(bp)
    out = coordinator.receive(current_client(), parse_model(coordinator.ResultIn, payload))
    return json_response(200, out.model_dump(mode="json"))
