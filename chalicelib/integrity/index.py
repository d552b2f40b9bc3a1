"""Which chains changed on a day, so the daily anchor finds them by key, never by a Scan.

``CHAINDAY#<yyyy-mm-dd>#<shard>`` / ``DOSSIER#<code>`` in the dossiers table: written (put, last
writer wins) in the same transaction as every audit event of that dossier, with the event's ``seq``
and ``hash`` — transactions on one dossier are serialised by its version, so the item ends the
day holding the dossier's head for that day. ``SHARDS`` partitions spread a busy day's writes and
are the pages the anchoring job walks (its checkpoint).

The day is the event's calendar day in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Final

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.domain.calendar import VN_TZ
from chalicelib.store.models import DossiersTable

SHARDS: Final = 16


class ChainDayItem(DossiersTable):
    seq = NumberAttribute()
    hash = UnicodeAttribute()


def day_of(at: dt.datetime) -> str:
    return at.astimezone(VN_TZ).date().isoformat()


def shard_of(chain: str) -> int:
    return int(hashlib.sha256(chain.encode()).hexdigest()[:8], 16) % SHARDS


def partition(day: str, shard: int) -> str:
    return f"CHAINDAY#{day}#{shard:02d}"


def day_item(chain: str, at: dt.datetime, seq: int, head: str) -> ChainDayItem:
    """The day index entry of ``chain`` (``DOSSIER#<code>``) after its event ``seq`` at ``at``."""
    return ChainDayItem(pk=partition(day_of(at), shard_of(chain)), sk=chain, seq=seq, hash=head)
