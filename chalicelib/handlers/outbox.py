"""Outbox relay: DynamoDB stream of the dossiers table → one SQS message per sync
destination (and to the liên thông flows' queue) for every committed transition.

The message only says "dossier X has audit event N"; the sync handler reads the audit
trail itself from its per-destination cursor, so duplicated or reordered messages are
harmless (SPEC §7.2: every step, in order, once each in effect).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from chalicelib.aws import client
from chalicelib.observability import logger, metrics
from chalicelib.settings import get_settings
from chalicelib.sync.scope import syncs_outward


def destinations() -> dict[str, str]:
    s = get_settings()
    return {
        "dvcqg": s.sync_dvcqg_queue_url,
        "coordinator": s.sync_coordinator_queue_url,
        "province": s.sync_province_queue_url,
        # liên thông: a child dossier reaching its end answers its flow step (chalicelib.flows.hooks)
        "flows": s.agency_tasks_queue_url,
    }


def outbox_signals(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The (code, seq) signals in a batch of stream records (INSERTs of OUTBOX# items)."""
    out = []
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        image = record.get("dynamodb", {}).get("NewImage", {})
        if not image.get("sk", {}).get("S", "").startswith("OUTBOX#"):
            continue
        data = json.loads(image["data"]["S"])
        out.append({"code": data["code"], "seq": int(data["seq"])})
    return out


def relay(records: Iterable[dict[str, Any]]) -> int:
    """Send every signal to every destination queue; raise on any failure so the stream
    batch is retried (sending twice is harmless). The smoke test's dossiers go nowhere
    (chalicelib.sync.scope)."""
    signals = [s for s in outbox_signals(records) if syncs_outward(s["code"])]
    sqs = client("sqs")
    for name, url in destinations().items():
        if not url:
            continue
        for start in range(0, len(signals), 10):
            chunk = signals[start : start + 10]
            result = sqs.send_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(i), "MessageBody": json.dumps(s), "MessageAttributes": {
                        "dossier": {"DataType": "String", "StringValue": s["code"]}}}
                    for i, s in enumerate(chunk)
                ],
            )
            if result.get("Failed"):
                raise RuntimeError(f"SQS refused {len(result['Failed'])} message(s) for {name}")
    if signals:
        metrics.add_metric(name="OutboxRelayed", unit="Count", value=len(signals))
        logger.info("outbox relayed", extra={"signals": len(signals)})
    return len(signals)
