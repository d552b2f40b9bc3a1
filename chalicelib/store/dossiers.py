"""Dossier repository: every state change is ONE DynamoDB transaction.

- ``create``: takes a new dossier without its code and allocates the code from the
  per-unit-per-day counter *inside* the transaction that writes the dossier, its first audit
  event, its outbox record and (for DVCQG intake) the idempotency record — so codes are never
  duplicated and never skipped, and concurrent duplicates of one DVCQG dossier make exactly one
  dossier.
- Every audit event is a link of the dossier's hash chain (``chalicelib.integrity``): it carries
  ``prev_hash`` and ``hash``; META's ``chain_head`` is in the transition's condition, so two
  writers can never fork the chain, and the day index entry (``chalicelib.integrity.index``) is
  written in the same transaction.
- ``transition``: conditional on the dossier's version; appends the audit event and the
  outbox record in the same transaction. A concurrent attempt loses with ``VersionConflict``.
- Both keep the unit's FR-20 counters (``_count``) and the report aggregates
  (``chalicelib.reports.aggregates``: at most 4 ADD updates, key design in that module) in
  the same transaction, so no counter can drift from the dossiers.

Every read is by key or index; nothing here scans.
"""

from __future__ import annotations

import base64
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.codes import counter_key, format_dossier_code
from chalicelib.domain.dossier import AuditEvent, Dossier, search_key
from chalicelib.domain.finding import OVERDUE_STATUSES
from chalicelib.edata.model import capture_for
from chalicelib.errors import bad_request
from chalicelib.integrity.canonical import GENESIS, legacy_hash, link
from chalicelib.integrity.index import ChainDayItem, day_item
from chalicelib.notifications import counters as unit_counters
from chalicelib.observability import count as count_metric
from chalicelib.reports import counters as report_counters
from chalicelib.store import consultations as consultation_lists
from chalicelib.store.models import (
    CounterItem,
    DossierItem,
    DvcqgRefItem,
    EventItem,
    OutboxItem,
    SealItem,
    batch_fetch,
    transaction_connection,
)
from chalicelib.sync.destinations import outbox_data

OUTBOX_TTL_S = 30 * 24 * 3600
MAX_CODE_ATTEMPTS = 200
SEARCH_READ_PAGES = 5  # index pages one filtered search request may read (FR-21: flat cost)
COUNTER_CONFLICT_ATTEMPTS = 4  # a transition meeting another on a shared counter item


class VersionConflict(Exception):
    """Someone else changed the dossier first."""


class DuplicateReference(Exception):
    """A dossier with this DVCQG reference already exists."""

    def __init__(self, ref: DvcqgRefItem) -> None:
        super().__init__(ref.code)
        self.ref = ref


class CodeAllocationContention(Exception):
    """The counter stayed contended beyond every retry (should not happen in practice)."""


@dataclass(frozen=True)
class IntakeReference:
    dvcqg_ref: str
    body_hash: str


def dossier_pk(code: str) -> str:
    return f"DOSSIER#{code}"


def _event_sk(seq: int) -> str:
    return f"EVENT#{seq:06d}"


def _iso(dt: datetime | None) -> str:
    return dt.isoformat() if dt else "9999"


def _to_item(d: Dossier) -> DossierItem:
    item = DossierItem(
        pk=dossier_pk(d.code),
        sk="META",
        code=d.code,
        data=d.model_dump(mode="json"),
        status=d.status,
        procedure_code=d.procedure_code,
        field_code=d.field_code or None,
        applicant_key=search_key(d.applicant.name),
        due_at=d.due_at.isoformat() if d.due_at else None,
        channel=d.channel.value,
        gsi1pk=f"UNIT#{d.unit_code}#S#{d.status}",
        gsi1sk=f"{_iso(d.due_at)}#{d.code}",  # legal deadline (Asia/Ho_Chi_Minh ISO), nearest first
        gsi3pk=f"UNIT#{d.unit_code}",
        gsi3sk=f"{d.submitted_at.isoformat()}#{d.code}",
    )
    if d.applicant.id_key:
        item.gsi4pk = f"APPLICANT#{d.unit_code}#{d.applicant.id_key}"
        item.gsi4sk = f"{d.submitted_at.isoformat()}#{d.code}"
    if d.assignee and d.step_role == "appraiser":
        item.gsi2pk = f"ASSIGNEE#{d.assignee}"
        item.gsi2sk = f"{_iso(d.step_due_at or d.due_at)}#{d.code}"
    item.version = d.version
    item.chain_head = d.chain_head or None
    return item


