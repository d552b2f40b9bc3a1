"""The ``outbox_relay`` function: the dossiers table's stream."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.ereceipts import records as receipt_records
from chalicelib.handlers import outbox
from chalicelib.observability import metrics

bp = Blueprint(__name__)


@bp.on_dynamodb_record(stream_arn="dossiers", batch_size=100, starting_position="TRIM_HORIZON")
def outbox_relay(event: Any) -> None:
    """Committed transitions (OUTBOX# inserts) → one signal per sync destination queue; pending
    e-receipts (RECEIPT# inserts) → the ereceipts queue."""
    outbox.relay(event.to_dict()["Records"])
    receipt_records.relay(event.to_dict()["Records"])
    metrics.flush_metrics()
