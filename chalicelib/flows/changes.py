"""The ``dossier_changes`` Lambda function (infra/access.py): the ``dossier-changes`` queue,
subscribed to the outbox relay's ``dossier-events`` topic (``chalicelib.sync.destinations``).
Each message ``{"code", "seq"}`` says the dossier has a committed change; ``hooks`` looks at
the dossier as it is now (flows, inbound liên thông results, outside consultations, specialised
software). The agency-tasks queue carries the state machines' task tokens only
(``chalicelib.flows.adapter``). Declared on a blueprint; ``app.py`` registers it."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.flows import hooks
from chalicelib.observability import logger, metrics

bp = Blueprint(__name__)


class Signal(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=1)


def handle_batch(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """An SQS batch of signals; failed records are reported (``batchItemFailures``) and come back later."""

    def record_handler(record: SQSRecord) -> None:
        try:
            hooks.on_dossier_changed(Signal.model_validate(json.loads(record.body)).code)
        except Exception:
            logger.exception("dossier change failed", extra={"message_id": record.message_id})
            raise

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))  # fmt: skip


@bp.on_sqs_message(queue="dossier-changes", batch_size=10)
def dossier_changes(event: Any) -> dict[str, Any]:
    """Committed dossier changes: flows moved on, inbound results returned, consultations handed over."""
    try:
        return handle_batch(event.to_dict(), event.context)
    finally:
        if metrics.metric_set:  # FlowHandover, … (EMF on stdout)
            metrics.flush_metrics()
