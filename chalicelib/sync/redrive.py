"""Putting sync work back on the queues: an operator's forced resync of a dossier, and the
redrive of a destination's dead-letter queue (receive → send to the queue → delete, since
``StartMessageMoveTask`` is not available everywhere hoso runs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from chalicelib.aws import client
from chalicelib.integrations.dvcqg import DESTINATIONS
from chalicelib.observability import logger
from chalicelib.store import dossiers
from chalicelib.sync import store
from chalicelib.sync.queues import dlq_url, enqueue, queue_url

REDRIVE_BUDGET_S: Final = 20.0  # stay well inside API Gateway's 29 s
REDRIVE_MAX: Final = 5000
RECEIVE_VISIBILITY_S: Final = 60  # a message received but not moved comes back after this


class NoSuchDossier(Exception):
    """Resync of a dossier hoso does not have."""


@dataclass(frozen=True)
class Resynced:
    destination: str
    acked_before: int
    acked_after: int
    enqueued_seq: int


def resync(code: str, destination: str, *, from_start: bool, by: str,
           clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> list[Resynced]:  # fmt: skip
    """Send ``code`` again to ``destination`` (or ``"all"``): everything after the cursor, or with
    ``from_start`` everything (the cursor goes back to 0; destinations keep identical records
    once). Each intervention is audited in the sync ledger."""
    dossier = dossiers.get(code)
    if dossier is None:
        raise NoSuchDossier(code)
    targets = DESTINATIONS if destination == "all" else (destination,)
    out = []
    for target in targets:
        at = clock()
        before = store.get_cursor(code, target)
        after = before
        if from_start:
            # The destination keeps the dossier itself: the next DongBoHoSoMC stays "True".
            before, after = store.reset(code, target, acked=0, seen=before.seen, at=at, by=by)
        enqueue(target, code, dossier.seq)
        store.audit(code, target, "resync_from_start" if from_start else "resync", by=by, at=at,
                    details={"acked_before": before.acked, "acked_after": after.acked, "seq": dossier.seq})  # fmt: skip
        out.append(Resynced(target, before.acked, after.acked, dossier.seq))
    logger.info("sync resync requested", extra={"code": code, "destination": destination, "from_start": from_start,
                                                "by": by})  # fmt: skip
    return out


@dataclass(frozen=True)
class Redriven:
    destination: str
    moved: int
    remaining: int  # messages still in the DLQ (approximate, as SQS counts them)


def _attributes(message: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {k: v for k, v in value.items() if k in ("DataType", "StringValue", "BinaryValue")}
        for name, value in message.get("MessageAttributes", {}).items()
    }


def redrive(destination: str, *, budget_s: float = REDRIVE_BUDGET_S, limit: int = REDRIVE_MAX) -> Redriven:
    """Move the messages of ``destination``'s DLQ back to its queue; a message is deleted from
    the DLQ only once the queue has accepted its copy."""
    sqs = client("sqs")
    source, target = dlq_url(destination), queue_url(destination)
    deadline = time.monotonic() + budget_s
    moved = 0
    while moved < limit and time.monotonic() < deadline:
        messages = sqs.receive_message(
            QueueUrl=source, MaxNumberOfMessages=min(10, limit - moved), WaitTimeSeconds=1,
            VisibilityTimeout=RECEIVE_VISIBILITY_S, MessageAttributeNames=["All"],
        ).get("Messages", [])  # fmt: skip
        if not messages:
            break
        sent = sqs.send_message_batch(
            QueueUrl=target,
            Entries=[{"Id": str(i), "MessageBody": m["Body"], "MessageAttributes": _attributes(m)}
                     for i, m in enumerate(messages)],
        )  # fmt: skip
        accepted = [messages[int(s["Id"])] for s in sent.get("Successful", [])]
        if accepted:
            sqs.delete_message_batch(
                QueueUrl=source, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                          for i, m in enumerate(accepted)],
            )  # fmt: skip
        moved += len(accepted)
        if sent.get("Failed"):
            logger.error("redrive: the queue refused messages", extra={"destination": destination,
                                                                       "failed": len(sent["Failed"])})  # fmt: skip
            break
    remaining = int(sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["ApproximateNumberOfMessages"])
                    ["Attributes"]["ApproximateNumberOfMessages"])  # fmt: skip
    logger.info("sync DLQ redriven", extra={"destination": destination, "moved": moved, "remaining": remaining})
    return Redriven(destination, moved, remaining)
