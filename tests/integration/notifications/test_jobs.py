"""Scheduled jobs fanned out over SQS (chalicelib/jobs), the deadline sweep as the example,
against moto: the schedule plans a task per unit on the job's queue, the worker walks each
unit a page at a time and sends the continuation; a redelivered or duplicated message does not
act twice; a unit that keeps failing ends in the DLQ while the others are done.

The queue is pumped here the way Lambda's poller does (a batch of up to ten, the handler's
``batchItemFailures`` kept, the rest deleted; a failed message comes back after its visibility
timeout, 0 s here, and moves to the DLQ after ``maxReceiveCount`` receives)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from chalicelib import aws
from chalicelib.jobs import runner
from chalicelib.jobs.runner import Page, Task
from chalicelib.notifications import store, sweep
from chalicelib.settings import reset_settings_cache
from chalicelib.store import catalogue
from tests.integration.notifications.conftest import UNIT, World, account

RECEIVES = 3  # maxReceiveCount of the test queue


@dataclass
class Queue:
    url: str
    dlq: str

    def pump(self, page: Callable[[Task], Page]) -> list[dict[str, Any]]:
        """Deliver until the queue is empty; answers every invocation's batch (bodies) and result."""
        sqs = boto3.client("sqs", region_name="ap-southeast-1")
        invocations: list[dict[str, Any]] = []
        for _ in range(200):
            got = sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return invocations
            records = [{"messageId": m["MessageId"], "body": m["Body"]} for m in got]
            result = runner.handle_batch({"Records": records}, page)
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            for m in got:
                if m["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=self.url, ReceiptHandle=m["ReceiptHandle"])
            invocations.append({"tasks": [Task.from_json(m["Body"]) for m in got], "failed": failed})
        raise AssertionError("the job never finished")

    def dead(self) -> list[Task]:
        sqs = boto3.client("sqs", region_name="ap-southeast-1")
        got = sqs.receive_message(QueueUrl=self.dlq, MaxNumberOfMessages=10).get("Messages", [])
        return [Task.from_json(m["Body"]) for m in got]


@pytest.fixture
def queue(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Queue]:
    sqs = boto3.client("sqs", region_name="ap-southeast-1")
    dlq = sqs.create_queue(QueueName="hoso-dev-job-deadline-sweep-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName="hoso-dev-job-deadline-sweep", Attributes={
        "VisibilityTimeout": "0",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(RECEIVES)}),
    })["QueueUrl"]
    monkeypatch.setenv("HOSO_JOB_DEADLINE_SWEEP_QUEUE_URL", url)
    reset_settings_cache()
    aws.reset_clients()
    yield Queue(url, dlq)
    reset_settings_cache()
    aws.reset_clients()


def overdue(world: World, n: int) -> tuple[list[str], dt.datetime]:
    made = [world.desk_dossier() for _ in range(n)]
    due = max(d.due_at for d in made if d.due_at is not None)
    return [d.code for d in made], due + dt.timedelta(minutes=5)


def reminded(role: str) -> set[str]:
    return {n.dossier_code for n in store.page(account(role)["sub"], limit=100).items}


def test_the_sweep_is_planned_per_unit_and_walks_a_big_unit_page_by_page(
        world: World, queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sweep, "PAGE_SIZE", 2)
    codes, at = overdue(world, 5)
    units = {u.code for u in catalogue.list_units()}
    assert runner.start(sweep.plan(at)) == len(units) >= 3, "the schedule only plans: a task per unit"

    invocations = queue.pump(sweep.page)

    tasks = [t for i in invocations for t in i["tasks"]]
    pages = sorted(t.page for t in tasks if t.chain == UNIT)
    assert pages == [0, 1, 2], "5 overdue dossiers, 2 a page: the unit's chain continued twice"
    assert all(t.cursor is not None for t in tasks if t.chain == UNIT and t.page > 0), "the checkpoint travels"
    assert sorted(t.chain for t in tasks if t.page == 0) == sorted(units)
    assert reminded("desk") == reminded("head") == set(codes), "every dossier of the unit reached, once"
    assert queue.dead() == []


