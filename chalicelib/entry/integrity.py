"""The ``integrity_anchor_day`` schedule and its job worker ``integrity_anchor_pages``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.integrity import anchor as integrity_anchor
from chalicelib.jobs import runner as jobs

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.HOURS))
def integrity_anchor_day(event: Any) -> None:
    """Plans each recent day not anchored yet on its job queue (a task per shard), or seals a day whose
    shards are all done (chalicelib/integrity/anchor.py)."""
    integrity_anchor.schedule()


@bp.on_sqs_message(queue="job-integrity-anchor", batch_size=10)
def integrity_anchor_pages(event: Any) -> dict[str, Any]:
    """A page of a day's shard of chain heads; the shard's last page stores it, the day's last shard seals
    the day (Merkle root, RFC 3161 token, anchor object under Object Lock)."""
    return jobs.handle_batch(event.to_dict(), integrity_anchor.page)
