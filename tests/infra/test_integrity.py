"""The daily anchor (issue 15) as deployed: an hourly schedule plans each finished day on its own job
queue, a worker pages the day index; the planner and the worker may write only the results bucket — the
one with Object Lock (tests/infra/test_resources.py) — with each object's own retention
(s3:PutObjectRetention), COMPLIANCE in production; they read the day indexes (dossiers, the append-only
access log: never written) and keep their checkpoints in the counters table."""

from __future__ import annotations

from typing import Any

import pytest

from infra import capacity, integrity
from infra.wiring import python_name
from tests.infra import production
from tests.infra.conftest import Synth
from tests.infra.test_functions import _event, _functions, _grants, _touched


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return production.production(tmp_path_factory)


def test_the_anchor_is_planned_every_hour_and_paged_by_its_queues_worker(repo: Synth) -> None:
    assert _event(repo, "integrity_anchor_day")["Properties"]["Schedule"] == "rate(1 hour)"
    worker = _event(repo, "integrity_anchor_pages")
    assert worker["Type"] == "SQS" and worker["Properties"]["ScalingConfig"] == {
        "MaximumConcurrency": capacity.of("dev").queue_max_concurrency["job-integrity-anchor"]}
    queue = repo.template["Resources"][worker["Properties"]["Queue"]["Fn::GetAtt"][0]]["Properties"]
    assert queue["QueueName"] == "hoso-dev-job-integrity-anchor" and "RedrivePolicy" in queue  # its DLQ


def test_the_planner_and_the_worker_write_only_the_results_bucket_with_its_retention(full: Synth) -> None:
    functions = _functions(full)
    planner = _grants(full, functions["integrity_anchor_day"])
    worker = _grants(full, functions["integrity_anchor_pages"])
    for grants in (planner, worker):
        assert _touched(grants, "s3:PutObject", "bucket") == {"results"}
        assert _touched(grants, "s3:PutObjectRetention", "bucket") == {"results"}
        assert "job-integrity-anchor" in _touched(grants, "sqs:SendMessage", "queue")
    assert _touched(worker, "sqs:SendMessage", "queue") == {"job-integrity-anchor"}
    assert _touched(planner, "sqs:SendMessage", "queue") == {"job-integrity-anchor", "integrity-anchor-day-failures"}
    assert _touched(planner, "dynamodb:PutItem", "table") == set(), "the planner only reads the finished shards"
    assert _touched(planner, "dynamodb:GetItem", "table") == {"counters"}
    assert _touched(worker, "dynamodb:PutItem", "table") == {"counters"}, "checkpoints only; never the access log"
    assert _touched(worker, "dynamodb:Query", "table") == {"dossiers", "accesslog", "counters"}


def _lock_modes(s: Synth) -> dict[str, Any]:
    return {python_name(r["Properties"]["Handler"]): r["Properties"]["Environment"]["Variables"].get(
        "HOSO_ANCHOR_LOCK_MODE") for r in s.resources("AWS::Serverless::Function").values()}


def test_anchors_are_locked_in_compliance_mode_in_production_governance_in_dev(
        full: Synth, prod: Synth) -> None:
    assert integrity.ANCHOR_LOCK_MODE["production"] == "COMPLIANCE"
    assert {_lock_modes(prod)[f] for f in ("integrity_anchor_day", "integrity_anchor_pages")} == {"COMPLIANCE"}
    assert {_lock_modes(full)[f] for f in ("integrity_anchor_day", "integrity_anchor_pages")} == {"GOVERNANCE"}
