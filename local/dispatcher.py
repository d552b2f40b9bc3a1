"""Delivers events to the Chalice handlers the way AWS Lambda would, against moto.

Each event source of each function in the template (see ``local.provision``) gets one
thread; the function's handler string (``chalicelib.entry.sync.sync_dvcqg``) names the very callable Lambda
runs, called as ``handler(event, context)`` with Lambda-shaped event dicts and a context
object. The function's ``Timeout`` is enforced: the handler runs in a worker thread and an
invocation still running at its deadline counts as failed (the thread cannot be killed; it
is left to finish and its result ignored, which is what a frozen Lambda sandbox amounts to).

- ``SQS``: polls the queue; up to ``BatchSize`` messages per invocation. Success deletes the
  batch; an exception or a timeout deletes nothing (the whole batch comes back after the
  queue's visibility timeout, and moto moves it to the DLQ after ``maxReceiveCount``
  receives); with ``FunctionResponseTypes: [ReportBatchItemFailures]`` a returned
  ``batchItemFailures`` list keeps only those messages (an unknown or empty identifier
  fails the whole batch, as on Lambda). Failed messages stay invisible for the rest of the
  visibility timeout they got when received, as with Lambda's poller.
- ``Schedule``: ``rate(N unit)`` fires every N units from start; ``cron(...)`` (UTC) fires at
  the next matching minute. ``fire_schedule(name)`` fires at once, for tests and operators; a
  scheduled job's schedule only plans tasks on its job queue, and ``wait_idle(worker)`` waits
  until the worker (an SQS consumer like any other) has done them all.
- ``CloudWatchEvent``/``EventBridgeRule``: the rule's local target queue (created by
  provisioning) is drained one event per invocation; a failure leaves the event to be
  retried after the function's timeout, and after three attempts it moves to the queue's
  DLQ (Lambda's asynchronous retries).
- ``DynamoDB``: polls every shard of the stream from ``StartingPosition``; each batch is
  retried until it succeeds (in order, never skipping a record) — or, when the template
  sets ``MaximumRetryAttempts``, until retries run out, then a Lambda-shaped failure record
  goes to ``DestinationConfig.OnFailure`` (an SQS queue) and the shard moves on.
  ``BisectBatchOnFunctionError`` halves a failing batch; ``ReportBatchItemFailures``
  restarts from the first failed sequence number.

Errors are logged as JSON (``chalicelib.observability.logger``) with the function's name.
"""

from __future__ import annotations

import base64
import calendar
import importlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.observability import logger
from local import aws_calls
from local.filters import passes
from local.provision import FunctionEvent, FunctionSpec, ProvisionResult

Handler = Callable[[dict[str, Any], Any], Any]
HandlerResolver = Callable[[str], Handler]

POLL_WAIT_S = 1  # SQS long-poll wait: also bounds how long stop() takes
STREAM_IDLE_S = 0.5  # pause between empty stream reads
RETRY_BACKOFF_S = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
_DEFAULT_BATCH = {"SQS": 10, "DynamoDB": 100}


def import_handler(handler: str) -> Handler:
    """``app.sync_dvcqg`` → the ``sync_dvcqg`` attribute of module ``app`` (Lambda's rule)."""
    module, _, attribute = handler.rpartition(".")
    if not module:
        raise ValueError(f"handler {handler!r} is not of the form module.attribute")
    return getattr(importlib.import_module(module), attribute)  # type: ignore[no-any-return]


class LambdaContext:
    """What Lambda passes as ``context`` (the attributes Powertools and Chalice read)."""

    def __init__(self, spec: FunctionSpec, region: str, account_id: str) -> None:
        self.function_name = spec.function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account_id}:function:{spec.function_name}"
        self.memory_limit_in_mb = spec.memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{spec.function_name}"
        self.log_stream_name = f"local/{self.aws_request_id}"
        self._deadline = time.monotonic() + spec.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class Invocation:
    ok: bool
    result: Any = None
    error: str | None = None
    timed_out: bool = False


