"""Kiosks' stored state: per-device request counters and the drafts waiting at a unit's desk.

- ``KIOSKRATE#<bucket>#<kiosk id>#<yyyyMMddHHmm>`` / ``N`` in the counters table: one counter per
  device, bucket and minute, incremented only while below its limit (a conditional update — a
  refused request costs one failed write and counts nothing), gone after two minutes (TTL).
- ``KIOSKDRAFT#<unit code>`` / ``<ticket>`` in the dossiers table (``DraftItem``): a draft a kiosk
  made for that unit's desk. Taking it is a conditional delete, so two desk officers taking the
  same ticket get it once.
"""

from __future__ import annotations

import datetime as dt

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from chalicelib.documents.lookup import RateItem
from chalicelib.store.models import DraftItem

RATE_TTL_S = 120


def consume(bucket: str, kiosk_id: str, limit: int, now: dt.datetime) -> bool:
    """Count one request of ``kiosk_id`` in ``bucket`` this minute; False (nothing counted) at ``limit``."""
    minute = now.astimezone(dt.UTC).strftime("%Y%m%d%H%M")
    item = RateItem(pk=f"KIOSKRATE#{bucket}#{kiosk_id}#{minute}", sk="N")
    try:
        item.update(actions=[RateItem.n.add(1), RateItem.expires_at.set(int(now.timestamp()) + RATE_TTL_S)],
                    condition=RateItem.n.does_not_exist() | (RateItem.n < limit))
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _pk(unit_code: str) -> str:
    return f"KIOSKDRAFT#{unit_code}"


def _live(item: DraftItem, now: dt.datetime) -> bool:
    return item.expires_at is not None and item.expires_at > now.timestamp()


def count_waiting(unit_code: str, now: dt.datetime) -> int:
    return sum(1 for i in DraftItem.query(_pk(unit_code), attributes_to_get=["pk", "sk", "expires_at"])
               if _live(i, now))


def put_draft(unit_code: str, ticket: str, data: dict[str, object], now: dt.datetime, ttl_s: int) -> bool:
    """Store a new kiosk draft; False if the ticket is taken (the caller draws another)."""
    item = DraftItem(pk=_pk(unit_code), sk=ticket, data=data, updated_at=now, expires_at=int(now.timestamp()) + ttl_s)
    try:
        item.save(condition=DraftItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def waiting(unit_code: str, now: dt.datetime) -> list[DraftItem]:
    return [i for i in DraftItem.query(_pk(unit_code)) if _live(i, now)]


def get_draft(unit_code: str, ticket: str, now: dt.datetime) -> DraftItem | None:
    try:
        item = DraftItem.get(_pk(unit_code), ticket, consistent_read=True)
    except DoesNotExist:
        return None
    return item if _live(item, now) else None


def remove_draft(item: DraftItem) -> bool:
    """Delete the draft as read; False if someone else took it meanwhile."""
    try:
        DraftItem(pk=item.pk, sk=item.sk).delete(condition=DraftItem.pk.exists()
                                                 & (DraftItem.updated_at == item.updated_at))
    except DeleteError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