def _chained(code: str, event: AuditEvent, prev_hash: str) -> tuple[EventItem, ChainDayItem]:
    """The event's item, linked after ``prev_hash`` (chalicelib.integrity.canonical: the hash is over the
    exact JSON stored), and the day index entry that makes the day's anchor include this head."""
    data = link(dossier_pk(code), event.model_dump(mode="json"), prev_hash)
    return (EventItem(pk=dossier_pk(code), sk=_event_sk(event.seq), data=data),
            day_item(dossier_pk(code), event.at, event.seq, data["hash"]))


def _outbox_item(d: Dossier, event: AuditEvent, now: datetime) -> OutboxItem:
    return OutboxItem(
        pk=dossier_pk(d.code),
        sk=f"OUTBOX#{event.seq:06d}",
        kind="transition",
        data=outbox_data(d.code, event.seq, d.province_code),  # the event's attributes: chalicelib.sync.destinations
        capture=capture_for(event),  # what it asks of the e-data store: the only records edata_capture receives
        expires_at=int(now.timestamp()) + OUTBOX_TTL_S,
    )


def _count(tx: TransactWrite, before: Dossier | None, after: Dossier) -> None:
    """Keep the per-unit counters (FR-20, ``chalicelib.notifications.counters``) right: they
    change in the same transaction as the dossier, so concurrent transitions can never make
    them drift. A dossier transferred to the competent unit (``chalicelib.domain.competence``)
    leaves the old unit's counters and enters the new unit's."""
    if before is not None and before.unit_code != after.unit_code:
        for d, n in ((before, -1), (after, 1)):
            pk = unit_counters.partition(d.unit_code, d.code)
            for sk in sorted(unit_counters.keys_of(d)):
                tx.update(CounterItem(pk=pk, sk=sk), actions=[CounterItem.n.add(n)])
        return
    pk = unit_counters.partition(after.unit_code, after.code)
    for sk, n in unit_counters.deltas(before, after):
        tx.update(CounterItem(pk=pk, sk=sk), actions=[CounterItem.n.add(n)])


def counters(unit_code: str) -> unit_counters.UnitCounts:
    """A unit's FR-20 counters — the sum of its shards (one Query each, ≈ 0.5 RRU when empty)."""
    out = unit_counters.UnitCounts()
    for pk in unit_counters.read_partitions(unit_code):
        for item in CounterItem.query(pk):
            out.add(item.sk, int(item.n))
    return out


def _reasons(err: TransactWriteError) -> list[str | None]:
    return [r.code if r else None for r in (err.cancellation_reasons or [])]


def create(
    dossier: Dossier,
    event: AuditEvent,
    *,
    reference: IntakeReference | None = None,
    response_for: Callable[[Dossier], dict[str, Any]] | None = None,
    sequence_width: int = 4,
) -> Dossier:
    """Write a new dossier under the next code of its unit on the day it was created (Asia/Ho_Chi_Minh).

    ``dossier`` is the new dossier as its process placed it (its ``code`` is ignored: the code is
    allocated here, in the transaction that writes it); ``event`` is its first audit event;
    ``response_for(dossier) -> dict`` is the intake answer remembered for idempotent replays.
    """
    unit_code = dossier.unit_code
    received_on = dossier.created_at.astimezone(VN_TZ).date()
    key = counter_key(unit_code, received_on)
    for attempt in range(MAX_CODE_ATTEMPTS):
        try:
            current = int(CounterItem.get(key, "SEQ", consistent_read=True).n)
        except DoesNotExist:
            current = 0
        code = format_dossier_code(unit_code, received_on, current + 1, sequence_width=sequence_width)
        first, first_day = _chained(code, event.model_copy(update={"seq": 1}), GENESIS)
        new = dossier.model_copy(update={"code": code, "chain_head": first.data["hash"]})
        counter = CounterItem(pk=key, sk="SEQ")
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                if current == 0:
                    tx.save(CounterItem(pk=key, sk="SEQ", n=1), condition=CounterItem.pk.does_not_exist())
                else:
                    tx.update(counter, actions=[CounterItem.n.set(current + 1)], condition=CounterItem.n == current)
                tx.save(_to_item(new), condition=DossierItem.pk.does_not_exist())
                tx.save(first)
                tx.save(_outbox_item(new, event.model_copy(update={"seq": 1}), new.created_at))
                tx.save(first_day)
                _count(tx, None, new)
                report_counters.count(tx, None, new)  # report aggregates (FR-23…25), same transaction
                if reference is not None:
                    tx.save(
                        DvcqgRefItem(
                            pk=f"DVCQGREF#{reference.dvcqg_ref}",
                            sk="REF",
                            body_hash=reference.body_hash,
                            code=code,
                            response=response_for(new) if response_for else {},
                        ),
                        condition=DvcqgRefItem.pk.does_not_exist(),
                    )
            return new
        except TransactWriteError as err:
            # PynamoDB groups operations by kind, so reasons can't be matched by position:
            # a failed condition with a reference may mean a twin intake won — look it up.
            if reference is not None and "ConditionalCheckFailed" in _reasons(err):
                existing = find_reference(reference.dvcqg_ref)
                if existing is not None:
                    raise DuplicateReference(existing) from None
            # The counter moved (or the transaction conflicted): read it again and retry.
            time.sleep(random.uniform(0, min(0.2, 0.005 * 2 ** min(attempt, 6))))  # noqa: S311 — jitter, not crypto
    raise CodeAllocationContention(key)


