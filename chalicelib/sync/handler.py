"""The SQS handler of one sync destination (``sync_dvcqg``, ``sync_coordinator``,
``sync_province`` in app.py): Powertools batch processing with partial failures.

Each record ``{"code", "seq"}`` names a dossier to bring up to date; the batch's dossiers are
prepared one by one under their leases, then those of one target share their calls — one
``DongBoHoSoMC`` per ``isUpdating`` value and ``CapNhatTienDoHoSoMC`` calls of up to 50 records
(:func:`~chalicelib.sync.deliver.send_batch`; a dossier the destination refuses by name fails
alone, the others are sent again without it). A record that fails is reported in
``batchItemFailures`` (the others are deleted by Lambda) and made invisible for an exponential
backoff (:class:`Backoff`, from the message's ``ApproximateReceiveCount``), so a destination that
is down is retried at a falling rate; after the queue's ``maxReceiveCount`` receives SQS moves the
message to the dead-letter queue. Once the destination has not answered a record (down, timeout,
HTTP 5xx), the rest of the batch is failed without trying. Each destination has its own queue and
function, so one destination being down never delays another.

The ``province`` destination serves 34 provinces from one standard queue; a province that does
not answer must not hold the others up, nor send its dossiers to the dead-letter queue for an
outage (docs/provinces.md). So for it:

* "the destination did not answer" is per province: the batch's records of other provinces
  are still delivered;
* a record whose province did not answer, or whose province is known to be down, is *parked*:
  sent again to the queue with a delay (:class:`Backoff` of its ``attempt`` attribute, at most
  SQS's 15 minutes) and deleted, so its receive count never grows towards the DLQ and the
  queue keeps moving; the province's circuit (``TARGET#province-<code>`` in the sync table:
  down until, failures in a row) opens, and until it passes no record of that province calls
  it; the first record after it probes, and the province's first answer closes the circuit.
  Parked records thus come back by themselves within 15 minutes of the province's return.
  What the province refuses (a non-zero ``error_code``) is not an outage: those records take
  the usual retries and DLQ.

Metrics (namespace ``hoso``, dimension ``destination``): ``SyncDelivered`` (steps
acknowledged), ``SyncLag`` (commit → acknowledgement of each step, ms), ``SyncFailed``
(records that failed) and ``SyncDeferred`` (records put back because another worker held the
dossier or the invocation was running out of time).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, Field, ValidationError

from chalicelib.aws import client
from chalicelib.integrations.dvcqg import NotConfigured, SyncFailed
from chalicelib.observability import SERVICE, logger
from chalicelib.sync import store
from chalicelib.sync.deliver import Delivered, LeaseBusy, Prepared, TargetDown, prepare, release, send_batch
from chalicelib.sync.queues import queue_url

NAMESPACE: Final = "hoso"
# Stop starting deliveries when less than this is left of the invocation: one delivery makes
# at most three calls of ≤ 8 s each (look-up, dossier, progress).
TIME_MARGIN_MS: Final = 30_000


@dataclass(frozen=True)
class Backoff:
    """Invisibility after the n-th failed receive: ``base_s × 2^(n-1)``, at most ``cap_s``.
    With the defaults and infra's ``maxReceiveCount`` 5: 30 s, 1, 2, 4, 8 min — a message
    reaches the DLQ after about a quarter of an hour of failures."""

    base_s: int = 30
    cap_s: int = 900

    def delay(self, receive_count: int) -> int:
        return int(min(self.cap_s, self.base_s * 2 ** max(0, receive_count - 1)))


DEFAULT_BACKOFF: Final = Backoff()


class Signal(BaseModel):
    """The outbox relay's message: dossier ``code`` has committed step ``seq``."""

    code: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=1)


class OutOfTime(Exception):
    """Too little of the invocation is left to start a delivery."""


class DestinationUnavailable(Exception):
    """The destination did not answer an earlier record of this batch: the rest of the batch is
    not tried (it would only wait for timeouts) and comes back after the backoff."""


