"""A poison message dead-letters without blocking the others, for every function that consumes
an SQS queue in the synthesised template (generated from it: a new consumer is covered).

Each consumer gets a twin of its queue in the stack's moto (1 s visibility, two receives before
the dead-letter queue, so the test takes seconds, not the production quarter of an hour) and the
stack's dispatcher delivers it to the real handler exactly as it delivers the real queue (the
function's own batch size and ``ReportBatchItemFailures``). Sent: a message that can never be
processed, then dossier-change signals ``{"code", "seq"}`` of real dossiers, as the outbox relay
publishes them — or, to a scheduled job's worker, the tasks its schedule plans; to ``agency_tasks``
(the state machines' task messages only) abandonments of dossiers in no flow, which it takes and
ignores; to ``migration_chunks`` chunks of a run that does not exist, answered as failed."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.integrity import anchor
from chalicelib.notifications import sweep
from chalicelib.payments import service as payments
from chalicelib.sync import reconcile
from local.dispatcher import Invocation
from local.provision import FunctionEvent, FunctionSpec
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack, ensure_template
from tests.security.stack import Caller

POISON = '{"code": "not closed'
GOOD = 4


def consumer_handlers() -> list[str]:
    """Handlers of the template's functions with an SQS event (read when the tests are collected)."""
    template = json.loads(ensure_template("dev").read_text(encoding="utf-8"))
    return sorted(
        r["Properties"]["Handler"].rpartition(".")[2] for r in template["Resources"].values()
        if r["Type"] == "AWS::Serverless::Function"
        and any(e["Type"] == "SQS" for e in (r["Properties"].get("Events") or {}).values())
    )


def _consumer(stack: LocalStack, handler: str) -> tuple[FunctionSpec, FunctionEvent]:
    assert stack.provisioned is not None
    spec = stack.provisioned.function(handler)
    (event,) = spec.events_of("SQS")
    return spec, event


def _twin(stack: LocalStack, name: str) -> tuple[str, str, str]:
    sqs = boto3.client("sqs", endpoint_url=stack.moto_url, region_name=stack.region)
    dlq = sqs.create_queue(QueueName=f"fault-{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=f"fault-{name}", Attributes={
        "VisibilityTimeout": "1",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}),
    })["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn, dlq


def _drain(stack: LocalStack, spec: FunctionSpec, event: FunctionEvent, dlq: str,
           timeout_s: float = 40) -> tuple[list[Invocation], list[dict[str, Any]]]:
    """Deliver the twin queue to the handler until the poison is in the DLQ and nothing is left."""
    sqs = boto3.client("sqs", endpoint_url=stack.moto_url, region_name=stack.region)
    assert stack.dispatcher is not None and event.queue_url
    batch = int(event.properties.get("BatchSize", 10))
    outcomes: list[Invocation] = []
    dead: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=event.queue_url, MaxNumberOfMessages=min(10, batch), WaitTimeSeconds=1,
                                  MessageSystemAttributeNames=["All"]).get("Messages", [])
        if got:
            outcomes.append(stack.dispatcher.deliver_sqs(spec, event, got))
        dead += sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        left = sqs.get_queue_attributes(QueueUrl=event.queue_url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        if dead and not got and all(int(v) == 0 for v in left.values()):
            break
    return outcomes, dead


def _signals(stack: LocalStack, staff: dict[str, Caller], real: FunctionEvent) -> list[str]:
    """Signals of new dossiers, once the real pipeline is done with them (a sync worker holding a
    dossier's lease would rightly defer the twin's message)."""
    out = []
    for _ in range(GOOD):
        created = staff["desk"].post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
        assert created.status_code == 201, created.text
        out.append(json.dumps({"code": created.json()["dossier"]["code"], "seq": 1}))
    sqs = boto3.client("sqs", endpoint_url=stack.moto_url, region_name=stack.region)
    deadline = time.monotonic() + 15
    time.sleep(1)  # the outbox relay's stream poll
    while time.monotonic() < deadline:
        left = sqs.get_queue_attributes(QueueUrl=real.queue_url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        if all(int(v) == 0 for v in left.values()):
            break
        time.sleep(0.3)
    return out


def _job_tasks(handler: str) -> list[str] | None:
    """What a job's schedule sends its worker now (None: ``handler`` is no job worker)."""
    now = datetime.now(UTC)
    plans = {"deadline_sweep_pages": lambda: sweep.plan(now), "reconcile_dvcqg_pages": lambda: reconcile.plan(now),
             "reconcile_payments_pages": lambda: payments.reconcile_plan(now.date()),
             "integrity_anchor_pages": lambda: anchor.plan("2001-01-01")}  # a day of its own, never another's
    return [t.to_json() for t in plans[handler]()] if handler in plans else None


def _task_messages(handler: str) -> list[str] | None:
    """What agency-tasks carries — Step Functions' task messages, no dossier signal — harmlessly: an
    abandonment of a dossier in no flow (None: ``handler`` is not ``agency_tasks``)."""
    if handler != "agency_tasks":
        return None
    return [json.dumps({"kind": "abandoned", "execution": f"fault-{i}", "dossier": f"000.00.13.H26-260101-{9000 + i}",
                        "flow": "birth_flow", "error": "States.Timeout"}) for i in range(GOOD)]  # fmt: skip


def _chunk_messages(handler: str) -> list[str] | None:
    """What migration-chunks carries — a migration run's chunk with its task token — harmlessly: chunks of
    a run that does not exist, each answered as failed to a token nobody waits for (None: ``handler`` is
    not ``migration_chunks``)."""
    if handler != "migration_chunks":
        return None
    return [json.dumps({"task_token": f"fault-{i}", "run_id": f"fault-{i}", "mode": "validate",
                        "bucket": "hoso-dev-migration", "key": f"fault/dossiers-{i:05d}.jsonl", "sync": False})
            for i in range(GOOD)]


@pytest.mark.parametrize("handler", consumer_handlers())
def test_a_poison_message_dead_letters_without_blocking_the_others(stack: LocalStack, staff: dict[str, Caller],
                                                                   handler: str) -> None:
    spec, real = _consumer(stack, handler)
    url, arn, dlq = _twin(stack, f"{spec.handler_name}-{uuid.uuid4().hex[:6]}")
    event = dataclasses.replace(real, queue_url=url, queue_arn=arn)
    sqs = boto3.client("sqs", endpoint_url=stack.moto_url, region_name=stack.region)
    signals = (_job_tasks(spec.handler_name) or _task_messages(spec.handler_name)
               or _chunk_messages(spec.handler_name) or _signals(stack, staff, real))
    poison_id = sqs.send_message(QueueUrl=url, MessageBody=POISON)["MessageId"]
    good_ids = {sqs.send_message(QueueUrl=url, MessageBody=body)["MessageId"] for body in signals}

    outcomes, dead = _drain(stack, spec, event, dlq)

    assert [m["Body"] for m in dead] == [POISON], f"{spec.handler_name}: the DLQ holds {[m['Body'] for m in dead]}"
    assert dead[0]["MessageId"] == poison_id
    assert outcomes and outcomes[0].ok, f"{spec.handler_name}: the first batch failed as a whole: {outcomes[0]}"
    failed_ids = {f["itemIdentifier"] for o in outcomes if isinstance(o.result, dict)
                  for f in o.result.get("batchItemFailures", [])}
    assert failed_ids == {poison_id}, f"{spec.handler_name}: good messages failed too: {failed_ids - {poison_id}}"
    assert good_ids.isdisjoint(m["MessageId"] for m in dead)
