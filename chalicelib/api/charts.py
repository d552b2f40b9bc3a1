"""The status transition chart (FR-4.2) as administered, versioned data: read a version, publish
the next one (the ministry's administrator). Use cases: ``chalicelib.services.charts``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.routing import Access, json_response, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.domain.statuses import StatusChart
from chalicelib.errors import bad_request
from chalicelib.services import admin_access
from chalicelib.services import charts as service
from chalicelib.services.dossiers import now

bp = Blueprint(__name__)
TAGS = ("Quản trị",)


@route(bp, "/v1/admin/status-chart", "GET",
       summary="Lưu đồ chuyển đổi trạng thái: phiên bản mới nhất, hoặc ?version=N; và các phiên bản đã ban hành",
       access=Access.ADMIN, roles=("admin", "province_admin"), tags=TAGS, responses={200: service.CurrentChart},
       errors=(400, 404))
def get_status_chart() -> Any:
    params: dict[str, str] = bp.current_request.query_params or {}  # type: ignore[assignment]
    raw = params.get("version")
    if raw is not None and not (raw.isdigit() and 1 <= int(raw) <= 9999):
        raise bad_request("Tham số version phải là số từ 1 đến 9999.", "INVALID_QUERY")
    return json_response(200, service.show(int(raw) if raw else None).model_dump(mode="json"))


@route(bp, "/v1/admin/status-chart", "POST",
       summary="Ban hành phiên bản mới của lưu đồ trạng thái (đã kiểm tra); quy trình mới được kiểm tra theo phiên "
               "bản này, hồ sơ đang xử lý giữ lưu đồ của quy trình",
       access=Access.ADMIN, roles=("admin",), tags=TAGS, request=StatusChart,
       responses={201: service.PublishedChart}, errors=(403, 409, 413, 422))
def publish_status_chart() -> Any:
    _, payload = read_json(bp, 64 * 1024)
    published = service.publish(admin_access.Administrator.of(current_principal().profile), payload, now())
    return json_response(201, published.model_dump(mode="json"))


