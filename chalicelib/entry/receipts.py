"""The ``issue_receipts`` function: the ereceipts queue."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.ereceipts import service as receipt_service

bp = Blueprint(__name__)


@bp.on_sqs_message(queue="ereceipts", batch_size=10)
def issue_receipts(event: Any) -> dict[str, Any]:
    """Pending e-receipts → the unit's provider (idempotent by the receipt's id) → stored, sent to the applicant."""
    return receipt_service.handle_batch(event.to_dict())
