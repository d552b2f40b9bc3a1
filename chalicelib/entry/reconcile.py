"""The ``reconcile_dvcqg`` schedule and its job worker ``reconcile_dvcqg_pages``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.jobs import runner as jobs
from chalicelib.sync import reconcile as sync_reconcile

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.HOURS))
def reconcile_dvcqg(event: Any) -> None:
    """Plans the DVCQG reconciliation of the last two hours' changes: a task per hour on its job queue."""
    sync_reconcile.schedule()


@bp.on_sqs_message(queue="job-reconcile-dvcqg", batch_size=1)
def reconcile_dvcqg_pages(event: Any) -> dict[str, Any]:
    """A page of recently changed dossiers compared with DVCQG (TraCuuHoSo); drift re-synced."""
    return jobs.handle_batch(event.to_dict(), sync_reconcile.page)
