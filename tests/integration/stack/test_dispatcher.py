"""The dispatcher delivers SQS, schedule, S3→EventBridge and DynamoDB stream events to the
handlers named in the template, with Lambda's semantics (partial batch failures, DLQ after
maxReceiveCount, timeouts, stream retries in order).

Handlers come from tests/integration/stack/handlers.py through ``handler_resolver``; the
template is the fixture template (one-second visibility timeouts)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

import pytest

from local.dispatcher import Cron, Dispatcher, ScheduleError, import_handler, parse_schedule
from local.provision import ProvisionResult
from tests.integration.stack import fixture_template, handlers
from tests.integration.stack.handlers import calls, wait_for


@pytest.fixture(scope="module")
def dispatcher(fixture_provisioned: ProvisionResult) -> Iterator[Dispatcher]:
    d = Dispatcher(fixture_provisioned, handlers.resolve)
    d.start()
    yield d
    d.stop()


def _send(aws: Any, provisioned: ProvisionResult, lid: str, *bodies: dict[str, Any]) -> list[str]:
    url = provisioned.resources[lid].ref
    answer = aws("sqs").send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": json.dumps(b)} for i, b in enumerate(bodies)]
    )
    return [m["MessageId"] for m in answer["Successful"]]


def _deliveries(handler: str, message_id: str) -> list[dict[str, Any]]:
    return [r for event, _ in calls(handler) for r in event["Records"] if r.get("messageId") == message_id]


def _visible_and_inflight(aws: Any, url: str) -> int:
    attributes = aws("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_only_the_failed_records_of_a_batch_come_back(
    dispatcher: Dispatcher, fixture_provisioned: ProvisionResult, aws: Any
) -> None:
    tag = uuid.uuid4().hex
    ok_ids = _send(aws, fixture_provisioned, "QueueSyncDvcqg13C172CB", *({"id": f"{tag}-{i}"} for i in range(3)))
    [flaky_id] = _send(aws, fixture_provisioned, "QueueSyncDvcqg13C172CB", {"id": f"{tag}-f", "fail_until": 1})

    wait_for(lambda: len(_deliveries("sync_dvcqg", flaky_id)) == 2)

    assert [r["attributes"]["ApproximateReceiveCount"] for r in _deliveries("sync_dvcqg", flaky_id)] == ["1", "2"]
    for message_id in ok_ids:
        assert len(_deliveries("sync_dvcqg", message_id)) == 1
    wait_for(lambda: _visible_and_inflight(aws, fixture_provisioned.resources["QueueSyncDvcqg13C172CB"].ref) == 0)


def test_records_have_lambdas_shape_and_context(
    dispatcher: Dispatcher, fixture_provisioned: ProvisionResult, aws: Any
) -> None:
    [message_id] = _send(aws, fixture_provisioned, "QueueSyncDvcqg13C172CB", {"id": "hình-dạng"})
    wait_for(lambda: len(_deliveries("sync_dvcqg", message_id)) == 1)

    [(event, context)] = [
        (e, c) for e, c in calls("sync_dvcqg") if any(r["messageId"] == message_id for r in e["Records"])
    ]
    record = next(r for r in event["Records"] if r["messageId"] == message_id)
    assert json.loads(record["body"]) == {"id": "hình-dạng"}
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:ap-southeast-1:123456789012:hoso-fx-sync-dvcqg"
    assert record["awsRegion"] == "ap-southeast-1"
    assert {"ApproximateReceiveCount", "SentTimestamp", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["receiptHandle"] and record["md5OfBody"]
    assert len(event["Records"]) <= 5  # BatchSize of the template
    assert context.function_name == "hoso-fx-sync-dvcqg"
    assert context.invoked_function_arn.endswith(":function:hoso-fx-sync-dvcqg")
    assert context.aws_request_id
    assert 0 < context.get_remaining_time_in_millis() <= fixture_template.FAST_TIMEOUT_S * 1000


def test_a_poison_message_ends_in_the_dead_letter_queue(
    dispatcher: Dispatcher, fixture_provisioned: ProvisionResult, aws: Any
) -> None:
    [poison_id] = _send(aws, fixture_provisioned, "QueueSyncDvcqg13C172CB", {"id": "độc", "poison": True})
    dlq = fixture_provisioned.resources["DlqSyncDvcqg72F15C24"].ref

    found: list[dict[str, Any]] = []

    def in_dlq() -> bool:
        found.extend(aws("sqs").receive_message(QueueUrl=dlq, WaitTimeSeconds=1).get("Messages", []))
        return any(m["MessageId"] == poison_id for m in found)

    wait_for(in_dlq, timeout_s=20)
    assert len(_deliveries("sync_dvcqg", poison_id)) == fixture_template.MAX_RECEIVE_COUNT


def test_an_exception_fails_the_whole_batch(
    dispatcher: Dispatcher, fixture_provisioned: ProvisionResult, aws: Any
) -> None:
    crash_id, companion_id = _send(
        aws, fixture_provisioned, "QueueSyncDvcqg13C172CB", {"id": "sập", "crash": True}, {"id": "bạn đồng hành"}
    )
    wait_for(lambda: len(_deliveries("sync_dvcqg", crash_id)) == 2)
    wait_for(lambda: len(_deliveries("sync_dvcqg", companion_id)) >= 1)
    first_batch = next(e for e, _ in calls("sync_dvcqg") if any(r["messageId"] == crash_id for r in e["Records"]))
    if any(r["messageId"] == companion_id for r in first_batch["Records"]):  # same batch: retried with it
        wait_for(lambda: len(_deliveries("sync_dvcqg", companion_id)) == 2)
    wait_for(lambda: _visible_and_inflight(aws, fixture_provisioned.resources["QueueSyncDvcqg13C172CB"].ref) == 0)


def test_a_handler_past_its_timeout_has_failed(
    dispatcher: Dispatcher, fixture_provisioned: ProvisionResult, aws: Any
) -> None:
    [message_id] = _send(aws, fixture_provisioned, "QueueSlowF3B33076", {"id": "chậm"})

    wait_for(lambda: len(_deliveries("slow", message_id)) == 2)

    counts = [r["attributes"]["ApproximateReceiveCount"] for r in _deliveries("slow", message_id)]
    assert counts == ["1", "2"]  # the first run outlived the 1 s timeout: not deleted, delivered again
    wait_for(lambda: _visible_and_inflight(aws, fixture_provisioned.resources["QueueSlowF3B33076"].ref) == 0)


def test_invoke_reports_a_timeout(dispatcher: Dispatcher, fixture_provisioned: ProvisionResult) -> None:
    spec = fixture_provisioned.function("slow")
    record = {"messageId": "m", "body": "{}", "attributes": {"ApproximateReceiveCount": "1"}}
    started = time.monotonic()

    outcome = dispatcher.invoke(spec, {"Records": [record]})

    assert outcome.timed_out and not outcome.ok
    assert time.monotonic() - started < handlers.SLOW_FIRST_DELIVERY_S


def test_fire_schedule_sends_a_scheduled_event(dispatcher: Dispatcher) -> None:
    before = len(calls("deadline_sweep"))

    [outcome] = dispatcher.fire_schedule("deadline_sweep")

    assert outcome.ok
    event, context = calls("deadline_sweep")[before]
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["resources"] == [
        "arn:aws:events:ap-southeast-1:123456789012:rule/hoso-fx-deadline-sweep-DeadlineSweepEvent"
    ]
    assert context.function_name == "hoso-fx-deadline-sweep"
    with pytest.raises(KeyError):
        dispatcher.fire_schedule("sync_dvcqg")


def test_schedules_of_the_template_are_eventbridge_rules(fixture_provisioned: ProvisionResult, aws: Any) -> None:
    rules = {r["Name"]: r for r in aws("events").list_rules()["Rules"]}
    assert rules["hoso-fx-deadline-sweep-DeadlineSweepEvent"]["ScheduleExpression"] == "rate(1 minute)"
    assert rules["hoso-fx-nightly-report-NightlyReportEvent"]["ScheduleExpression"] == "cron(0 17 * * ? *)"


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 17 * * ? *)", "2026-01-01T16:59:30", "2026-01-01T17:00"),
        ("cron(0 17 * * ? *)", "2026-01-01T17:00:00", "2026-01-02T17:00"),
        ("cron(*/15 * * * ? *)", "2026-01-01T10:16:00", "2026-01-01T10:30"),
        ("cron(30 1 ? * MON-FRI *)", "2026-01-02T02:00:00", "2026-01-05T01:30"),  # Friday → Monday
        ("cron(0 0 L * ? *)", "2026-02-10T00:00:00", "2026-02-28T00:00"),
        ("cron(0 8 1 JAN,JUL ? 2027)", "2026-03-01T00:00:00", "2027-01-01T08:00"),
        ("cron(5/20 9 ? * 1 *)", "2026-01-04T09:06:00", "2026-01-04T09:25"),  # 1 = Sunday
    ],
)
def test_cron_next_fire_time(expression: str, after: str, expected: str) -> None:
    schedule = parse_schedule(expression)
    assert isinstance(schedule, Cron)
    moment = datetime.fromisoformat(after).replace(tzinfo=UTC)
    assert schedule.next_after(moment) == datetime.fromisoformat(expected).replace(tzinfo=UTC)


def test_rates_and_bad_schedules() -> None:
    assert parse_schedule("rate(5 minutes)") == timedelta(minutes=5)
    assert parse_schedule("rate(1 hour)") == timedelta(hours=1)
    assert parse_schedule("rate(2 days)") == timedelta(days=2)
    for bad in ("rate(5 seconds)", "cron(0 17 * * * *)", "cron(0 17 * *)", "cron(0 17 ? * 2#1 *)", "every day"):
        with pytest.raises(ScheduleError):
            parse_schedule(bad)


def test_an_upload_reaches_its_handler_through_eventbridge(
    dispatcher: Dispatcher, fixture_provisioned: ProvisionResult, aws: Any
) -> None:
    bucket = fixture_provisioned.resources["BucketAttachments825AFB0B"].ref
    key = f"hồ sơ/{uuid.uuid4().hex}/giấy khai sinh.pdf"
    other = fixture_provisioned.resources["BucketLogs9C0DCA97"].ref

    aws("s3").put_object(Bucket=other, Key=key, Body=b"not ours")
    aws("s3").put_object(Bucket=bucket, Key=key, Body=b"%PDF-1.7")

    def uploaded() -> list[dict[str, Any]]:
        return [e for e, _ in calls("attachment_uploaded") if unquote_plus(e["detail"]["object"]["key"]) == key]

    wait_for(lambda: len(uploaded()) == 1)
    [event] = uploaded()
    assert event["source"] == "aws.s3"
    assert event["detail-type"] == "Object Created"
    assert event["detail"]["bucket"]["name"] == bucket
    assert event["detail"]["object"]["size"] == len(b"%PDF-1.7")
    time.sleep(0.5)
    assert len(uploaded()) == 1  # the logs bucket's object matched no rule


def _stream_records(pk: str) -> list[dict[str, Any]]:
    return [r for e, _ in calls("outbox_relay") for r in e["Records"] if r["dynamodb"]["Keys"]["pk"]["S"] == pk]


def test_stream_records_reach_the_handler_in_order_and_failures_are_retried(
    dispatcher: Dispatcher, fixture_provisioned: ProvisionResult, aws: Any
) -> None:
    table = fixture_provisioned.resources["TableDossiersC0061235"].ref
    pk = f"DOSSIER#{uuid.uuid4().hex}"
    ddb = aws("dynamodb")
    ddb.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": "0"}, "fail_times": {"N": "1"}})
    for sk in ("1", "2"):
        ddb.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": sk}, "b": {"B": b"\x00\x01"}})

    def order() -> list[str]:
        return [r["dynamodb"]["Keys"]["sk"]["S"] for r in _stream_records(pk)]

    wait_for(lambda: order().count("0") == 2 and order()[-1] == "2")

    records = _stream_records(pk)
    # "0" failed once and came back first; what followed it in its batch came back with it
    assert order()[0] == "0"
    assert order()[order().index("0", 1) :] == ["0", "1", "2"]
    first = records[0]
    assert first["eventName"] == "INSERT"
    assert first["eventSource"] == "aws:dynamodb"
    assert first["eventSourceARN"] == fixture_provisioned.resources["TableDossiersC0061235"].attributes["StreamArn"]
    assert first["dynamodb"]["NewImage"]["fail_times"] == {"N": "1"}
    assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], int)
    assert records[-1]["dynamodb"]["NewImage"]["b"] == {"B": "AAE="}  # binary as base64, as Lambda gets it
    json.dumps(records)
    assert max(dispatcher.checkpoints.values(), key=int) == records[-1]["dynamodb"]["SequenceNumber"]


def test_a_stream_batch_goes_to_the_failure_queue_after_its_retries(
    dispatcher: Dispatcher, fixture_provisioned: ProvisionResult, aws: Any
) -> None:
    table = fixture_provisioned.resources["TableDossiersC0061235"].ref
    failures = fixture_provisioned.resources["QueueOutboxRelayFailures9A3D8886"].ref
    pk = f"DOSSIER#{uuid.uuid4().hex}"
    aws("dynamodb").put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": "0"}, "always_fail": {"BOOL": True}})
    aws("dynamodb").put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": "1"}})

    received: list[dict[str, Any]] = []

    def reported() -> bool:
        received.extend(aws("sqs").receive_message(QueueUrl=failures, WaitTimeSeconds=1).get("Messages", []))
        return bool(received)

    wait_for(reported, timeout_s=20)
    wait_for(lambda: [r["dynamodb"]["Keys"]["sk"]["S"] for r in _stream_records(pk)][-1] == "1")

    failed = [r for r in _stream_records(pk) if r["dynamodb"]["Keys"]["sk"]["S"] == "0"]
    assert len(failed) == 3  # the first attempt and MaximumRetryAttempts (2) retries
    [message] = received
    info = json.loads(message["Body"])
    assert info["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert info["DDBStreamBatchInfo"]["startSequenceNumber"] == failed[0]["dynamodb"]["SequenceNumber"]
    assert info["DDBStreamBatchInfo"]["streamArn"] == failed[0]["eventSourceARN"]


def test_the_real_apps_handlers_are_the_default() -> None:
    import app

    assert import_handler("app.app") is app.app


def test_stop_ends_every_thread_promptly(fixture_provisioned: ProvisionResult) -> None:
    d = Dispatcher(fixture_provisioned, handlers.resolve)
    d.start()
    try:
        threads = d.threads
        # two SQS queues, two schedules, one EventBridge rule, one stream
        assert sorted(t.name.split(":")[0] for t in threads) == [
            "dispatch-events",
            "dispatch-schedule",
            "dispatch-schedule",
            "dispatch-sqs",
            "dispatch-sqs",
            "dispatch-stream",
        ]
        assert all(t.is_alive() for t in threads)
        started = time.monotonic()
    finally:
        d.stop()
    assert time.monotonic() - started < 5
    assert not any(t.is_alive() for t in threads)


def test_stop_waits_for_a_handler_still_running(fixture_provisioned: ProvisionResult) -> None:
    """The stack restores the process environment after the dispatcher stops: a handler must not
    outlive the stop (it would read the restored settings mid-invoke — seen as calls to buckets
    the template does not have)."""
    d = Dispatcher(fixture_provisioned, handlers.resolve)
    spec = fixture_provisioned.function("slow")
    record = {"messageId": "m", "body": "{}", "attributes": {"ApproximateReceiveCount": "1"}}
    outcome: list[Any] = []
    invoker = threading.Thread(target=lambda: outcome.append(d.invoke(spec, {"Records": [record]})))
    invoker.start()
    wait_for(lambda: any(t.name == "invoke-hoso-fx-slow" for t in threading.enumerate()))

    d.stop()

    assert not any(t.name == "invoke-hoso-fx-slow" for t in threading.enumerate())
    invoker.join(5)
    assert outcome and not outcome[0].ok
