"""Outbox relay: DynamoDB stream of the dossiers table → one event per committed transition,
published once to the ``dossier-events`` SNS topic (``PublishBatch``, ten a call). The topic's
filtered subscriptions (``chalicelib.sync.destinations``: one SQS queue per consumer) deliver
each event to the consumers that have something to do with it.

The event only says "dossier X has audit event N"; the sync handler reads the audit trail
itself from its per-destination cursor, so duplicated or reordered messages are harmless
(SPEC §7.2: every step, in order, once each in effect).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from chalicelib.aws import client
from chalicelib.observability import logger, metrics
from chalicelib.settings import get_settings
from chalicelib.sync.destinations import attributes
from chalicelib.sync.scope import syncs_outward

BATCH = 10  # SNS PublishBatch's limit


def outbox_events(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The outbox data of a batch of stream records (INSERTs of OUTBOX# items)."""
    out = []
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        image = record.get("dynamodb", {}).get("NewImage", {})
        if not image.get("sk", {}).get("S", "").startswith("OUTBOX#"):
            continue
        out.append(json.loads(image["data"]["S"]))
    return out


def outbox_signals(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The (code, seq) signals in a batch of stream records: each event's message body."""
    return [{"code": data["code"], "seq": int(data["seq"])} for data in outbox_events(records)]


def relay(records: Iterable[dict[str, Any]]) -> int:
    """Publish every signal once to the topic; raise on any failure so the stream batch is
    retried (publishing twice is harmless). The smoke test's dossiers go nowhere
    (chalicelib.sync.scope); without a topic (a test world without consumers) nothing is sent."""
    events = [e for e in outbox_events(records) if syncs_outward(e["code"])]
    topic = get_settings().dossier_events_topic_arn
    if not topic:
        return 0
    sns = client("sns")
    for start in range(0, len(events), BATCH):
        chunk = events[start : start + BATCH]
        result = sns.publish_batch(
            TopicArn=topic,
            PublishBatchRequestEntries=[
                {"Id": str(i), "Message": json.dumps({"code": e["code"], "seq": int(e["seq"])}),
                 "MessageAttributes": {
                     "dossier": {"DataType": "String", "StringValue": e["code"]},
                     **{k: {"DataType": "String", "StringValue": v} for k, v in attributes(e).items()}}}
                for i, e in enumerate(chunk)
            ],
        )  # fmt: skip
        if result.get("Failed"):
            raise RuntimeError(f"SNS refused {len(result['Failed'])} event(s)")
    if events:
        metrics.add_metric(name="OutboxRelayed", unit="Count", value=len(events))
        logger.info("outbox relayed", extra={"events": len(events)})
    return len(events)
