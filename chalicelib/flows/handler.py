"""The ``agency_tasks`` Lambda function (infra/access.py): the agency-tasks queue, where the
state machines hand steps over with a task token (dossier changes: ``chalicelib.flows.changes``).
Declared on a blueprint; ``app.py`` registers it (``app.register_blueprint(handler.bp)``)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.flows.adapter import handle_batch
from chalicelib.observability import metrics

bp = Blueprint(__name__)


@bp.on_sqs_message(queue="agency-tasks", batch_size=10)
def agency_tasks(event: Any) -> dict[str, Any]:
    """Agency hand-overs, waits, escalations and completions of liên thông flows (task tokens)."""
    try:
        return handle_batch(event.to_dict(), event.context)
    finally:
        if metrics.metric_set:  # FlowHandover, FlowEscalated, … (EMF on stdout)
            metrics.flush_metrics()
