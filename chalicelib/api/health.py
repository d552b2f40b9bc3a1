"""Health, in two parts:

- ``GET /health`` (anyone; load balancers, uptime probes, the local stack's readiness wait):
  the API answers. It makes no AWS call and names nothing, so an anonymous flood costs one
  Lambda invocation per request and teaches a prober nothing about the deployment.
- ``GET /v1/ops/health`` (operators): is each dependency reachable? One AWS call per table,
  bucket and queue, with their names and latencies.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel

from chalicelib.api.routing import Access, json_response, route
from chalicelib.services.health import DependencyHealth, check_dependencies
from chalicelib.settings import get_settings

bp = Blueprint(__name__)
TAGS = ("Vận hành",)
NO_STORE = {"Cache-Control": "no-store"}


class LivenessOut(BaseModel):
    status: str


class HealthOut(BaseModel):
    status: str
    stage: str
    dependencies: list[DependencyHealth]


@route(bp, "/health", "GET", summary="Hệ thống đang hoạt động (không kiểm tra thành phần phụ thuộc)",
       access=Access.PUBLIC, tags=TAGS, responses={200: LivenessOut})
def health() -> Any:
    return json_response(200, LivenessOut(status="ok").model_dump(), NO_STORE)


@route(bp, "/v1/ops/health", "GET", summary="Tình trạng từng thành phần phụ thuộc (bảng, bucket, hàng đợi)",
       access=Access.OPERATOR, tags=TAGS, responses={200: HealthOut, 503: HealthOut})
def dependencies_health() -> Any:
    deps = check_dependencies()
    ok = all(d.ok for d in deps)
    body = HealthOut(status="ok" if ok else "degraded", stage=get_settings().stage, dependencies=deps)
    return json_response(200 if ok else 503, body.model_dump(), NO_STORE)
