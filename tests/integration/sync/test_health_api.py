"""``/health`` for anyone, ``/v1/ops/health`` for operators (issue 11, Low): the anonymous
liveness check makes no AWS call and names no resource (it made ten calls and listed every
table, bucket and queue, so an anonymous flood cost ten AWS calls a request and a prober
learnt the deployment's names); the dependency check is an operator's."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from chalice import Chalice
from chalice.test import Client

from bench.awscalls import AwsCallRecorder
from chalicelib.api import health
from chalicelib.settings import get_settings
from local.simulators.base import RunningServer
from tests.integration.sync.conftest import DESK, OPERATOR, bearer

app = Chalice(app_name="hoso-health-test")
app.register_blueprint(health.bp)


@pytest.fixture
def api(officers: None) -> Iterator[Client]:
    with Client(app) as client:
        yield client


def _resource_names() -> list[str]:
    s = get_settings()
    queues = (s.sync_dvcqg_queue_url, s.sync_coordinator_queue_url, s.sync_province_queue_url)
    return [s.dossiers_table, s.catalogue_table, s.counters_table, s.sync_table, s.attachments_bucket,
            s.results_bucket, *(u.rsplit("/", 1)[-1] for u in queues), "hoso-dev", "dynamodb", "sqs", "s3:"]


def test_anonymous_health_makes_no_aws_call_and_names_nothing(api: Client) -> None:
    with AwsCallRecorder() as recorder:
        answers = [api.http.get("/health") for _ in range(3)]
    assert recorder.calls == [] and recorder.pynamodb_operations == []
    for answer in answers:
        assert answer.status_code == 200
        assert json.loads(answer.body) == {"status": "ok"}
        assert answer.headers["Cache-Control"] == "no-store"
        text = answer.body.decode()
        assert not [name for name in _resource_names() if name in text]


def test_the_dependency_check_is_for_operators_only(api: Client, vneid: RunningServer) -> None:
    with AwsCallRecorder() as recorder:
        anonymous = api.http.get("/v1/ops/health")
        desk = api.http.get("/v1/ops/health", headers=bearer(vneid, DESK))
    assert anonymous.status_code == 401 and desk.status_code == 403
    assert not [c for c in recorder.calls if c.service in ("s3", "sqs") or c.operation == "DescribeTable"]
    for refused in (anonymous, desk):
        assert not [name for name in _resource_names() if name in refused.body.decode()]


def test_an_operator_sees_every_dependency(api: Client, vneid: RunningServer) -> None:
    answer = api.http.get("/v1/ops/health", headers=bearer(vneid, OPERATOR))
    assert answer.status_code == 200, answer.body
    body = json.loads(answer.body)
    assert body["status"] == "ok"
    names = {d["name"] for d in body["dependencies"]}
    s = get_settings()
    tables = (s.dossiers_table, s.catalogue_table, s.counters_table, s.sync_table, s.access_log_table)
    assert {f"dynamodb:{t}" for t in tables} <= names
    assert {f"s3:{s.attachments_bucket}", f"s3:{s.results_bucket}"} <= names
    assert all(d["ok"] for d in body["dependencies"]), body
