"""The three sync consumers: ``sync_dvcqg``, ``sync_coordinator``, ``sync_province``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.sync import handler as sync_handler

bp = Blueprint(__name__)


@bp.on_sqs_message(queue="sync-dvcqg", batch_size=10)
def sync_dvcqg(event: Any) -> dict[str, Any]:
    """Bring each signalled dossier up to date on DVCQG (partial batch failures, backoff)."""
    return sync_handler.handle_batch("dvcqg", event.to_dict(), event.context)


@bp.on_sqs_message(queue="sync-coordinator", batch_size=10)
def sync_coordinator(event: Any) -> dict[str, Any]:
    """Bring each signalled dossier up to date on the coordination system."""
    return sync_handler.handle_batch("coordinator", event.to_dict(), event.context)


@bp.on_sqs_message(queue="sync-province", batch_size=10)
def sync_province(event: Any) -> dict[str, Any]:
    """Bring each signalled dossier up to date on the provincial system."""
    return sync_handler.handle_batch("province", event.to_dict(), event.context)