def test_a_redelivered_or_duplicated_message_does_not_act_twice(world: World, queue: Queue,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sweep, "PAGE_SIZE", 2)
    codes, at = overdue(world, 3)
    [task] = [t for t in sweep.plan(at) if t.chain == UNIT]
    calls: list[Task] = []

    def counted(t: Task) -> Page:
        calls.append(t)
        return sweep.page(t)

    first = runner.work(task, "message-1", counted)
    assert first is not None and first.summary.notifications == 4  # 2 dossiers × (desk, head)
    assert runner.work(task, "message-1", counted) is None, "redelivered after it was done: nothing again"
    assert runner.work(task, "message-2", counted) is None, "another message for the same page: dropped"
    assert len(calls) == 1
    sqs = boto3.client("sqs", region_name="ap-southeast-1")
    [continuation] = sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10)["Messages"]
    assert Task.from_json(continuation["Body"]).page == 1, "one continuation, sent once"

    sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=continuation["ReceiptHandle"])
    sqs.send_message(QueueUrl=queue.url, MessageBody=continuation["Body"])  # the same page twice
    sqs.send_message(QueueUrl=queue.url, MessageBody=continuation["Body"])
    queue.pump(counted)
    assert [t.page for t in calls] == [0, 1], "the duplicated page was worked once"
    assert reminded("desk") == set(codes) and len(store.page(account("desk")["sub"], limit=100).items) == 3


def test_a_failing_unit_goes_to_the_dlq_after_its_retries_and_does_not_block_the_others(
        world: World, queue: Queue) -> None:
    codes, at = overdue(world, 2)
    broken = next(u.code for u in catalogue.list_units() if u.code != UNIT)

    def failing_for_one_unit(task: Task) -> Page:
        if task.chain == broken:
            raise RuntimeError("this unit's data cannot be read")
        return sweep.page(task)

    runner.start(sweep.plan(at))
    invocations = queue.pump(failing_for_one_unit)

    assert [t.chain for t in queue.dead()] == [broken], "kept in the DLQ with its cursor, for a redrive"
    tried = [t.chain for i in invocations for t in i["tasks"]]
    assert tried.count(broken) == RECEIVES
    assert reminded("desk") == set(codes), "the other units were swept"
    partial = [i for i in invocations if i["failed"] and len(i["tasks"]) > len(i["failed"])]
    assert partial, "the failure was reported per message: the rest of its batch went through"


def test_a_message_redriven_from_the_dlq_resumes_its_chain(world: World, queue: Queue,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The redrive sends the dead message anew (a new message id): its page, claimed by the old
    message and never done, is taken over once the old claim is older than an invocation can live."""
    codes, at = overdue(world, 2)
    broken = {"yes": True}

    def failing_until_fixed(task: Task) -> Page:
        if task.chain == UNIT and broken["yes"]:
            raise RuntimeError("this unit's data cannot be read")
        return sweep.page(task)

    runner.start([t for t in sweep.plan(at) if t.chain == UNIT])
    queue.pump(failing_until_fixed)
    [dead] = queue.dead()
    broken["yes"] = False
    sqs = boto3.client("sqs", region_name="ap-southeast-1")

    sqs.send_message(QueueUrl=queue.url, MessageBody=dead.to_json())  # redriven at once: the old claim is fresh
    queue.pump(failing_until_fixed)
    assert reminded("desk") == set(), "a message for a page another message is working is dropped"

    monkeypatch.setattr(runner, "CLAIM_LEASE_S", -1)  # as if the lease had passed since the last attempt
    sqs.send_message(QueueUrl=queue.url, MessageBody=dead.to_json())
    queue.pump(failing_until_fixed)
    assert reminded("desk") == reminded("head") == set(codes), "the redriven page was worked"
    assert runner.work(dead, "the-old-message", failing_until_fixed) is None, "the page is done: nothing again"