def find_reference(dvcqg_ref: str) -> DvcqgRefItem | None:
    try:
        return DvcqgRefItem.get(f"DVCQGREF#{dvcqg_ref}", "REF", consistent_read=True)
    except DoesNotExist:
        return None


def get(code: str, consistent: bool = True) -> Dossier | None:
    try:
        item = DossierItem.get(dossier_pk(code), "META", consistent_read=consistent)
    except DoesNotExist:
        return None
    return Dossier.model_validate(item.data)


Also = Callable[[TransactWrite], None]
"""More writes of the same use case, added to a dossier's transaction (``tx.save``/``tx.update``
only, so the dossier's own items keep their positions 0-2); a failed condition on one of them
cancels the whole transaction and is reported as :class:`VersionConflict`."""


def transition(before: Dossier, after: Dossier, event: AuditEvent, also: Also | None = None) -> Dossier:
    """Write ``after`` if the stored dossier is still ``before`` (same version), with ``also``'s
    writes (a payment settled, a postal order's tracking) in the same transaction."""
    if after.version != before.version + 1 or event.seq != before.seq + 1 or after.seq != event.seq:
        raise ValueError("transition must bump version and seq by one")
    # a dossier written before chaining has no head: its first chained event commits to those events
    # (chalicelib.integrity.canonical.legacy_hash — one more Query, once per such dossier)
    prev = before.chain_head or legacy_hash(dossier_pk(after.code), [
        dict(i.data) for i in EventItem.query(dossier_pk(after.code), EventItem.sk.startswith("EVENT#"),
                                               consistent_read=True)])
    event_item, event_day = _chained(after.code, event, prev)
    after = after.model_copy(update={"chain_head": event_item.data["hash"]})
    item = _to_item(after)
    # the chain's head is part of the condition: an event can only follow the head it was linked to
    head = (DossierItem.chain_head == before.chain_head if before.chain_head
            else DossierItem.chain_head.does_not_exist())
    for attempt in range(COUNTER_CONFLICT_ATTEMPTS):
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                # puts first (the dossier, its event, its outbox record: positions 0-2 of the
                # request), then the counters' updates — PynamoDB sends puts before updates
                tx.save(item, condition=(DossierItem.version == before.version) & head)
                tx.save(event_item, condition=EventItem.pk.does_not_exist())
                tx.save(_outbox_item(after, event, after.updated_at))
                tx.save(event_day)
                if also is not None:
                    also(tx)
                consultation_lists.index(tx, before, after)  # the consulted units' lists, same transaction
                _count(tx, before, after)
                report_counters.count(tx, before, after)  # report aggregates (FR-23…25), same transaction
            count_metric("DossierTransition")  # every committed step (the operations dashboard)
            return after
        except TransactWriteError as err:
            reasons = _reasons(err)
            if "ConditionalCheckFailed" in reasons or "TransactionConflict" in reasons[:3]:
                raise VersionConflict(after.code) from None
            if "TransactionConflict" not in reasons:
                raise
            # Only a shared counter was being written by another dossier's transaction at that
            # moment: nothing is wrong with this change, so try it again rather than refuse it.
            time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311 — jitter, not crypto
    raise VersionConflict(after.code)


def seal_day_item(code: str, at: datetime, through: int, sealed: str) -> ChainDayItem:
    """The seal's own day index entry, chain id ``SEAL#DOSSIER#<code>``: a leaf of the day's anchor of its
    own, never replaced by the dossier's head of the day."""
    return day_item(f"SEAL#{dossier_pk(code)}", at, through, sealed)


