"""PynamoDB models. Table names come from settings at connection time (``_TableName``),
so the same models serve AWS, the local stack and the tests.

Tables and item types (keys are generic ``pk``/``sk``; GSIs ``gsiN`` with ``gsiNpk``/``gsiNsk``):

dossiers
  DOSSIER#<code> / META          the dossier (one per dossier)
  DOSSIER#<code> / EVENT#<seq>   audit trail event (nhật ký xử lý), append-only, hash-chained
  CHAINDAY#<day>#<shard> / DOSSIER#<code>   the dossier's chain head on that day (chalicelib.integrity.index)
  DOSSIER#<code> / SEAL          the seal of its events written before chaining (chalicelib.integrity.seal)
  DOSSIER#<code> / OUTBOX#<seq>  sync outbox record, relayed to SQS by the stream handler
  DOSSIER#<code> / DOC#<id>      a document (attachment or result) of the dossier
  DVCQGREF#<ref> / REF           idempotency record of a DVCQG intake (MaHoSoDVCQG)
  DRAFT#<officer> / <draft id>   a desk-intake draft (TTL)
  UPLOAD#<id> / META             a presigned upload and what the S3 event found in it (TTL)
  gsi1: UNIT#<unit>#S#<status> / <due>#<code>     worklists by unit and status
  gsi2: ASSIGNEE#<sub> / <due>#<code>             an officer's own worklist
  gsi3: UNIT#<unit> / <received_at>#<code>        search by unit and period
  gsi4: APPLICANT#<unit>#<id key> / <received_at>#<code>   a unit's dossiers of one applicant (personal
                                 number or tax code, keyed by its HMAC: chalicelib.domain.finding)
catalogue
  UNIT#<code>/META, PROC#<code>/META, PROCESS#<code>/V#<version>, USER#<sub>/PROFILE, USER#<sub>/REPORT#<id>,
  CALENDAR/<date>, CLIENT#<id>/META; gsi1: TYPE#<kind> / <sort>  (list a kind without a Scan)
counters
  CODE#<unit>#<yymmdd> / SEQ     dossier-code sequence of a unit on a day
  AGG#<unit>#<shard> / S#<status>#R#<role>           FR-20 counters of a unit (now), sharded by the
                                 dossier code (chalicelib.notifications.counters; legacy AGG#<unit> read too)
  AGG#<unit>#<yyyy-mm> / C#<unit>#<status>#<outcome>#<flags>#<field>#<procedure>#<officer>#<channel>
  AGG#P#<province>#<yyyy-mm> / (same sort key)         report aggregates (FR-23…25): dossiers submitted in
                                 the month per cell, ADD-counted in each dossier transaction; one Query
                                 per month and unit/province (chalicelib.reports.aggregates)
  JOB#<job>#<run>#<chain> / PAGE#<n>   a scheduled job's page claimed by one SQS message (chalicelib.jobs)
sync
  SYNC#<code> / CURSOR#<dest>    what a destination acknowledged
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection, Projection
from pynamodb.models import Model

from chalicelib.settings import get_settings
from chalicelib.store.indexes import projection as index_projection


class _TableName:
    """Resolves a table name from the settings each time PynamoDB asks."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __get__(self, obj: Any, owner: Any) -> str:
        return str(getattr(get_settings(), self.setting))


class _Region:
    def __get__(self, obj: Any, owner: Any) -> str:
        return get_settings().region


def _projection(table: str, name: str) -> Projection:
    """The index's projection as chalicelib.store.indexes defines it (infra's tables follow the same)."""
    carried = index_projection(table, name)
    if carried is None:
        return AllProjection()
    return IncludeProjection(list(carried)) if carried else KeysOnlyProjection()


def _index(table: str, name: str) -> type[GlobalSecondaryIndex]:
    class Index(GlobalSecondaryIndex):
        class Meta:
            index_name = name
            projection = _projection(table, name)

    Index.__name__ = f"{table.capitalize()}{name.capitalize()}Index"
    return Index


