"""The ``edata_capture`` function: the dossiers table's stream → the owners' e-data stores."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.edata import service as edata_service

bp = Blueprint(__name__)


@bp.on_dynamodb_record(stream_arn="dossiers", batch_size=100, starting_position="TRIM_HORIZON")
def edata_capture(event: Any) -> dict[str, Any]:
    """Issued results, their dossiers' components and refused dossiers → the owners' e-data stores (FR-28/29)."""
    return edata_service.capture(event.to_dict()["Records"])
