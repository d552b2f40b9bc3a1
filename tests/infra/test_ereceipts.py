"""E-receipts in the synthesised stack: the ereceipts queue (with its DLQ) feeds issue_receipts,
only the outbox relay sends to it, the worker holds the provider's credential, the settings reach
the functions, and the reconciliation's findings are alarmed."""

from __future__ import annotations

import json
from typing import Any

from infra.ereceipts import FLAGGED_METRIC, REFUSED_METRIC
from infra.resources import physical_name
from tests.infra.conftest import STAGE, Synth


def _queue_id(s: Synth, name: str) -> str:
    (qid,) = [k for k, r in s.resources("AWS::SQS::Queue").items()
              if r["Properties"]["QueueName"] == physical_name(STAGE, name)]
    return qid


def _function(s: Synth, name: str) -> dict[str, Any]:
    (fn,) = [r for r in s.resources("AWS::Serverless::Function").values()
             if r["Properties"].get("FunctionName") == physical_name(STAGE, name.replace("_", "-"))]
    return fn


def test_the_ereceipts_queue_feeds_the_worker(repo: Synth) -> None:
    qid = _queue_id(repo, "ereceipts")
    assert "RedrivePolicy" in repo.resources("AWS::SQS::Queue")[qid]["Properties"]
    events = [e["Properties"] for e in _function(repo, "issue_receipts")["Properties"]["Events"].values()]
    assert [e["Queue"] for e in events] == [{"Fn::GetAtt": [qid, "Arn"]}]
    assert events[0]["ScalingConfig"]["MaximumConcurrency"] >= 2
    assert events[0]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_only_the_outbox_relay_sends_receipts_to_issue(repo: Synth) -> None:
    qid = _queue_id(repo, "ereceipts")
    senders = [rid for rid, role in repo.resources("AWS::IAM::Role").items()
               if "sqs:SendMessage" in json.dumps(role) and qid in json.dumps(role)]
    assert len(senders) == 1 and senders[0].startswith("RoleOutboxRelay")


def test_the_worker_has_the_provider_settings(repo: Synth) -> None:
    env = _function(repo, "issue_receipts")["Properties"]["Environment"]["Variables"]
    assert env["HOSO_ERECEIPT_SECRET_ID"] == f"hoso/{STAGE}/ereceipt-credentials"
    assert {"ERECEIPT_BASE_URL", "HOSO_ERECEIPT_UNITS", "HOSO_ERECEIPTS_QUEUE_URL"} <= set(env)


def test_flagged_and_refused_receipts_are_alarmed(repo: Synth) -> None:
    alarms = {r["Properties"].get("MetricName"): r["Properties"]
              for r in repo.resources("AWS::CloudWatch::Alarm").values()}
    for metric in (FLAGGED_METRIC, REFUSED_METRIC):
        assert alarms[metric]["Threshold"] == 0 and alarms[metric]["AlarmActions"], metric
        assert "docs/ereceipts.md" in alarms[metric]["AlarmDescription"]
