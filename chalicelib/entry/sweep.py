"""The ``deadline_sweep`` schedule and its job worker ``deadline_sweep_pages``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.jobs import runner as jobs
from chalicelib.notifications import sweep

bp = Blueprint(__name__)


@bp.schedule(Rate(15, unit=Rate.MINUTES))
def deadline_sweep(event: Any) -> None:
    """Plans the deadline sweep: a task per unit on its job queue."""
    sweep.schedule()


@bp.on_sqs_message(queue="job-deadline-sweep", batch_size=10)
def deadline_sweep_pages(event: Any) -> dict[str, Any]:
    """A page of a unit's near-due and overdue steps and dossiers → officers' reminders (in-app, e-mail, SMS)."""
    return jobs.handle_batch(event.to_dict(), sweep.page)
