"""Which chains changed on a day, so the daily anchor finds them by key, never by a Scan.

``CHAINDAY#<yyyy-mm-dd>#<shard>`` / ``DOSSIER#<code>`` in the dossiers table: written (put, last
writer wins) in the same transaction as every audit event of that dossier, with the event's ``seq``
and ``hash`` — transactions on one dossier are serialised by its version, so the item ends the
day holding the dossier's head for that day. ``SHARDS`` partitions spread a busy day's writes and
are the pages the anchoring job walks (its checkpoint).

The day is the event's calendar day in Asia/Ho_Chi_Minh.

The index is a working set, not the record: each item expires (TTL ``expires_at``, the tables' TTL
attribute) :data:`TTL_DAYS` after its event. The anchor copies the day's heads into its shard objects
(the leaves), and verifying a day or a chain later reads those and the chains, never the index. 35
days = the anchor's 7-day catch-up window (a day the queue could not finish is planned again for 7
days), then four weeks in which an operator can still re-run a day (``python -m
chalicelib.integrity.anchor <day>``, after a DLQ or a TSA outage) and the per-day verification
compares the anchored leaves with the index they were built from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Final

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.domain.calendar import VN_TZ
from chalicelib.store.models import DossiersTable

SHARDS: Final = 16
TTL_DAYS: Final = 35


class ChainDayItem(DossiersTable):
    seq = NumberAttribute()
    hash = UnicodeAttribute()
    expires_at = NumberAttribute()


def day_of(at: dt.datetime) -> str:
    return at.astimezone(VN_TZ).date().isoformat()


def shard_of(chain: str) -> int:
    return int(hashlib.sha256(chain.encode()).hexdigest()[:8], 16) % SHARDS


def partition(day: str, shard: int) -> str:
    return f"CHAINDAY#{day}#{shard:02d}"


def expires_at(at: dt.datetime) -> int:
    """When the index entry of an event at ``at`` expires (TTL, epoch seconds)."""
    return int((at + dt.timedelta(days=TTL_DAYS)).timestamp())


def day_item(chain: str, at: dt.datetime, seq: int, head: str) -> ChainDayItem:
    """The day index entry of ``chain`` (``DOSSIER#<code>``) after its event ``seq`` at ``at``."""
    return ChainDayItem(pk=partition(day_of(at), shard_of(chain)), sk=chain, seq=seq, hash=head,
                        expires_at=expires_at(at))
