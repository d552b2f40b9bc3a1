"""The outbox relay's one fan-out (chalicelib/handlers/outbox.py, chalicelib/sync/destinations.py):
one PublishBatch per ten events to the dossier-events topic, each event's attributes from its
outbox data, and the topic's filtered subscriptions (moto applies SNS filter policies and
delivers to SQS in-process, as AWS does): a ministry-level dossier's event does not reach the
province queue, every other consumer gets every event, the smoke test's dossiers go nowhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.handlers import outbox
from chalicelib.settings import reset_settings_cache
from chalicelib.sync import destinations
from chalicelib.sync.destinations import DESTINATIONS, attributes, outbox_data
from infra import resources
from tests.fanout import subscribe

REGION = "ap-southeast-1"
PROVINCIAL = "000.00.13.H26-261207-0001"  # a Hà Nội unit's dossier
MINISTRY = "000.00.00.G12-261207-0001"  # a ministry-level unit's: no province
SMOKE = "000.00.00.K99-261207-0001"


def _record(data: dict[str, Any], event: str = "INSERT") -> dict[str, Any]:
    return {"eventName": event, "dynamodb": {"NewImage": {"sk": {"S": f"OUTBOX#{data['seq']:06d}"},
                                                          "data": {"S": json.dumps(data)}}}}  # fmt: skip


@pytest.fixture()
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        urls = {d.name: sqs.create_queue(QueueName=f"hoso-dev-{d.queue}")["QueueUrl"] for d in DESTINATIONS}
        monkeypatch.setenv("HOSO_DOSSIER_EVENTS_TOPIC_ARN", subscribe(urls, REGION))
        monkeypatch.setenv("HOSO_SMOKE_TEST_UNIT_CODE", "000.00.00.K99")
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        reset_settings_cache()
        yield urls
    reset_settings_cache()


def _received(url: str) -> list[tuple[str, int, dict[str, str]]]:
    out = []
    sqs = boto3.client("sqs", region_name=REGION)
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                          VisibilityTimeout=60).get("Messages", []):  # fmt: skip
        for m in messages:
            body = json.loads(m["Body"])  # raw delivery: the relay's body, not SNS's envelope
            attrs = {k: v["StringValue"] for k, v in m.get("MessageAttributes", {}).items()}
            out.append((body["code"], body["seq"], attrs))
    return sorted(out)


def test_each_event_goes_to_each_consumer_with_something_to_do(world: dict[str, str]) -> None:
    batch = [_record(outbox_data(PROVINCIAL, 1, "01")), _record(outbox_data(MINISTRY, 1, "")),
             _record(outbox_data(SMOKE, 1, "")), _record(outbox_data(PROVINCIAL, 2, "01"), event="MODIFY")]
    assert outbox.relay(batch) == 2  # the smoke test's dossier is never published, a MODIFY is no event
    both = [(MINISTRY, 1), (PROVINCIAL, 1)]
    for name in ("dvcqg", "coordinator", "changes"):
        assert [(c, s) for c, s, _ in _received(world[name])] == both, name
    # ministry-level: nothing for a province to do — the filter policy keeps it off the province queue
    assert _received(world["province"]) == [(PROVINCIAL, 1, {"dossier": PROVINCIAL, "province": "yes"})]


def test_one_publish_per_ten_events(world: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = outbox.client

    def counting(name: str) -> Any:
        c = real(name)
        publish = c.publish_batch

        def publish_batch(**kwargs: Any) -> Any:
            calls.append(len(kwargs["PublishBatchRequestEntries"]))
            return publish(**kwargs)

        c.publish_batch = publish_batch
        return c

    monkeypatch.setattr(outbox, "client", counting)
    assert outbox.relay([_record(outbox_data(PROVINCIAL, seq, "01")) for seq in range(1, 24)]) == 23
    assert calls == [10, 10, 3]
    assert len(_received(world["dvcqg"])) == 23


def test_an_event_without_a_topic_goes_nowhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_DOSSIER_EVENTS_TOPIC_ARN", "")
    reset_settings_cache()
    try:
        assert outbox.relay([_record(outbox_data(PROVINCIAL, 1, "01"))]) == 0
    finally:
        reset_settings_cache()


def test_attributes_come_from_the_outbox_data() -> None:
    assert attributes(outbox_data(PROVINCIAL, 3, "01")) == {"province": "yes"}
    assert attributes(outbox_data(MINISTRY, 3, "")) == {"province": "no"}
    # written before the attributes existed: published to every consumer, which decides
    assert attributes({"code": PROVINCIAL, "seq": 3}) == {"province": "yes"}


def test_the_registry_is_the_one_list() -> None:
    """infra's queues, the sync destinations and the filters' keys all come from the registry."""
    assert resources.SYNC_QUEUES == ("sync-dvcqg", "sync-coordinator", "sync-province")
    assert set(destinations.QUEUES) <= set(resources.QUEUES)
    assert "dossier-changes" in resources.QUEUES
    sent = set(attributes({}))
    assert all(set(d.filter) <= sent for d in DESTINATIONS if d.filter is not None)
