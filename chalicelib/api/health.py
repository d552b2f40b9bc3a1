"""Health, in two parts:

- ``GET /health`` (anyone; load balancers, uptime probes, the local stack's readiness wait):
  the API answers. It makes no AWS call and names nothing, so an anonymous flood costs one
  Lambda invocation per request and teaches a prober nothing about the deployment.
- ``GET /v1/ops/health`` (operators): is each dependency reachable? One AWS call per table,
  bucket and queue, with their names and latencies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from chalice import Blueprint
from pydantic import BaseModel

from chalicelib.api.routing import Access, json_response, route
from chalicelib.aws import client
from chalicelib.settings import get_settings

bp = Blueprint(__name__)
TAGS = ("Vận hành",)
NO_STORE = {"Cache-Control": "no-store"}


class LivenessOut(BaseModel):
    status: str


class DependencyHealth(BaseModel):
    name: str
    ok: bool
    latency_ms: float
    detail: str = ""


class HealthOut(BaseModel):
    status: str
    stage: str
    dependencies: list[DependencyHealth]


def _checks() -> list[tuple[str, Callable[[], Any]]]:
    s = get_settings()
    ddb, s3, sqs = client("dynamodb"), client("s3"), client("sqs")
    checks: list[tuple[str, Callable[[], Any]]] = [
        (f"dynamodb:{t}", lambda t=t: ddb.describe_table(TableName=t))
        for t in (s.dossiers_table, s.catalogue_table, s.counters_table, s.sync_table)
    ]
    # The access log's role may only put and query it: a query of a partition no entry uses.
    checks.append((f"dynamodb:{s.access_log_table}", lambda: ddb.query(
        TableName=s.access_log_table, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "HEALTH"}}, Limit=1)))
    checks += [(f"s3:{b}", lambda b=b: s3.head_bucket(Bucket=b)) for b in (s.attachments_bucket, s.results_bucket)]
    queues = (s.sync_dvcqg_queue_url, s.sync_coordinator_queue_url, s.sync_province_queue_url, s.agency_tasks_queue_url)
    checks += [
        (f"sqs:{u.rsplit('/', 1)[-1]}", lambda u=u: sqs.get_queue_attributes(QueueUrl=u, AttributeNames=["QueueArn"]))
        for u in queues
        if u
    ]
    return checks


def check_dependencies() -> list[DependencyHealth]:
    out = []
    for name, check in _checks():
        started = time.perf_counter()
        try:
            check()
            ok, detail = True, ""
        except Exception as exc:  # a health check reports, it never raises
            ok, detail = False, type(exc).__name__
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        out.append(DependencyHealth(name=name, ok=ok, latency_ms=latency_ms, detail=detail))
    return out


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
