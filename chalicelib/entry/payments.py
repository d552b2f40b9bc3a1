"""The ``reconcile_payments`` schedule and its job worker ``reconcile_payments_pages``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Cron

from chalicelib.jobs import runner as jobs
from chalicelib.payments import service as payment_service

bp = Blueprint(__name__)


@bp.schedule(Cron(0, 18, "*", "*", "?", "*"))  # 01:00 Asia/Ho_Chi_Minh, every day
def reconcile_payments(event: Any) -> None:
    """Plans yesterday's payment reconciliation on its job queue (chalicelib/jobs)."""
    payment_service.reconcile_yesterday()


@bp.on_sqs_message(queue="job-reconcile-payments", batch_size=1)
def reconcile_payments_pages(event: Any) -> dict[str, Any]:
    """A page of the day's payments compared with the payment platform; the last page stores the report in S3."""
    return jobs.handle_batch(event.to_dict(), payment_service.reconcile_page)