class Gsi1(_index("dossiers", "gsi1")):  # type: ignore[misc]
    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(_index("dossiers", "gsi2")):  # type: ignore[misc]
    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Gsi3(_index("dossiers", "gsi3")):  # type: ignore[misc]
    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class Gsi4(_index("dossiers", "gsi4")):  # type: ignore[misc]
    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class CatalogueGsi1(_index("catalogue", "gsi1")):  # type: ignore[misc]
    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class SyncGsi1(_index("sync", "gsi1")):  # type: ignore[misc]
    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _Table(Model):
    """Base of the tables' item types. Each item type opens its own PynamoDB connection: PynamoDB
    describes the table from the class that opened the connection, and a subclass would otherwise
    share its parent's — one that knows none of the subclass's indexes ("Table … has no index: gsi1"
    whenever the parent happened to be used first in the process)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._connection = None


class DossiersTable(_Table):
    """Base of every item type in the dossiers table."""

    class Meta:
        table_name = _TableName("dossiers_table")
        region = _Region()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class DossierItem(DossiersTable):
    version = NumberAttribute(default=0)  # optimistic concurrency: every transition bumps it
    chain_head = UnicodeAttribute(null=True)  # hash of the last audit event: part of every transition's condition
    code = UnicodeAttribute()
    data = JSONAttribute()  # the dossier document (chalicelib.domain.dossier.Dossier as JSON)
    # Top-level copies of the fields that search filters on (FR-21) — JSON can't be filtered.
    status = NumberAttribute()
    procedure_code = UnicodeAttribute()
    field_code = UnicodeAttribute(null=True)
    applicant_key = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    by_unit_status = Gsi1()
    by_assignee = Gsi2()
    by_unit_received = Gsi3()
    by_applicant = Gsi4()


class EventItem(DossiersTable):
    data = JSONAttribute()


class SealItem(DossiersTable):
    data = JSONAttribute()  # {"through": n, "hash": legacy_hash of events 1..n, "at": ISO time}, put once


class OutboxItem(DossiersTable):
    kind = UnicodeAttribute()
    data = JSONAttribute()
    capture = UnicodeAttribute(null=True)  # chalicelib.edata.model.STREAM_MARK: its stream mapping's filter
    expires_at = NumberAttribute(null=True)


class DocumentItem(DossiersTable):
    data = JSONAttribute()


class DvcqgRefItem(DossiersTable):
    body_hash = UnicodeAttribute()
    code = UnicodeAttribute()
    response = JSONAttribute()


class UploadItem(DossiersTable):
    data = JSONAttribute()
    expires_at = NumberAttribute(null=True)


class DraftItem(DossiersTable):
    data = JSONAttribute()
    updated_at = UTCDateTimeAttribute()
    expires_at = NumberAttribute(null=True)


class CatalogueItem(_Table):
    class Meta:
        table_name = _TableName("catalogue_table")
        region = _Region()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    data = JSONAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_kind = CatalogueGsi1()


class CounterItem(_Table):
    class Meta:
        table_name = _TableName("counters_table")
        region = _Region()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    n = NumberAttribute(default=0)
    values = MapAttribute(null=True)  # type: ignore[var-annotated]


class JobPageItem(_Table):
    """A page of a scheduled job, claimed by the SQS message that carries it (chalicelib.jobs)."""

    class Meta:
        table_name = _TableName("counters_table")
        region = _Region()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    message = UnicodeAttribute()
    done = BooleanAttribute(default=False)
    claimed_at = NumberAttribute(null=True)  # epoch seconds of the message's latest attempt
    expires_at = NumberAttribute(null=True)


class SyncItem(_Table):
    class Meta:
        table_name = _TableName("sync_table")
        region = _Region()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    data = JSONAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)


M = TypeVar("M", bound=Model)
BATCH_GET_KEYS = 100  # BatchGetItem's limit per request


def batch_fetch(model: type[M], found: Iterable[Any]) -> Iterator[M]:
    """The whole items behind an index query's results (a KEYS_ONLY or INCLUDE index carries the
    keys, not ``data``), in the query's order, read by key 100 at a time (BatchGetItem, eventually
    consistent like the index itself). ``found``: model instances or raw items; an item deleted
    since the index was read is left out."""
    keys = iter(_table_key(i) for i in found)
    while chunk := list(islice(keys, BATCH_GET_KEYS)):
        items = {(i.pk, i.sk): i for i in model.batch_get(chunk)}  # type: ignore[attr-defined]
        yield from (items[k] for k in chunk if k in items)


def _table_key(found: Any) -> tuple[str, str]:
    if isinstance(found, dict):
        return found["pk"]["S"], found["sk"]["S"]
    return found.pk, found.sk


_transaction_connection: Connection | None = None


def transaction_connection() -> Connection:
    """The connection PynamoDB transactions go through (models keep their own)."""
    global _transaction_connection
    if _transaction_connection is None:
        _transaction_connection = Connection(region=get_settings().region)
    return _transaction_connection


def reset_connections() -> None:
    """Forget cached connections (tests and the local stack change endpoints)."""
    global _transaction_connection
    _transaction_connection = None
    item_types: list[type[Model]] = [_Table]
    while item_types:  # every item type, those of other modules too (each holds its own connection)
        item_type = item_types.pop()
        item_type._connection = None
        item_types.extend(item_type.__subclasses__())