def seal_prefix(code: str, through: int, sealed: str, at: datetime) -> bool:
    """Seal events 1..``through`` of a dossier whose first chained event was linked after them without
    committing to them (``prev_hash`` ``""``: written by a build before the legacy rule): the seal item,
    put only if absent, and its day index entry, in one transaction. False: sealed already."""
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.save(SealItem(pk=dossier_pk(code), sk="SEAL",
                             data={"through": through, "hash": sealed, "at": at.isoformat()}),
                    condition=SealItem.pk.does_not_exist())
            tx.save(seal_day_item(code, at, through, sealed))
    except TransactWriteError as err:
        if "ConditionalCheckFailed" in _reasons(err) or "TransactionConflict" in _reasons(err):
            return False
        raise
    return True


def seal_legacy(before: Dossier, through: int, sealed: str, at: datetime) -> bool:
    """Seal dossier ``before``'s events 1..``through`` written before chaining (chalicelib.integrity.seal):
    META's head becomes their ``legacy_hash`` (so its next event links after it), the seal item is put
    once and its day index entry (so the day's anchor includes it: :func:`seal_day_item`), in one
    transaction, only while the dossier is still ``before`` with no head. False: it changed
    meanwhile (its own next event then committed to those events) or is sealed already."""
    after = before.model_copy(update={"chain_head": sealed})
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.save(_to_item(after), condition=(DossierItem.version == before.version)
                    & DossierItem.chain_head.does_not_exist())
            tx.save(SealItem(pk=dossier_pk(before.code), sk="SEAL",
                             data={"through": through, "hash": sealed, "at": at.isoformat()}),
                    condition=SealItem.pk.does_not_exist())
            tx.save(seal_day_item(before.code, at, through, sealed))
    except TransactWriteError as err:
        if "ConditionalCheckFailed" in _reasons(err) or "TransactionConflict" in _reasons(err):
            return False
        raise
    return True


def events(code: str) -> list[AuditEvent]:
    return [
        AuditEvent.model_validate(i.data)
        for i in EventItem.query(dossier_pk(code), EventItem.sk.startswith("EVENT#"), consistent_read=True)
    ]


def events_after(code: str, seq: int) -> Iterator[AuditEvent]:
    """The audit events with a sequence number above ``seq``, in order."""
    condition = EventItem.sk.between(_event_sk(seq + 1), _event_sk(999_999))
    for i in EventItem.query(dossier_pk(code), condition, consistent_read=True):
        yield AuditEvent.model_validate(i.data)


@dataclass(frozen=True)
class Page:
    items: list[Dossier]
    cursor: str | None


def _encode_cursor(last_key: dict[str, Any] | None, sk_attr: str) -> str | None:
    if not last_key:
        return None
    raw = json.dumps({"sk": last_key[sk_attr]["S"], "code": last_key["pk"]["S"]}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str | None, pk_attr: str, pk_value: str, sk_attr: str) -> dict[str, Any] | None:
    """Rebuild the start key server-side: a cursor only carries the sort position, so a
    tampered cursor cannot move a query into another partition (another unit's list)."""
    if not cursor:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        sk, pk = str(data["sk"]), str(data["code"])
    except (ValueError, KeyError, TypeError):
        raise bad_request("Con trỏ phân trang không hợp lệ.", "INVALID_CURSOR") from None
    if not pk.startswith("DOSSIER#"):
        raise bad_request("Con trỏ phân trang không hợp lệ.", "INVALID_CURSOR")
    return {pk_attr: {"S": pk_value}, sk_attr: {"S": sk}, "pk": {"S": pk}, "sk": {"S": "META"}}


def _page(index: Any, pk_attr: str, sk_attr: str, pk_value: str, limit: int, cursor: str | None,
          filter_condition: Any = None, range_condition: Any = None) -> Page:
    start = _decode_cursor(cursor, pk_attr, pk_value, sk_attr)
    result = index.query(
        pk_value, range_condition, filter_condition=filter_condition, limit=limit, last_evaluated_key=start,
        page_size=limit,
    )
    items = [Dossier.model_validate(i.data) for i in batch_fetch(DossierItem, result)]  # the index: keys (+ filters)
    return Page(items, _encode_cursor(result.last_evaluated_key, sk_attr))


def worklist(unit_code: str, status: int, limit: int = 20, cursor: str | None = None) -> Page:
    """Dossiers of a unit in a status, nearest deadline first."""
    return _page(DossierItem.by_unit_status, "gsi1pk", "gsi1sk", f"UNIT#{unit_code}#S#{status}", limit, cursor)


