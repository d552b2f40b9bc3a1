"""The daily anchor fans out on its job queue (chalicelib.jobs) against moto: the hourly schedule plans a
task per (day, shard), the worker walks each shard a page at a time and the day's last shard seals it; a
redelivered message does nothing twice, a run interrupted midway resumes from its checkpoints without a
duplicate leaf, and a seal that failed is retried by the next schedule."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest

from chalicelib import settings
from chalicelib.domain.calendar import VN_TZ
from chalicelib.integrity import anchor
from chalicelib.integrity.index import day_of
from chalicelib.integrity.service import verify_dossier
from chalicelib.jobs import runner
from chalicelib.privacy import store as access_log
from chalicelib.privacy.model import WHAT, AccessEntry
from tests.integration.integrity.test_tamper import _processed
from tests.integration.reports.conftest import REGION, World

SUBJECT = "b" * 64


@pytest.fixture
def queue(world: World, monkeypatch: pytest.MonkeyPatch) -> str:
    url = boto3.client("sqs", region_name=REGION).create_queue(QueueName="hoso-dev-job-integrity-anchor")["QueueUrl"]
    monkeypatch.setenv("HOSO_JOB_INTEGRITY_ANCHOR_QUEUE_URL", url)
    settings.reset_settings_cache()
    monkeypatch.setattr(anchor, "CATCH_UP_DAYS", 1)
    monkeypatch.setattr(anchor, "PAGE_ITEMS", 1)  # every day index item is a page of its own
    return url


def _day_with_chains(world: World) -> tuple[str, str]:
    """A processed dossier, another dossier, and five accesses to one person's data, all on one day."""
    dossier = _processed(world)
    world.desk_dossier()
    for n in range(5):
        access_log.append(SUBJECT, AccessEntry(at=dossier.updated_at, what="population_lookup",
                                               what_label=WHAT["population_lookup"], officer_sub=f"o-{n}",
                                               officer_name="Cán bộ thử", unit_code="000.00.13.H79"))
    return dossier.code, day_of(dossier.updated_at)


def _after(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=VN_TZ) + dt.timedelta(days=1, minutes=30)


def _receive(url: str) -> list[dict[str, Any]]:
    got = boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                                   VisibilityTimeout=0)
    return [{"messageId": m["MessageId"], "body": m["Body"], "receipt": m["ReceiptHandle"]}
            for m in got.get("Messages", [])]


def _work(url: str, limit: int = 10_000) -> int:
    """The worker over the queue (Lambda's poller: delete what succeeded), at most ``limit`` messages."""
    sqs, done = boto3.client("sqs", region_name=REGION), 0
    while done < limit and (messages := _receive(url)[:limit - done]):
        failed = {f["itemIdentifier"] for f in runner.handle_batch({"Records": messages}, anchor.page)
                  ["batchItemFailures"]}
        for m in messages:
            if m["messageId"] not in failed:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["receipt"])
        done += len(messages)
    return done


def _leaves(day: str) -> list[dict[str, Any]]:
    return [x for name in anchor.shard_names() for x in (anchor._get(anchor._key(day, name)) or {"leaves": []})
            ["leaves"]]


def test_the_schedule_plans_a_task_per_shard_and_the_workers_pages_seal_the_day(world: World, queue: str) -> None:
    code, day = _day_with_chains(world)
    assert anchor.schedule(_after(day)) == {"sealed": [], "planned": [day]}
    tasks = [json.loads(m["body"]) for m in _receive(queue)]
    assert {t["chain"] for t in tasks} <= set(anchor.shard_names()) and {t["run"] for t in tasks} == {day}
    pages = _work(queue)
    assert pages > 32, "a page per day index item: shards with items take more than one message"
    stored = anchor._get(anchor._key(day, "anchor"))
    assert stored is not None and stored["leaves"] == 3  # two dossiers, one subject (its last access)
    leaves = _leaves(day)
    assert sorted((x["chain"], x["seq"]) for x in leaves if x["chain"].startswith("SUBJECT#")) == \
        [(f"SUBJECT#{SUBJECT}", 5)], "a subject's five accesses, spread over five pages, are one leaf: its head"
    assert verify_dossier(code).last_anchored_day == day  # type: ignore[union-attr]
    assert anchor.schedule(_after(day)) == {"sealed": [], "planned": []}, "an anchored day is left alone"


