"""The ``migration_chunks`` function: the migration-chunks queue (the migration_run map's task tokens)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.migration import runs as migration_runs

bp = Blueprint(__name__)


@bp.on_sqs_message(queue="migration-chunks", batch_size=1)
def migration_chunks(event: Any) -> dict[str, Any]:
    """A migration run's chunk (task token from the migration_run map): process_chunk, record, answer."""
    return migration_runs.handle_batch(event.to_dict())