def _postpone(url: str, record: SQSRecord, backoff: Backoff) -> int:
    count = int(record.attributes.approximate_receive_count or 1)
    delay = backoff.delay(count)
    try:
        client("sqs").change_message_visibility(QueueUrl=url, ReceiptHandle=record.receipt_handle,
                                                VisibilityTimeout=delay)  # fmt: skip
    except (ClientError, BotoCoreError) as err:  # the message still comes back, after the queue's timeout
        logger.warning("could not postpone the message", extra={"message_id": record.message_id,
                                                                "error": type(err).__name__})  # fmt: skip
    return delay


MAX_SQS_DELAY_S: Final = 900
PARKING: Final = ("province",)  # destinations whose unreachable targets park their records


def _park(url: str, record: SQSRecord, backoff: Backoff) -> int:
    """Send the record again with a delay (its ``attempt`` + 1); the caller lets the original go."""
    sent = record.message_attributes["attempt"]  # None when absent (powertools' SQSMessageAttributes)
    attempt = int((sent.string_value if sent else None) or 1)
    delay = backoff.delay(attempt)
    client("sqs").send_message(
        QueueUrl=url, MessageBody=record.body, DelaySeconds=min(delay, MAX_SQS_DELAY_S),
        MessageAttributes={
            "dossier": {"DataType": "String", "StringValue": json.loads(record.body).get("code", "")},
            "attempt": {"DataType": "Number", "StringValue": str(attempt + 1)},
        },
    )  # fmt: skip
    return delay


class _Circuits:
    """The province circuits a batch reads (once each) and writes."""

    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff
        self.known: dict[str, store.Down | None] = {}
        self.failed: set[str] = set()  # did not answer during this batch

    def available(self, target: str) -> bool:
        if target in self.failed:
            return False
        if target not in self.known:
            self.known[target] = store.get_down(target)
        down = self.known[target]
        return down is None or down.until <= datetime.now(UTC)

    def failed_now(self, target: str) -> None:
        if target in self.failed:
            return
        self.failed.add(target)
        previous = self.known.get(target)
        failures = (previous.failures if previous else 0) + 1
        now = datetime.now(UTC)
        until = now + timedelta(seconds=self.backoff.delay(failures))
        store.mark_down(target, until=until, failures=failures, at=now)
        self.known[target] = store.Down(target, until, failures)
        logger.warning("sync target down: its records are parked", extra={"target": target, "until": until.isoformat(),
                                                                         "failures": failures})  # fmt: skip

    def answered(self, target: str) -> None:
        if self.known.get(target) is not None:
            store.mark_up(target)
            self.known[target] = None
            logger.info("sync target answers again", extra={"target": target})


Outcome = Delivered | BaseException


def _deliver_batch(destination: str, records: list[SQSRecord], context: Any, available: Any,
                   parking: bool) -> dict[str, Outcome]:
    """Every record's outcome (by message id): each dossier is prepared under its lease, then the
    dossiers of one target share their DVCQG calls (``data`` arrays; a dossier the destination
    refuses fails alone). A code signalled twice in the batch is sent once (its records share the
    outcome). Once the destination has not answered, the rest of the batch is not tried — per
    target for a parking destination (its records of other provinces still go)."""
    outcomes: dict[str, Outcome] = {}
    first: dict[str, str] = {}  # code → the message id that carries it
    ready: dict[str, list[tuple[str, Prepared]]] = {}  # target → (message id, prepared), in order
    unavailable: SyncFailed | None = None

    def out_of_time() -> bool:
        return context is not None and context.get_remaining_time_in_millis() < TIME_MARGIN_MS

    for record in records:
        try:
            code = Signal.model_validate_json(record.body).code
        except ValidationError as exc:
            outcomes[record.message_id] = exc
            continue
        if code in first:
            continue
        first[code] = record.message_id
        try:
            if unavailable is not None:
                raise DestinationUnavailable(unavailable.reason)
            if out_of_time():
                raise OutOfTime(code)
            prepared = prepare(destination, code, available=available)
        except Exception as exc:
            if isinstance(exc, SyncFailed) and exc.unreachable and not parking:
                unavailable = exc
            outcomes[record.message_id] = exc
            continue
        if isinstance(prepared, Delivered):
            outcomes[record.message_id] = prepared
        else:
            ready.setdefault(prepared.target, []).append((record.message_id, prepared))
    for group in ready.values():
        batch = [p for _, p in group]
        if unavailable is not None or out_of_time():
            release(batch)
            failure: Exception = DestinationUnavailable(unavailable.reason) if unavailable else OutOfTime(batch[0].code)
            outcomes.update({message_id: failure for message_id, _ in group})
            continue
        sent = send_batch(batch)
        for message_id, p in group:
            outcomes[message_id] = sent[p.code]
            failed = sent[p.code]
            if isinstance(failed, SyncFailed) and failed.unreachable and not parking:
                unavailable = failed
    for record in records:  # a code signalled again in the batch: nothing more to send, or its first's failure
        if record.message_id not in outcomes:
            shared = outcomes[first[json.loads(record.body)["code"]]]
            outcomes[record.message_id] = shared if isinstance(shared, BaseException) else dataclasses.replace(
                shared, steps=0, lags_ms=[])
    return outcomes


