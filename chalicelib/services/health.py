"""Is each dependency reachable? One AWS call per table, bucket and queue, with its name and
latency (``GET /v1/ops/health``, chalicelib/api/health.py); a check reports, it never raises."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from chalicelib.aws import client
from chalicelib.settings import get_settings
from chalicelib.sync.destinations import DESTINATIONS


class DependencyHealth(BaseModel):
    name: str
    ok: bool
    latency_ms: float
    detail: str = ""


def _checks() -> list[tuple[str, Callable[[], Any]]]:
    s = get_settings()
    ddb, s3, sqs = client("dynamodb"), client("s3"), client("sqs")
    checks: list[tuple[str, Callable[[], Any]]] = [
        (f"dynamodb:{t}", functools.partial(ddb.describe_table, TableName=t))
        for t in (s.dossiers_table, s.catalogue_table, s.counters_table, s.sync_table)
    ]
    # The access log's role may only put and query it: a query of a partition no entry uses.
    checks.append((f"dynamodb:{s.access_log_table}", lambda: ddb.query(
        TableName=s.access_log_table, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "HEALTH"}}, Limit=1)))
    checks += [(f"s3:{b}", functools.partial(s3.head_bucket, Bucket=b))
               for b in (s.attachments_bucket, s.results_bucket)]
    # the sync queues (chalicelib/sync/destinations.py) and agency-tasks: those the API sends to
    queues = (*(str(getattr(s, d.setting)) for d in DESTINATIONS if d.sync), s.agency_tasks_queue_url)
    checks += [
        (f"sqs:{u.rsplit('/', 1)[-1]}",
         functools.partial(sqs.get_queue_attributes, QueueUrl=u, AttributeNames=["QueueArn"]))
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
