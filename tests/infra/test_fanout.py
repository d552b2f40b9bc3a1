"""The one fan-out in the template (infra/fanout.py): the dossier-events topic, encrypted and
TLS-only; one subscription per consumer of the registry (chalicelib/sync/destinations.py) with
raw delivery and the registry's filter policy; each queue's policy lets only this topic send,
the key lets SNS use it; each queue has its DLQ; an alarm on undelivered events; the relay's
role publishes to the topic and sends to none of the consumers' queues — and the IAM call check
(infra/iam_check.py) allows the relay's PublishBatch, and refuses its old SendMessage."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.edata.model import STREAM_MARK
from chalicelib.sync.destinations import DESTINATIONS
from infra import iam_check
from infra.resources import EVENT_QUEUES, physical_name
from tests.infra.conftest import STAGE, Synth

TOPIC = physical_name(STAGE, "dossier-events")
RELAY = physical_name(STAGE, "outbox-relay")
ACCOUNT, REGION = iam_check.ACCOUNT_ID, iam_check.REGION


def _topic(s: Synth) -> tuple[str, dict[str, Any]]:
    ((lid, topic),) = [(k, r) for k, r in s.resources("AWS::SNS::Topic").items()
                       if r["Properties"]["TopicName"] == TOPIC]  # fmt: skip
    return lid, topic["Properties"]


def _queue_lid(s: Synth, name: str) -> str:
    (lid,) = [k for k, r in s.resources("AWS::SQS::Queue").items()
              if r["Properties"]["QueueName"] == physical_name(STAGE, name)]  # fmt: skip
    return lid


def test_the_topic_is_encrypted_and_each_consumer_subscribed_with_its_filter(repo: Synth) -> None:
    lid, topic = _topic(repo)
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [next(iter(repo.resources("AWS::KMS::Key"))), "Arn"]}
    subscriptions = {s["Endpoint"]["Fn::GetAtt"][0]: s for s in (
        r["Properties"] for r in repo.resources("AWS::SNS::Subscription").values())
        if s["TopicArn"] == {"Ref": lid}}  # fmt: skip
    assert set(subscriptions) == {_queue_lid(repo, d.queue) for d in DESTINATIONS}
    for d in DESTINATIONS:
        s = subscriptions[_queue_lid(repo, d.queue)]
        assert (s["Protocol"], s["RawMessageDelivery"]) == ("sqs", True), d.name
        assert s.get("FilterPolicy") == (dict(d.filter) if d.filter else None), d.name
    assert subscriptions[_queue_lid(repo, "sync-province")]["FilterPolicy"] == {"province": ["yes"]}


def test_only_the_topic_may_send_to_the_queues_and_sns_may_use_the_key(repo: Synth) -> None:
    lid, _ = _topic(repo)
    allowed: dict[str, Any] = {}
    for policy in repo.resources("AWS::SQS::QueuePolicy").values():
        for st in policy["Properties"]["PolicyDocument"]["Statement"]:
            if st["Effect"] == "Allow" and st.get("Principal") == {"Service": "sns.amazonaws.com"}:
                allowed[st["Resource"]["Fn::GetAtt"][0]] = st
    assert set(allowed) == {_queue_lid(repo, q) for q in EVENT_QUEUES}
    for st in allowed.values():
        assert st["Action"] == "sqs:SendMessage"
        assert st["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": lid}}}
    (key,) = repo.resources("AWS::KMS::Key").values()
    assert any(st.get("Principal") == {"Service": "sns.amazonaws.com"} and "kms:GenerateDataKey" in st["Action"]
               for st in key["Properties"]["KeyPolicy"]["Statement"])


def test_each_consumers_queue_has_its_dlq_and_undelivered_events_raise_an_alarm(repo: Synth) -> None:
    queues = repo.resources("AWS::SQS::Queue")
    for q in EVENT_QUEUES:
        assert "deadLetterTargetArn" in queues[_queue_lid(repo, q)]["Properties"]["RedrivePolicy"], q
    lid, _ = _topic(repo)
    alarms = [a["Properties"] for a in repo.resources("AWS::CloudWatch::Alarm").values()
              if a["Properties"].get("MetricName") == "NumberOfNotificationsFailed"]  # fmt: skip
    assert [a["Dimensions"] for a in alarms] == [[{"Name": "TopicName", "Value": {"Fn::GetAtt": [lid, "TopicName"]}}]]
    assert alarms[0]["AlarmActions"]


def test_the_relay_publishes_to_the_topic_and_sends_to_no_consumer_queue(repo: Synth) -> None:
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:{TOPIC}"
    publish = {"function": RELAY, "service": "sns", "operation": "PublishBatch", "action": "sns:Publish",
               "resource": topic}
    assert iam_check.check(repo.template, [publish]).denied == []
    for q in EVENT_QUEUES:
        send = {"function": RELAY, "service": "sqs", "operation": "SendMessageBatch", "action": "sqs:SendMessage",
                "resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{physical_name(STAGE, q)}"}
        assert [n.action for n, _ in iam_check.check(repo.template, [send]).denied] == ["sqs:SendMessage"], q
    other = {**publish, "resource": f"arn:aws:sns:{REGION}:{ACCOUNT}:{physical_name(STAGE, 'alarms')}"}
    assert [n.resource for n, _ in iam_check.check(repo.template, [other]).denied] == [other["resource"]]


def _stream_mapping(s: Synth, name: str) -> dict[str, Any]:
    (fn,) = [r for r in s.resources("AWS::Serverless::Function").values()
             if r["Properties"].get("FunctionName") == physical_name(STAGE, name.replace("_", "-"))]  # fmt: skip
    (event,) = fn["Properties"]["Events"].values()
    assert event["Type"] == "DynamoDB"
    return dict(event["Properties"])


def test_the_streams_readers_are_invoked_only_for_the_records_they_handle(repo: Synth) -> None:
    """Lambda event filtering on both mappings of the dossiers stream: e-data capture only for an
    OUTBOX# insert marked by what it asks of the store, the relay only for OUTBOX#/RECEIPT# items."""
    patterns = {name: [json.loads(f["Pattern"]) for f in _stream_mapping(repo, name)["FilterCriteria"]["Filters"]]
                for name in ("edata_capture", "outbox_relay")}  # fmt: skip
    assert patterns["edata_capture"] == [{"eventName": ["INSERT"], "dynamodb": {"NewImage": {
        "sk": {"S": [{"prefix": "OUTBOX#"}]}, STREAM_MARK: {"S": [{"exists": True}]}}}}]
    assert patterns["outbox_relay"] == [
        {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"sk": {"S": [{"prefix": "OUTBOX#"}]}}}},
        {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"sk": {"S": [{"prefix": "RECEIPT#"}]}}}},
    ]