def handle_batch(destination: str, event: dict[str, Any], context: Any = None, *,
                 backoff: Backoff = DEFAULT_BACKOFF) -> dict[str, Any]:  # fmt: skip
    """Deliver every record of an SQS batch to ``destination``; answer the partial failures."""
    url = queue_url(destination)
    metrics = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
    metrics.add_dimension(name="destination", value=destination)
    counted = False
    parking = destination in PARKING
    circuits = _Circuits(backoff)

    def count(name: str, unit: MetricUnit, value: float) -> None:
        nonlocal counted
        metrics.add_metric(name=name, unit=unit, value=value)
        counted = True

    def fail(record: SQSRecord, code: str | None, exc: Exception) -> None:
        """Leave the record to SQS's retries (and at last its DLQ), after a backoff."""
        deferred = isinstance(exc, LeaseBusy | OutOfTime)
        count("SyncDeferred" if deferred else "SyncFailed", MetricUnit.Count, 1)
        delay = _postpone(url, record, backoff)
        details = {
            "destination": destination, "code": code, "message_id": record.message_id, "retry_in_s": delay,
            "receive_count": record.attributes.approximate_receive_count, "error": type(exc).__name__,
            "reason": exc.reason if isinstance(exc, SyncFailed) else str(exc)[:300],
        }  # fmt: skip
        if isinstance(exc, SyncFailed | LeaseBusy | OutOfTime | DestinationUnavailable | ValidationError |
                      NotConfigured):  # fmt: skip
            logger.warning("sync record failed", extra=details)
        else:
            logger.exception("sync record failed", extra=details)

    def park(record: SQSRecord, code: str | None, exc: SyncFailed | TargetDown) -> None:
        """A province that does not answer: the record comes back later, the queue moves on."""
        target = exc.destination if isinstance(exc, SyncFailed) else exc.target
        if isinstance(exc, SyncFailed):
            circuits.failed_now(target)
        count("SyncParked", MetricUnit.Count, 1)
        delay = _park(url, record, backoff)
        logger.warning("sync record parked: its target is down", extra={
            "destination": destination, "target": target, "code": code, "retry_in_s": delay})  # fmt: skip

    outcomes = _deliver_batch(destination, [SQSRecord(r) for r in event.get("Records", [])], context,
                              circuits.available, parking)

    def handle(record: SQSRecord) -> None:
        code: str | None = None
        try:
            signal = Signal.model_validate_json(record.body)
            code = signal.code
            outcome = outcomes[record.message_id]
            if isinstance(outcome, BaseException):
                raise outcome
        except (SyncFailed, TargetDown) as exc:
            if parking and (isinstance(exc, TargetDown) or exc.unreachable):
                park(record, code, exc)
                return
            fail(record, code, exc)
            raise
        except Exception as exc:
            fail(record, code, exc)
            raise
        if outcome.target is not None:
            circuits.answered(outcome.target)
        if outcome.steps:
            count("SyncDelivered", MetricUnit.Count, outcome.steps)
            for lag in outcome.lags_ms:
                count("SyncLag", MetricUnit.Milliseconds, lag)

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    try:
        return dict(process_partial_response(event=event, record_handler=handle, processor=processor,
                                             context=context))  # fmt: skip
    finally:
        if counted:
            metrics.flush_metrics()
