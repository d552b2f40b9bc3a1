"""The dossier-events topic for the tests' in-process moto worlds: the topic and a subscription
per queue the world has, with the registry's filter policies and raw delivery
(``chalicelib.sync.destinations``, as infra/fanout.py subscribes them)."""

from __future__ import annotations

import json
from collections.abc import Mapping

import boto3

from chalicelib.sync.destinations import DESTINATIONS, TOPIC


def subscribe(urls: Mapping[str, str], region: str, stage: str = "dev") -> str:
    """The topic's ARN; ``urls``: the world's queues by destination name (others are not subscribed)."""
    sns, sqs = boto3.client("sns", region_name=region), boto3.client("sqs", region_name=region)
    topic = str(sns.create_topic(Name=f"hoso-{stage}-{TOPIC}")["TopicArn"])
    for d in DESTINATIONS:
        if d.name not in urls:
            continue
        arn = sqs.get_queue_attributes(QueueUrl=urls[d.name], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes = {"RawMessageDelivery": "true"}
        if d.filter is not None:
            attributes["FilterPolicy"] = json.dumps(dict(d.filter))
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return topic