def test_a_redelivered_message_does_nothing_twice(world: World, queue: str) -> None:
    _, day = _day_with_chains(world)
    subject_shard = f"accesslog-{anchor.shard_of(f'SUBJECT#{SUBJECT}'):02d}"
    runner.start([runner.Task(job=anchor.JOB, run=day, chain=subject_shard)])
    (first,) = _receive(queue)
    assert runner.handle_batch({"Records": [first]}, anchor.page) == {"batchItemFailures": []}
    boto3.client("sqs", region_name=REGION).delete_message(QueueUrl=queue, ReceiptHandle=first["receipt"])
    (continuation,) = _receive(queue)
    # the same message again (SQS delivers at least once): its page is done, nothing is sent
    assert runner.handle_batch({"Records": [first]}, anchor.page) == {"batchItemFailures": []}
    assert [m["messageId"] for m in _receive(queue)] == [continuation["messageId"]]
    # a duplicate continuation (another message for page 1) is dropped by the page's claim
    runner.send([runner.Task.from_json(continuation["body"])])
    _work(queue)
    shard = anchor._get(anchor._key(day, subject_shard))
    assert shard is not None and [(x["chain"], x["seq"]) for x in shard["leaves"]] == [(f"SUBJECT#{SUBJECT}", 5)]


def test_an_interrupted_run_resumes_from_its_checkpoints_without_a_duplicate_leaf(
        world: World, queue: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, day = _day_with_chains(world)
    anchor.schedule(_after(day))
    _work(queue, limit=20)  # the function stops here (timeouts, a deploy): some shards half done
    assert anchor._get(anchor._key(day, "anchor")) is None
    # a page that fails after storing its checkpoint (the continuation cannot be sent) is retried by SQS
    real_send, failures = runner.send, iter([RuntimeError("SQS unavailable")])

    def flaky_send(tasks: Any) -> int:
        err = next(failures, None)
        if err is not None:
            raise err
        return real_send(tasks)

    monkeypatch.setattr(runner, "send", flaky_send)
    # and the TSA is down when the day's last shard finishes: the seal fails on every delivery, until the
    # message goes to the DLQ (here: the queue is purged); every shard is stored
    real_timestamp, tsa_down = anchor._timestamp, [True]

    def flaky_tsa(root: str) -> bytes:
        if tsa_down[0]:
            raise RuntimeError("TSA unavailable")
        return real_timestamp(root)

    monkeypatch.setattr(anchor, "_timestamp", flaky_tsa)
    _work(queue, limit=150)
    boto3.client("sqs", region_name=REGION).purge_queue(QueueUrl=queue)
    assert anchor._get(anchor._key(day, "anchor")) is None and anchor._finished(day) == 32
    tsa_down[0] = False
    # the next hourly schedule seals the day instead of planning it again
    assert anchor.schedule(_after(day)) == {"sealed": [day], "planned": []}
    leaves = _leaves(day)
    assert len(leaves) == len({x["chain"] for x in leaves}) == 3, "no chain is a leaf twice"
    assert anchor.run(day) == anchor._get(anchor._key(day, "anchor")), "the operator's run finds the day done"


def test_the_operators_run_finishes_what_the_queue_left(world: World, queue: str) -> None:
    code, day = _day_with_chains(world)
    anchor.schedule(_after(day))
    _work(queue, limit=10)
    stored = anchor.run(day)  # python -m chalicelib.integrity.anchor <day>: the same pages, in this process
    assert stored["leaves"] == 3 and len(_leaves(day)) == 3
    assert verify_dossier(code).holds  # type: ignore[union-attr]
