"""The sync queues: one per destination (``chalicelib.sync.destinations``), each with its
dead-letter queue (read from the queue's ``RedrivePolicy``, as infra declares it)."""

from __future__ import annotations

import json
from functools import cache

from chalicelib.aws import client
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.sync.destinations import BY_NAME, SYNC
from chalicelib.sync.scope import syncs_outward


class QueueNotConfigured(Exception):
    """The destination's queue URL is not set, or the queue has no dead-letter queue."""


def queue_url(destination: str) -> str:
    if destination not in SYNC:
        raise ValueError(f"unknown sync destination {destination!r}")
    url = str(getattr(get_settings(), BY_NAME[destination].setting))
    if not url:
        raise QueueNotConfigured(f"no queue URL for {destination}")
    return url


@cache
def _dlq_of(url: str) -> str:
    attributes = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]
    if "RedrivePolicy" not in attributes:
        raise QueueNotConfigured(f"{url} has no dead-letter queue")
    arn = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
    account, name = arn.split(":")[4:6]
    # Same endpoint as the queue (on AWS and locally), the DLQ's own account and name.
    return f"{url.rsplit('/', 2)[0]}/{account}/{name}"


def dlq_url(destination: str) -> str:
    return _dlq_of(queue_url(destination))


def enqueue(destination: str, code: str, seq: int) -> None:
    """Ask ``destination``'s handler to bring ``code`` up to date (the outbox relay's message);
    never for a smoke-test dossier (chalicelib.sync.scope)."""
    if not syncs_outward(code):
        logger.info("smoke-test dossier: not synced", extra={"code": code, "destination": destination})
        return
    client("sqs").send_message(
        QueueUrl=queue_url(destination),
        MessageBody=json.dumps({"code": code, "seq": seq}),
        MessageAttributes={"dossier": {"DataType": "String", "StringValue": code}},
    )


def reset_cache() -> None:
    _dlq_of.cache_clear()
