"""The one fan-out of committed dossier changes (docs/adr/0008-one-fan-out.md).

The outbox relay publishes each change once to the ``dossier-events`` SNS topic (encrypted
with the stack's key, TLS only); every consumer in ``chalicelib.sync.destinations`` has its SQS
queue (built with the others, with its DLQ: ``HosoStack._queue``) subscribed with raw message
delivery — the consumer gets the relay's message body and its attributes unchanged — and the
destination's filter policy. ``SqsSubscription`` writes each queue's policy (only this topic
may send) and lets SNS use the key. SNS → SQS delivery costs nothing; a delivery SNS gives up
on (after its retries) raises an alarm.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions

from chalicelib.sync.destinations import DESTINATIONS
from infra import monitoring
from infra.resources import EVENTS_TOPIC, physical_name

RUNBOOK = f"{monitoring.RUNBOOK_SYNC}#dossier-events-delivery-failed"


def filter_policy(destination_filter: dict[str, list[str]] | None) -> dict[str, sns.SubscriptionFilter] | None:
    if destination_filter is None:
        return None
    return {key: sns.SubscriptionFilter.string_filter(allowlist=values) for key, values in destination_filter.items()}


def add_fanout(stack: Any) -> dict[str, sns.Topic]:
    """The topic and its subscriptions (the queues exist already); the topics by name, for the roles."""
    topic = sns.Topic(
        stack,
        "DossierEvents",
        topic_name=physical_name(stack.stage, EVENTS_TOPIC),
        display_name=f"hoso {stack.stage} dossier events",
        master_key=stack.key,
        enforce_ssl=True,
    )
    for d in DESTINATIONS:
        topic.add_subscription(subscriptions.SqsSubscription(
            stack.queues[d.queue], raw_message_delivery=True,
            filter_policy=filter_policy(dict(d.filter) if d.filter is not None else None)))  # fmt: skip
    return {EVENTS_TOPIC: topic}


def add_fanout_alarms(stack: Any) -> None:
    """SNS could not deliver an event to a queue (after its retries): a consumer misses a change."""
    topic = stack.topics[EVENTS_TOPIC]
    monitoring.Alarms(stack).alarm(
        "dossier-events-delivery-failed",
        topic.metric_number_of_notifications_failed(period=cdk.Duration.minutes(5), statistic="Sum"),
        "SNS could not deliver dossier events to a consumer's queue (queue policy, key policy or a deleted queue).",
        "read the topic's delivery failures, fix the queue or key policy, then resync the dossiers changed "
        "meanwhile (reconciliation does DVCQG; an operator's resync the others).",
        RUNBOOK,
    )