def assigned_to(sub: str, limit: int = 20, cursor: str | None = None) -> Page:
    """An officer's own worklist, nearest deadline first."""
    return _page(DossierItem.by_assignee, "gsi2pk", "gsi2sk", f"ASSIGNEE#{sub}", limit, cursor)


def held_by(sub: str) -> int:
    """How many dossiers an appraiser holds now (their own worklist's index, counted)."""
    return DossierItem.by_assignee.count(f"ASSIGNEE#{sub}")


def in_unit(unit_code: str, code: str) -> Page:
    """The dossier with this code if it belongs to the unit (one GetItem): a search by code."""
    found = get(code.strip(), consistent=False)
    return Page([found] if found is not None and found.unit_code == unit_code else [], None)


def search(unit_code: str, *, received_from: datetime | None = None, received_to: datetime | None = None,
           status: int | None = None, procedure_code: str | None = None, field_code: str | None = None,
           applicant: str | None = None, due_before: datetime | None = None, applicant_id_key: str | None = None,
           channel: str | None = None, overdue_at: datetime | None = None,
           limit: int = 20, cursor: str | None = None) -> Page:
    """FR-21: by unit and receipt period (gsi3) — or by one applicant's identifier in the unit (gsi4,
    keyed by its HMAC) — combined with any other criteria (filters). ``overdue_at``: the legal
    deadline passed before that moment while the clock runs."""
    lo = received_from.isoformat() if received_from else "0"
    hi = (received_to.isoformat() if received_to else "9999") + "#~"
    conditions: list[Condition] = []
    if status is not None:
        conditions.append(DossierItem.status == status)
    if procedure_code:
        conditions.append(DossierItem.procedure_code == procedure_code)
    if field_code:
        conditions.append(DossierItem.field_code == field_code)
    if applicant:
        conditions.append(DossierItem.applicant_key.contains(search_key(applicant)))
    if due_before:
        conditions.append(DossierItem.due_at <= due_before.isoformat())
    if channel:
        conditions.append(DossierItem.channel == channel)
    if overdue_at:
        conditions.append(DossierItem.due_at < overdue_at.isoformat())
        conditions.append(DossierItem.status.is_in(*OVERDUE_STATUSES))
    if applicant_id_key:
        index: Any = DossierItem.by_applicant
        pk_attr, sk_attr, pk_value = "gsi4pk", "gsi4sk", f"APPLICANT#{unit_code}#{applicant_id_key}"
        range_condition = DossierItem.gsi4sk.between(lo, hi)
    else:
        index, pk_attr, sk_attr, pk_value = DossierItem.by_unit_received, "gsi3pk", "gsi3sk", f"UNIT#{unit_code}"
        range_condition = DossierItem.gsi3sk.between(lo, hi)
    if not conditions:
        return _page(index, pk_attr, sk_attr, pk_value, limit, cursor, range_condition=range_condition)
    filter_condition = conditions[0]
    for c in conditions[1:]:
        filter_condition = filter_condition & c
    return _filtered_page(index, pk_attr, sk_attr, pk_value, limit, cursor, filter_condition, range_condition)


def _filtered_page(index: Any, pk_attr: str, sk_attr: str, pk_value: str, limit: int, cursor: str | None,
                   filter_condition: Any, range_condition: Any) -> Page:
    """Up to ``limit`` matches from at most ``SEARCH_READ_PAGES`` index pages of ``limit`` items:
    a filter that matches little must not read a whole unit's history in one request (its cost
    would grow with the table). Fewer matches with a cursor mean "not all read yet: search on"."""
    start = _decode_cursor(cursor, pk_attr, pk_value, sk_attr)
    pages = index.query(pk_value, range_condition, filter_condition=filter_condition,
                        last_evaluated_key=start, page_size=limit).page_iter
    matches: list[dict[str, Any]] = []
    cursor_out: str | None = None
    for _ in range(SEARCH_READ_PAGES):
        try:
            page = next(pages)
        except StopIteration:
            break
        for raw in page.get("Items", []):
            matches.append(raw)
            if len(matches) == limit:
                last = {key: raw[key] for key in pages.key_names}
                return _fetched(matches, _encode_cursor(last, sk_attr))
        if pages.last_evaluated_key is None:
            break
    else:
        cursor_out = _encode_cursor(pages.last_evaluated_key, sk_attr)
    return _fetched(matches, cursor_out)


def _fetched(matches: list[dict[str, Any]], cursor: str | None) -> Page:
    """The matched index entries' dossiers, read by key (the index carries the filters' attributes only)."""
    return Page([Dossier.model_validate(i.data) for i in batch_fetch(DossierItem, matches)], cursor)
