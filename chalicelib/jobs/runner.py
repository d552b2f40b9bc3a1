"""Scheduled jobs fanned out over SQS, with checkpoints.

A schedule (``deadline_sweep``, ``reconcile_dvcqg``, ``reconcile_payments``) only *plans*: it
sends one ``Task`` per chain of work — a unit, an hour of changed dossiers, a day of payments —
to the job's own queue. The job's worker takes each task, does one bounded **page** of it (a
Query with ``Limit`` from the task's cursor, never a Scan) and, when more remains, sends the
**continuation**: the same chain, the next page number, the cursor (DynamoDB's
``LastEvaluatedKey``) where this page stopped. No invocation walks more than a page, however
many dossiers there are; chains run in parallel, up to the worker's concurrency.

Redelivery is harmless. Before working, a message **claims** its page
(``JOB#<job>#<run>#<chain>`` / ``PAGE#<n>`` in the counters table, conditional: free, already
this message's, or abandoned): a duplicate continuation (another message for the same page) is
dropped; the same message redelivered after its page was done (``done``) does nothing;
redelivered after a failure midway it works the page again — what a page does is idempotent
(notifications and payments applied once, cursor resets to what DVCQG holds). A page that
keeps failing is reported in ``batchItemFailures``: the other messages of the batch go on, and
after the queue's ``maxReceiveCount`` the message waits in the job's DLQ (alarmed) with its
cursor. A redrive sends it back as a new message (SQS gives it a new id): its page is not done
and its last attempt is older than ``CLAIM_LEASE_S`` — no invocation lives that long —, so the
claim is **abandoned** and the redriven message takes it over and resumes the chain where it
stopped (the old message, were it ever delivered again, finds the page not its own).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.aws import client
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store.models import JobPageItem

CLAIM_TTL_S = 7 * 86400
CLAIM_LEASE_S = 900  # Lambda's longest invocation: a claim older than that, not done, was abandoned


@dataclass(frozen=True)
class Task:
    """One message: page ``page`` of chain ``chain`` of run ``run`` of ``job``."""

    job: str
    run: str  # the run's moment (ISO): every chain of one schedule firing shares it
    chain: str  # what this chain walks: a unit, an hour, a day
    page: int = 0
    cursor: dict[str, Any] | None = None  # where the page before stopped (None: the start)
    args: dict[str, Any] = field(default_factory=dict)  # the job's own parameters

    def follow(self, cursor: dict[str, Any]) -> Task:
        return replace(self, page=self.page + 1, cursor=cursor)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, body: str) -> Task:
        raw = json.loads(body)
        if not isinstance(raw, dict) or not {"job", "run", "chain"} <= raw.keys():
            raise ValueError("not a job task")
        return cls(job=str(raw["job"]), run=str(raw["run"]), chain=str(raw["chain"]), page=int(raw.get("page", 0)),
                   cursor=raw.get("cursor"), args=dict(raw.get("args") or {}))


@dataclass(frozen=True)
class Page:
    """What one page did (``summary``: counts and findings, logged) and where it stopped."""

    summary: Any
    cursor: dict[str, Any] | None = None  # None: the chain is finished


PageFn = Callable[[Task], Page]
QUEUE_SETTINGS = {"deadline_sweep": "job_deadline_sweep_queue_url",
                  "reconcile_dvcqg": "job_reconcile_dvcqg_queue_url",
                  "reconcile_payments": "job_reconcile_payments_queue_url",
                  "integrity_anchor": "job_integrity_anchor_queue_url"}


def queue_url(job: str) -> str:
    url = str(getattr(get_settings(), QUEUE_SETTINGS[job]))
    if not url:
        raise RuntimeError(f"no queue URL for job {job!r}")
    return url


def send(tasks: Iterable[Task]) -> int:
    """Send tasks to their jobs' queues, ten to a request; answers how many were sent."""
    by_job: dict[str, list[Task]] = {}
    for task in tasks:
        by_job.setdefault(task.job, []).append(task)
    sent = 0
    for job, group in by_job.items():
        url = queue_url(job)
        for i in range(0, len(group), 10):
            chunk = group[i:i + 10]
            answer = client("sqs").send_message_batch(
                QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": t.to_json()} for n, t in enumerate(chunk)])
            if answer.get("Failed"):
                raise RuntimeError(f"job {job}: {len(answer['Failed'])} tasks not sent: {answer['Failed']}")
            sent += len(chunk)
    return sent


def start(tasks: list[Task]) -> int:
    """What a schedule does: plan, send, log."""
    sent = send(tasks)
    logger.info("job planned", extra={"jobs": sorted({t.job for t in tasks}), "tasks": sent})
    return sent


# --- the worker ------------------------------------------------------------------------------
def _claim_key(task: Task) -> tuple[str, str]:
    return f"JOB#{task.job}#{task.run}#{task.chain}", f"PAGE#{task.page:06d}"


def _claim(task: Task, message_id: str) -> JobPageItem | None:
    """This page for ``message_id``; None when another message has it (a duplicate continuation
    working it or that finished it) or this message finished it already (redelivered after its
    page was done). A claim not done whose last attempt is older than ``CLAIM_LEASE_S`` is taken
    over (a message redriven from the DLQ)."""
    pk, sk = _claim_key(task)
    now = int(time.time())
    item = JobPageItem(pk=pk, sk=sk, message=message_id, done=False, claimed_at=now, expires_at=now + CLAIM_TTL_S)
    not_done = JobPageItem.done == False  # noqa: E712
    abandoned = not_done & (JobPageItem.claimed_at.does_not_exist() | (JobPageItem.claimed_at < now - CLAIM_LEASE_S))
    free_ours_or_abandoned = (JobPageItem.pk.does_not_exist() | ((JobPageItem.message == message_id) & not_done)
                              | abandoned)  # fmt: skip
    try:
        item.save(condition=free_ours_or_abandoned)
        return item
    except PutError as err:
        if err.cause_response_code != "ConditionalCheckFailedException":
            raise
    return None


def work(task: Task, message_id: str, page: PageFn) -> Page | None:
    """One message: claim its page, work it, send the continuation, mark it done. None: nothing
    to do (a duplicate, or this message's page was done already)."""
    claim = _claim(task, message_id)
    if claim is None:
        logger.info("job page claimed already (done, or by another message)", extra={"task": asdict(task)})
        return None
    started = time.monotonic()
    outcome = page(task)
    if outcome.cursor is not None:
        send([task.follow(outcome.cursor)])
    claim.update(actions=[JobPageItem.done.set(True)])
    logger.info("job page done", extra={"job": task.job, "run": task.run, "chain": task.chain, "page": task.page,
                                        "more": outcome.cursor is not None,
                                        "seconds": round(time.monotonic() - started, 3),
                                        "summary": _loggable(outcome.summary)})
    return outcome


def _loggable(summary: Any) -> Any:
    return asdict(summary) if hasattr(summary, "__dataclass_fields__") else summary


def handle_batch(event: Mapping[str, Any], page: PageFn) -> dict[str, Any]:
    """The worker's SQS batch: each message on its own; failures are reported per message."""
    failures = []
    for record in event["Records"]:
        try:
            work(Task.from_json(record["body"]), record["messageId"], page)
        except Exception:
            logger.exception("job page failed; retried, then kept in the job's DLQ",
                             extra={"message_id": record["messageId"], "body": record["body"][:500]})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def drain(tasks: Iterable[Task], page: PageFn) -> list[Page]:
    """Every page of ``tasks``' chains in this process, one after the other: the same pages the
    worker runs (tests, and an operator's one-off run outside the queue)."""
    out = []
    for task in tasks:
        current: Task | None = task
        while current is not None:
            outcome = page(current)
            out.append(outcome)
            current = current.follow(outcome.cursor) if outcome.cursor is not None else None
    return out