# --- schedules -----------------------------------------------------------------------------
_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_MONTHS = {m: i for i, m in enumerate(("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC").split(), start=1)}
_WEEKDAYS = {d: i for i, d in enumerate(("SUN MON TUE WED THU FRI SAT").split(), start=1)}  # AWS: 1 = Sunday


class ScheduleError(ValueError):
    """A schedule expression this local scheduler does not understand."""


def _cron_field(text: str, low: int, high: int, names: Mapping[str, int] | None = None) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        part, stepped, step_text = item.partition("/")
        step = int(step_text) if stepped else 1
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _cron_value(a, names), _cron_value(b, names)
        else:
            start = _cron_value(part, names)
            end = high if stepped else start
        if not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"cron value {part!r} outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _cron_value(text: str, names: Mapping[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise ScheduleError(f"cron value {text!r} is not supported locally (use numbers, names, * ? , - /)")
    return int(text)


@dataclass(frozen=True)
class Cron:
    """An EventBridge ``cron(min hour day-of-month month day-of-week year)``, evaluated in UTC."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # None: '?'
    last_day: bool  # 'L' in day-of-month
    months: frozenset[int]
    weekdays: frozenset[int] | None  # AWS numbering, 1 = Sunday; None: '?'
    years: frozenset[int]

    @classmethod
    def parse(cls, expression: str) -> Cron:
        fields = expression.split()
        if len(fields) != 6:
            raise ScheduleError(f"cron({expression}) needs 6 fields: minutes hours day month weekday year")
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ScheduleError(f"cron({expression}): exactly one of day-of-month and day-of-week must be '?'")
        return cls(
            minutes=_cron_field(minute, 0, 59),
            hours=_cron_field(hour, 0, 23),
            days=None if dom in ("?", "L") else _cron_field(dom, 1, 31),
            last_day=dom == "L",
            months=_cron_field(month, 1, 12, _MONTHS),
            weekdays=None if dow == "?" else _cron_field(dow, 1, 7, _WEEKDAYS),
            years=_cron_field(year, 1970, 2199),
        )

    def _day_matches(self, day: datetime) -> bool:
        if day.year not in self.years or day.month not in self.months:
            return False
        if self.last_day:
            return day.day == calendar.monthrange(day.year, day.month)[1]
        if self.days is not None:
            return day.day in self.days
        assert self.weekdays is not None
        return (day.isoweekday() % 7) + 1 in self.weekdays

    def next_after(self, moment: datetime) -> datetime:
        """The first matching minute strictly after ``moment`` (UTC)."""
        start = moment.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.replace(hour=0, minute=0)
        for _ in range(366 * 30):
            if self._day_matches(day):
                for h in sorted(self.hours):
                    for m in sorted(self.minutes):
                        candidate = day.replace(hour=h, minute=m)
                        if candidate >= start:
                            return candidate
            day += timedelta(days=1)
        raise ScheduleError("this cron expression never fires")


def parse_schedule(expression: str) -> timedelta | Cron:
    rate = _RATE.match(expression.strip())
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        return timedelta(**{f"{unit}s": amount})
    cron = _CRON.match(expression.strip())
    if cron:
        return Cron.parse(cron.group(1))
    raise ScheduleError(f"schedule {expression!r} is neither rate(...) nor cron(...)")


# --- events ----------------------------------------------------------------------------------
def _iso_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduled_event(rule_name: str, region: str, account_id: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": _iso_now(),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account_id}:rule/{rule_name}"],
        "detail": {},
    }


def sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": base64.b64encode(value["BinaryValue"]).decode() if "BinaryValue" in value else None,
                "stringListValues": value.get("StringListValues", []),
                "binaryListValues": [base64.b64encode(b).decode() for b in value.get("BinaryListValues", [])],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _json_safe(value: Any) -> Any:
    """boto3's stream records → the JSON Lambda receives (binary as base64, dates as epoch)."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [_json_safe(v) for v in value]
    return value


