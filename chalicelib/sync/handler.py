"""The SQS handler of one sync destination (``sync_dvcqg``, ``sync_coordinator``,
``sync_province`` in app.py): Powertools batch processing with partial failures.

Each record ``{"code", "seq"}`` is one :func:`~chalicelib.sync.deliver.deliver` call; a record
that fails is reported in ``batchItemFailures`` (the others are deleted by Lambda) and made
invisible for an exponential backoff (:class:`Backoff`, from the message's
``ApproximateReceiveCount``), so a destination that is down is retried at a falling rate;
after the queue's ``maxReceiveCount`` receives SQS moves the message to the dead-letter queue.
Once the destination has not answered a record (down, timeout, HTTP 5xx), the rest of the
batch is failed without trying. Each destination has its own queue and function, so one
destination being down never delays another.

Metrics (namespace ``hoso``, dimension ``destination``): ``SyncDelivered`` (steps
acknowledged), ``SyncLag`` (commit → acknowledgement of each step, ms), ``SyncFailed``
(records that failed) and ``SyncDeferred`` (records put back because another worker held the
dossier or the invocation was running out of time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, Field, ValidationError

from chalicelib.aws import client
from chalicelib.integrations.dvcqg import SyncFailed
from chalicelib.observability import SERVICE, logger
from chalicelib.sync.deliver import LeaseBusy, deliver
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


def handle_batch(destination: str, event: dict[str, Any], context: Any = None, *,
                 backoff: Backoff = DEFAULT_BACKOFF) -> dict[str, Any]:  # fmt: skip
    """Deliver every record of an SQS batch to ``destination``; answer the partial failures."""
    url = queue_url(destination)
    metrics = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
    metrics.add_dimension(name="destination", value=destination)
    counted = False
    unavailable: SyncFailed | None = None

    def count(name: str, unit: MetricUnit, value: float) -> None:
        nonlocal counted
        metrics.add_metric(name=name, unit=unit, value=value)
        counted = True

    def handle(record: SQSRecord) -> None:
        nonlocal unavailable
        code: str | None = None
        try:
            signal = Signal.model_validate_json(record.body)
            code = signal.code
            if unavailable is not None:
                raise DestinationUnavailable(unavailable.reason)
            if context is not None and context.get_remaining_time_in_millis() < TIME_MARGIN_MS:
                raise OutOfTime(code)
            outcome = deliver(destination, signal.code)
        except Exception as exc:
            if isinstance(exc, SyncFailed) and exc.unreachable:
                unavailable = exc
            deferred = isinstance(exc, LeaseBusy | OutOfTime)
            count("SyncDeferred" if deferred else "SyncFailed", MetricUnit.Count, 1)
            delay = _postpone(url, record, backoff)
            details = {
                "destination": destination, "code": code, "message_id": record.message_id, "retry_in_s": delay,
                "receive_count": record.attributes.approximate_receive_count, "error": type(exc).__name__,
                "reason": exc.reason if isinstance(exc, SyncFailed) else str(exc)[:300],
            }  # fmt: skip
            if isinstance(exc, SyncFailed | LeaseBusy | OutOfTime | DestinationUnavailable | ValidationError):
                logger.warning("sync record failed", extra=details)
            else:
                logger.exception("sync record failed", extra=details)
            raise
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
