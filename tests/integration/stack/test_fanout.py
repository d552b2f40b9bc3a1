"""The local stack's fan-out (local.provision from the synthesised template): moto delivers a
publish to the dossier-events topic to every subscribed queue in-process, applying each
subscription's filter policy, with raw delivery — so the dispatcher drains the consumers' queues
as on AWS. Here on the real template's topic and subscriptions (stage ``fo``)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.sync.destinations import DESTINATIONS
from local.provision import provision

STAGE = "fo"


def _renamed(template: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(template).replace("hoso-dev", f"hoso-{STAGE}").replace("hoso/dev/", f"hoso/{STAGE}/")
    return json.loads(text)  # type: ignore[no-any-return]


def _drain(sqs: Any, url: str) -> list[tuple[str, dict[str, str]]]:
    out = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                          VisibilityTimeout=60).get("Messages", []):  # fmt: skip
        out += [(json.loads(m["Body"])["code"], {k: v["StringValue"] for k, v in m["MessageAttributes"].items()})
                for m in messages]  # fmt: skip
    return sorted(out)


def test_a_filtered_out_event_does_not_reach_its_queue(real_template: dict[str, Any], moto_url: str,
                                                       aws: Any) -> None:  # fmt: skip
    template = _renamed(real_template)
    kept = {lid: r for lid, r in template["Resources"].items()
            if r["Type"] in ("AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::SQS::Queue", "AWS::KMS::Key")}
    provision({"Resources": kept}, moto_url, stack_name=f"hoso-{STAGE}")
    sns, sqs = aws("sns"), aws("sqs")
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(
        f":hoso-{STAGE}-dossier-events"))  # fmt: skip
    urls = {d.name: sqs.get_queue_url(QueueName=f"hoso-{STAGE}-{d.queue}")["QueueUrl"] for d in DESTINATIONS}
    sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": str(i), "Message": json.dumps({"code": code, "seq": 1}), "MessageAttributes": {
            "dossier": {"DataType": "String", "StringValue": code},
            "province": {"DataType": "String", "StringValue": province}}}
        for i, (code, province) in enumerate([("H26-1", "yes"), ("G12-1", "no")])])  # fmt: skip
    both = [("G12-1", {"dossier": "G12-1", "province": "no"}), ("H26-1", {"dossier": "H26-1", "province": "yes"})]
    for name in ("dvcqg", "coordinator", "changes"):
        assert _drain(sqs, urls[name]) == both, name
    assert _drain(sqs, urls["province"]) == both[1:]  # a ministry-level dossier: nothing for a province