def stream_record(record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    out = _json_safe(dict(record))
    out.update({"eventVersion": "1.1", "eventSource": "aws:dynamodb", "awsRegion": region})
    out["eventSourceARN"] = stream_arn
    return out  # type: ignore[no-any-return]


def _failed_identifiers(result: Any, identifiers: Iterable[str]) -> set[str] | None:
    """The ids a ``batchItemFailures`` answer names; None when the answer fails the whole batch."""
    if not isinstance(result, Mapping) or result.get("batchItemFailures") is None:
        return set()
    known = set(identifiers)
    failed = set()
    for item in result["batchItemFailures"]:
        identifier = item.get("itemIdentifier") if isinstance(item, Mapping) else None
        if not identifier or identifier not in known:
            return None
        failed.add(identifier)
    return failed


def _reports_item_failures(event: FunctionEvent) -> bool:
    return "ReportBatchItemFailures" in event.properties.get("FunctionResponseTypes", [])


# --- the dispatcher --------------------------------------------------------------------------
class Dispatcher:
    """One thread per event source of the provisioned functions; ``stop()`` ends them all."""

    def __init__(
        self,
        provisioned: ProvisionResult,
        handler_resolver: HandlerResolver = import_handler,
    ) -> None:
        self.provisioned = provisioned
        self._resolve = handler_resolver
        self._records_calls = handler_resolver is import_handler  # hoso's own handlers: their AWS calls are recorded
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._invocations: set[threading.Thread] = set()  # handlers running now (stop waits for them)
        self._invocations_lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._clients_lock = threading.Lock()
        self.checkpoints: dict[str, str] = {}  # stream shard id → last sequence number handled

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        sources: list[tuple[str, Callable[[], None]]] = []
        for spec in self.provisioned.functions.values():
            for event in spec.events:
                if event.properties.get("Enabled") is False:
                    continue
                if event.type == "SQS":
                    sources.append((f"sqs:{spec.function_name}", lambda s=spec, e=event: self._poll_sqs(s, e)))
                elif event.type == "Schedule":
                    sources.append((f"schedule:{spec.function_name}", lambda s=spec, e=event: self._schedule(s, e)))
                elif event.type in ("CloudWatchEvent", "EventBridgeRule"):
                    sources.append((f"events:{spec.function_name}", lambda s=spec, e=event: self._poll_events(s, e)))
                elif event.type == "DynamoDB":
                    sources.append((f"stream:{spec.function_name}", lambda s=spec, e=event: self._poll_stream(s, e)))
                elif event.type not in ("Api", "HttpApi"):
                    logger.error(
                        "Local dispatcher: event type not supported locally",
                        extra={"function": spec.function_name, "event": event.name, "type": event.type},
                    )
        for name, target in sources:
            thread = threading.Thread(target=self._guard(name, target), name=f"dispatch-{name}", daemon=True)
            self._threads.append(thread)
            thread.start()
        logger.info("Local dispatcher started", extra={"sources": [name for name, _ in sources]})

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        # A handler still running when its poller gave up (the stop) finishes before the stack
        # restores the process environment under it (its settings would change mid-invoke).
        with self._invocations_lock:
            running = list(self._invocations)
        for worker in running:
            worker.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in [*self._threads, *running] if t.is_alive()]
        if alive:
            logger.error("Local dispatcher: threads still running after stop", extra={"threads": alive})
        self._threads = []
        with self._clients_lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

    @property
    def threads(self) -> list[threading.Thread]:
        return list(self._threads)

    def _guard(self, name: str, target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            while not self._stop.is_set():
                try:
                    target()
                    return
                except Exception:
                    logger.exception("Local dispatcher: event source failed; restarting it", extra={"source": name})
                    self._stop.wait(1.0)

        return run

    def client(self, service: str) -> Any:
        with self._clients_lock:
            if service not in self._clients:
                self._clients[service] = boto3.session.Session().client(
                    service,
                    endpoint_url=self.provisioned.endpoint_url,
                    region_name=self.provisioned.region,
                    config=Config(retries={"max_attempts": 3}, read_timeout=POLL_WAIT_S + 10),
                )
            return self._clients[service]

    # --- invoking --------------------------------------------------------------------------
    def invoke(self, spec: FunctionSpec, event: dict[str, Any]) -> Invocation:
        """Run the function's handler with ``event`` under its timeout, like one Lambda invoke."""
        context = LambdaContext(spec, self.provisioned.region, self.provisioned.account_id)
        box: dict[str, Any] = {}
        done = threading.Event()

        def work() -> None:
            try:
                with aws_calls.invoking(spec.function_name if self._records_calls else None):
                    box["result"] = self._resolve(spec.handler)(event, context)
            except BaseException as exc:  # a handler's failure is reported, never propagated
                box["error"] = exc
            finally:
                with self._invocations_lock:
                    self._invocations.discard(threading.current_thread())
                done.set()

        worker = threading.Thread(target=work, name=f"invoke-{spec.function_name}", daemon=True)
        with self._invocations_lock:  # started and listed at once (its end unlists it under the lock)
            worker.start()
            self._invocations.add(worker)
        deadline = time.monotonic() + spec.timeout_s
        while not done.wait(min(0.2, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline or self._stop.is_set():
                break
        extra = {"function": spec.function_name, "request_id": context.aws_request_id}
        if not done.is_set():
            if self._stop.is_set():
                return Invocation(ok=False, error="stopped")
            logger.error(f"Task timed out after {spec.timeout_s:.2f} seconds", extra=extra)
            return Invocation(ok=False, error="timeout", timed_out=True)
        if "error" in box:
            exc = box["error"]
            logger.error(
                "Local dispatcher: handler failed",
                extra={**extra, "error": type(exc).__name__, "detail": str(exc)},
                exc_info=exc,
            )
            return Invocation(ok=False, error=type(exc).__name__)
        return Invocation(ok=True, result=box.get("result"))

    # --- SQS -------------------------------------------------------------------------------
    def _receive(self, queue_url: str, limit: int) -> list[dict[str, Any]]:
        sqs = self.client("sqs")
        messages: list[dict[str, Any]] = []
        wait = POLL_WAIT_S
        while len(messages) < limit and not self._stop.is_set():
            got = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=min(10, limit - len(messages)),
                WaitTimeSeconds=wait,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not got:
                break
            messages += got
            wait = 0
        return messages

    def _delete(self, queue_url: str, messages: list[dict[str, Any]], function: str) -> None:
        sqs = self.client("sqs")
        for i in range(0, len(messages), 10):
            chunk = messages[i : i + 10]
            answer = sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(chunk)],
            )
            if answer.get("Failed"):
                logger.error(
                    "Local dispatcher: could not delete handled messages",
                    extra={"function": function, "queue": queue_url, "failed": answer["Failed"]},
                )

    def _poll_sqs(self, spec: FunctionSpec, event: FunctionEvent) -> None:
        assert event.queue_url and event.queue_arn
        batch_size = int(event.properties.get("BatchSize", _DEFAULT_BATCH["SQS"]))
        while not self._stop.is_set():
            messages = self._receive(event.queue_url, batch_size)
            if messages:
                self.deliver_sqs(spec, event, messages)

    def deliver_sqs(self, spec: FunctionSpec, event: FunctionEvent, messages: list[dict[str, Any]]) -> Invocation:
        assert event.queue_url and event.queue_arn
        records = [sqs_record(m, event.queue_arn, self.provisioned.region) for m in messages]
        outcome = self.invoke(spec, {"Records": records})
        if not outcome.ok:
            return outcome
        failed: set[str] | None = set()
        if _reports_item_failures(event):
            failed = _failed_identifiers(outcome.result, (r["messageId"] for r in records))
        elif isinstance(outcome.result, Mapping) and outcome.result.get("batchItemFailures"):
            logger.warning(
                "Local dispatcher: handler returned batchItemFailures but its SQS event lacks "
                "FunctionResponseTypes: [ReportBatchItemFailures]; Lambda ignores them and deletes the batch",
                extra={"function": spec.function_name},
            )
        if failed is None:
            logger.error(
                "Local dispatcher: invalid batchItemFailures; the whole batch will be retried",
                extra={"function": spec.function_name, "result": outcome.result},
            )
            return Invocation(ok=False, result=outcome.result, error="invalid batchItemFailures")
        self._delete(event.queue_url, [m for m in messages if m["MessageId"] not in failed], spec.function_name)
        return outcome

    # --- EventBridge -----------------------------------------------------------------------
    def _poll_events(self, spec: FunctionSpec, event: FunctionEvent) -> None:
        assert event.queue_url
        while not self._stop.is_set():
            for message in self._receive(event.queue_url, 1):
                outcome = self.invoke(spec, json.loads(message["Body"]))
                if outcome.ok:
                    self._delete(event.queue_url, [message], spec.function_name)

    # --- schedules -------------------------------------------------------------------------
    def _schedule_event(self, event: FunctionEvent) -> dict[str, Any]:
        if "Input" in event.properties:
            return json.loads(event.properties["Input"])  # type: ignore[no-any-return]
        return scheduled_event(event.rule_name or event.name, self.provisioned.region, self.provisioned.account_id)

    def _schedule(self, spec: FunctionSpec, event: FunctionEvent) -> None:
        try:
            schedule = parse_schedule(str(event.properties["Schedule"]))
        except ScheduleError as exc:
            logger.error(
                "Local dispatcher: schedule not understood; it will not fire",
                extra={"function": spec.function_name, "detail": str(exc)},
            )
            return
        next_at = datetime.now(UTC)
        while True:
            if isinstance(schedule, Cron):
                next_at = schedule.next_after(next_at)
            else:
                next_at = next_at + schedule
            if self._stop.wait(max(0.0, (next_at - datetime.now(UTC)).total_seconds())):
                return
            self.invoke(spec, self._schedule_event(event))

    def fire_schedule(self, function_name: str) -> list[Invocation]:
        """Fire every schedule of a function now (logical id, function or handler name)."""
        spec = self.provisioned.function(function_name)
        schedules = spec.events_of("Schedule")
        if not schedules:
            raise KeyError(f"function {function_name!r} has no Schedule event")
        return [self.invoke(spec, self._schedule_event(e)) for e in schedules]

    def wait_idle(self, function_name: str, timeout_s: float = 60.0) -> bool:
        """Wait until the SQS queue(s) of a function are empty, nothing in flight (a scheduled
        job's worker: every page and continuation done). False when ``timeout_s`` passed first."""
        spec = self.provisioned.function(function_name)
        urls = [e.queue_url for e in spec.events_of("SQS") if e.queue_url]
        if not urls:
            raise KeyError(f"function {function_name!r} has no SQS event")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            counts = [self.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"] for url in urls]
            if all(int(v) == 0 for c in counts for v in c.values()):
                return True
            time.sleep(0.2)
        return False

    # --- DynamoDB streams ------------------------------------------------------------------
    def _stream_arn(self, configured: str) -> str:
        """The table's current stream (a template may name an older label of the same table)."""
        table = configured.split(":", 5)[5].split("/")[1]
        return str(self.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"])

    def _poll_stream(self, spec: FunctionSpec, event: FunctionEvent) -> None:
        streams = self.client("dynamodbstreams")
        stream_arn = self._stream_arn(str(event.properties["Stream"]))
        position = str(event.properties.get("StartingPosition", "LATEST"))
        shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
        iterators = {
            s["ShardId"]: streams.get_shard_iterator(
                StreamArn=stream_arn, ShardId=s["ShardId"], ShardIteratorType=position
            )["ShardIterator"]
            for s in shards
        }
        shard_pollers = [
            _ShardPoller(self, spec, event, stream_arn, shard_id, iterator) for shard_id, iterator in iterators.items()
        ]
        while not self._stop.is_set():
            busy = [p.step() for p in shard_pollers]
            if not any(busy):
                self._stop.wait(STREAM_IDLE_S)


class _ShardPoller:
    """Reads one shard in order, retrying a failed batch before anything after it."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        spec: FunctionSpec,
        event: FunctionEvent,
        stream_arn: str,
        shard_id: str,
        iterator: str,
    ) -> None:
        self.d = dispatcher
        self.spec = spec
        self.stream_arn = stream_arn
        self.shard_id = shard_id
        self.iterator = iterator
        props = event.properties
        self.batch_size = int(props.get("BatchSize", _DEFAULT_BATCH["DynamoDB"]))
        self.limit = self.batch_size
        self.max_retries = int(props.get("MaximumRetryAttempts", -1))
        self.bisect = bool(props.get("BisectBatchOnFunctionError", False))
        self.item_failures = _reports_item_failures(event)
        self.on_failure = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        self.filters = props.get("FilterCriteria")
        self.attempts = 0
        self.not_before = 0.0

    def _iterator_at(self, kind: str, sequence_number: str) -> str:
        return str(
            self.d.client("dynamodbstreams").get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=self.shard_id, ShardIteratorType=kind, SequenceNumber=sequence_number
            )["ShardIterator"]
        )

    def step(self) -> bool:
        """Read and deliver one batch; True when there was something to deliver."""
        if time.monotonic() < self.not_before:
            return False
        answer = self.d.client("dynamodbstreams").get_records(ShardIterator=self.iterator, Limit=self.limit)
        raw = answer.get("Records", [])
        if not raw:
            self.iterator = answer["NextShardIterator"]
            return False
        every = [stream_record(r, self.stream_arn, self.d.provisioned.region) for r in raw]
        kept = [i for i, r in enumerate(every) if passes(self.filters, r)]  # Lambda's event filtering
        if not kept:  # nothing for the function: the batch is skipped without an invocation
            self._advance(answer["NextShardIterator"], every[-1]["dynamodb"]["SequenceNumber"])
            return True
        raw, records = [raw[i] for i in kept], [every[i] for i in kept]
        outcome = self.d.invoke(self.spec, {"Records": records})
        sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
        failed: set[str] | None = set() if outcome.ok else None
        if outcome.ok and self.item_failures:
            failed = _failed_identifiers(outcome.result, sequence_numbers)
        if failed == set():
            self._advance(answer["NextShardIterator"], every[-1]["dynamodb"]["SequenceNumber"])
            return True
        first_failed = sequence_numbers[0] if failed is None else min(failed, key=int)
        done = sequence_numbers[: sequence_numbers.index(first_failed)]
        if done:
            self.d.checkpoints[self.shard_id] = done[-1]
        self.attempts += 1
        if 0 <= self.max_retries < self.attempts:
            self._give_up(raw[len(done) :])
            return True
        if self.bisect and len(raw) - len(done) > 1:
            self.limit = max(1, (len(raw) - len(done)) // 2)
        self.iterator = self._iterator_at("AT_SEQUENCE_NUMBER", first_failed)
        self.not_before = time.monotonic() + RETRY_BACKOFF_S[min(self.attempts, len(RETRY_BACKOFF_S)) - 1]
        logger.warning(
            "Local dispatcher: stream batch failed; retrying from its first failed record",
            extra={"function": self.spec.function_name, "sequence_number": first_failed, "attempt": self.attempts},
        )
        return True

    def _advance(self, next_iterator: str, last_sequence_number: str) -> None:
        self.iterator = next_iterator
        self.d.checkpoints[self.shard_id] = last_sequence_number
        self.attempts = 0
        self.limit = self.batch_size

    def _give_up(self, records: list[dict[str, Any]]) -> None:
        first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
        failure = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": LambdaContext(
                    self.spec, self.d.provisioned.region, self.d.provisioned.account_id
                ).invoked_function_arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": self.attempts,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "DDBStreamBatchInfo": {
                "shardId": self.shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _json_safe(first.get("ApproximateCreationDateTime")),
                "approximateArrivalOfLastRecord": _json_safe(last.get("ApproximateCreationDateTime")),
                "batchSize": len(records),
                "streamArn": self.stream_arn,
            },
        }
        logger.error(
            "Local dispatcher: stream batch dropped after its retries",
            extra={"function": self.spec.function_name, "batch": failure["DDBStreamBatchInfo"]},
        )
        if self.on_failure and ":sqs:" in self.on_failure:
            sqs = self.d.client("sqs")
            url = sqs.get_queue_url(QueueName=self.on_failure.rsplit(":", 1)[-1])["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps(failure))
        elif self.on_failure:
            logger.error(
                "Local dispatcher: only SQS on-failure destinations are emulated",
                extra={"function": self.spec.function_name, "destination": self.on_failure},
            )
        self._advance(self._iterator_at("AFTER_SEQUENCE_NUMBER", last["SequenceNumber"]), last["SequenceNumber"])
