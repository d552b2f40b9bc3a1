"""The ``specialised_watch`` schedule: specialised software's outages."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.specialised import watch

bp = Blueprint(__name__)


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def specialised_watch(event: Any) -> None:
    """Specialised software's outages: probe, catch up, silence (chalicelib/specialised/watch.py)."""
    watch.run()
