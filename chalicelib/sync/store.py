"""What the sync keeps in the ``sync`` table: per (dossier, destination) cursors, short leases,
the ledger of acknowledged records, the operators' and reconciliation's audit entries, and the
index of recently changed dossiers. Every read is by key or index — nothing scans.

Items (``pk = SYNC#<code>``), by sort key:

``CURSOR#<dest>``
    ``acked``: the last step the destination acknowledged; ``seen``: the destination has the
    dossier (the next ``DongBoHoSoMC`` says ``isUpdating`` "True"); ``first_attempt_at``: a
    first ``DongBoHoSoMC`` went out (its answer may have been lost); ``rev`` grows with every
    write, and every write is conditional on the ``rev`` read.
``LEASE#<dest>``
    who is sending this dossier to ``dest`` now, until ``expires_at`` (epoch seconds; the
    table's TTL removes leftovers).
``LEDGER#<dest>#<seq>#<service>#<acked at>``
    one acknowledgement of one record, append-only: the step ``seq`` (for ``DongBoHoSoMC``, the
    dossier as it stood at that step), when it was sent and acknowledged, the commit →
    acknowledgement lag, the answer.
``AUDIT#<at>#<dest>#<id>``
    an operator's resync or a reconciliation's reset.
``CHANGED#<yyyymmddhh>``
    "changed in that hour" (UTC) with ``gsi1pk`` = ``CHANGED#<yyyymmddhh>`` and ``gsi1sk`` =
    the code, so reconciliation lists recently changed dossiers without a Scan; TTL 7 days.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from chalicelib.store.models import SyncGsi1, SyncItem

CHANGED_TTL: Final = timedelta(days=7)


class CursorMoved(Exception):
    """The cursor changed since it was read (an operator's reset, a reconciliation, or a worker
    whose lease ran out): nothing was advanced; the record is retried from the new value."""


class CursorItem(SyncItem):
    target = UnicodeAttribute(null=True)
    acked = NumberAttribute(null=True)
    seen = BooleanAttribute(null=True)
    rev = NumberAttribute(null=True)
    first_attempt_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


class LeaseItem(SyncItem):
    owner = UnicodeAttribute(null=True)


class LedgerItem(SyncItem):
    destination = UnicodeAttribute(null=True)
    seq = NumberAttribute(null=True)
    service = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    label = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    acked_at = UnicodeAttribute(null=True)
    lag_ms = NumberAttribute(null=True)


class ChangedItem(SyncItem):
    recent = SyncGsi1()


def _pk(code: str) -> str:
    return f"SYNC#{code}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _failed_condition(err: PutError | DeleteError) -> bool:
    return err.cause_response_code == "ConditionalCheckFailedException"


# --- cursors -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cursor:
    destination: str
    acked: int = 0
    seen: bool = False
    rev: int = 0
    first_attempt_at: str | None = None
    updated_at: str | None = None
    target: str | None = None  # the system the cursor counts for (a province's: the dossier's province then)


def _cursor(destination: str, item: CursorItem) -> Cursor:
    return Cursor(
        destination=destination,
        acked=int(item.acked or 0),
        seen=bool(item.seen),
        rev=int(item.rev or 0),
        first_attempt_at=item.first_attempt_at,
        updated_at=item.updated_at,
        target=item.target,
    )


def get_cursor(code: str, destination: str) -> Cursor:
    try:
        item = CursorItem.get(_pk(code), f"CURSOR#{destination}", consistent_read=True)
    except DoesNotExist:
        return Cursor(destination)
    return _cursor(destination, item)


def cursors(code: str) -> dict[str, Cursor]:
    """Every destination's cursor of ``code`` (destinations never sent to are absent)."""
    out = {}
    for item in CursorItem.query(_pk(code), CursorItem.sk.startswith("CURSOR#"), consistent_read=True):
        destination = item.sk.removeprefix("CURSOR#")
        out[destination] = _cursor(destination, item)
    return out


def advance(code: str, expected: Cursor, *, acked: int, seen: bool, first_attempt_at: str | None, at: datetime,
            by: str = "sync", target: str | None = None) -> Cursor:  # fmt: skip
    """Replace the cursor read as ``expected`` (same ``rev``) by the values given (``target``:
    None keeps it); raise :class:`CursorMoved` if anyone changed it in between."""
    after = Cursor(expected.destination, acked, seen, expected.rev + 1, first_attempt_at, _iso(at),
                   target or expected.target)  # fmt: skip
    item = CursorItem(
        _pk(code), f"CURSOR#{expected.destination}", acked=after.acked, seen=after.seen, rev=after.rev,
        first_attempt_at=after.first_attempt_at, updated_at=after.updated_at, target=after.target, data={"by": by},
    )  # fmt: skip
    condition = CursorItem.rev == expected.rev if expected.rev else CursorItem.pk.does_not_exist()
    try:
        item.save(condition=condition)
    except PutError as err:
        if _failed_condition(err):
            raise CursorMoved(f"{code} {expected.destination}") from None
        raise
    return after


def note_first_attempt(code: str, expected: Cursor, at: datetime, target: str | None = None) -> Cursor:
    """Remember that a first ``DongBoHoSoMC`` is going out: if its answer never comes back, the
    next attempt asks the destination whether it has the dossier."""
    return advance(code, expected, acked=expected.acked, seen=expected.seen, first_attempt_at=_iso(at), at=at,
                   target=target)  # fmt: skip


RESET_ATTEMPTS: Final = 5


def reset(code: str, destination: str, *, acked: int, seen: bool, at: datetime, by: str) -> tuple[Cursor, Cursor]:
    """Set the cursor whatever it holds (operators, reconciliation). The new ``rev`` makes any
    delivery in flight fail its next advance and start again from here."""
    for _ in range(RESET_ATTEMPTS):
        before = get_cursor(code, destination)
        try:
            after = advance(code, before, acked=acked, seen=seen, at=at, by=by,
                            first_attempt_at=before.first_attempt_at if seen else None)  # fmt: skip
        except CursorMoved:
            continue
        return before, after
    raise CursorMoved(f"{code} {destination}: kept moving during a reset")


# --- leases --------------------------------------------------------------------------------
def acquire_lease(code: str, destination: str, owner: str, *, at: datetime, seconds: int) -> bool:
    """Take the (dossier, destination) lease for ``seconds`` unless someone holds an unexpired one."""
    now_s = int(at.timestamp())
    item = LeaseItem(
        _pk(code), f"LEASE#{destination}", owner=owner, expires_at=now_s + seconds, data={"since": _iso(at)}
    )
    try:
        item.save(condition=LeaseItem.pk.does_not_exist() | (LeaseItem.expires_at < now_s))
    except PutError as err:
        if _failed_condition(err):
            return False
        raise
    return True


def release_lease(code: str, destination: str, owner: str) -> None:
    """Give the lease back if it is still ours (it may have expired and been taken over)."""
    try:
        LeaseItem(_pk(code), f"LEASE#{destination}").delete(condition=LeaseItem.owner == owner)
    except DeleteError as err:
        if not _failed_condition(err):
            raise


# --- ledger --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Acknowledgement:
    """A record the destination acknowledged (one ledger item per acknowledgement)."""

    seq: int
    service: str
    status: str
    label: str
    sent_at: datetime
    acked_at: datetime
    lag_ms: int
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LedgerEntry:
    """A record as the destination got it: first and last acknowledgement, how many sends."""

    destination: str
    seq: int
    service: str
    status: str
    label: str
    first_sent_at: str
    first_acked_at: str
    last_acked_at: str
    sends: int
    lag_ms: int  # commit → first acknowledgement
    answer: dict[str, Any]  # the last answer


def record(code: str, destination: str, acks: list[Acknowledgement]) -> None:
    """Append acknowledgements to the ledger (append-only: a record sent again adds an item)."""
    with LedgerItem.batch_write() as batch:
        for ack in acks:
            acked_at = _iso(ack.acked_at)
            batch.save(LedgerItem(
                _pk(code), f"LEDGER#{destination}#{ack.seq:06d}#{ack.service}#{acked_at}",
                destination=destination, seq=ack.seq, service=ack.service, status=ack.status, label=ack.label,
                sent_at=_iso(ack.sent_at), acked_at=acked_at, lag_ms=ack.lag_ms, data={"answer": ack.answer},
            ))  # fmt: skip


def ledger(code: str, destination: str | None = None) -> list[LedgerEntry]:
    """The records of ``code`` its destinations acknowledged (of one destination, or all), by
    destination, step and service."""
    prefix = f"LEDGER#{destination}#" if destination else "LEDGER#"
    grouped: dict[tuple[str, int, str], list[LedgerItem]] = {}
    for item in LedgerItem.query(_pk(code), LedgerItem.sk.startswith(prefix), consistent_read=True):
        grouped.setdefault((item.destination or "", int(item.seq or 0), item.service or ""), []).append(item)
    out = []
    for (dest, seq, service), items in grouped.items():  # each group in acknowledgement order (the sort key)
        first, last = items[0], items[-1]
        out.append(LedgerEntry(
            destination=dest, seq=seq, service=service, status=last.status or "", label=last.label or "",
            first_sent_at=first.sent_at or "", first_acked_at=first.acked_at or "", last_acked_at=last.acked_at or "",
            sends=len(items), lag_ms=int(first.lag_ms or 0), answer=(last.data or {}).get("answer", {}),
        ))  # fmt: skip
    return out


# --- audit ---------------------------------------------------------------------------------
def audit(code: str, destination: str, action: str, *, by: str, at: datetime, details: dict[str, Any]) -> None:
    """Record an operator's or the reconciliation's intervention on a dossier's sync."""
    SyncItem(
        pk=_pk(code),
        sk=f"AUDIT#{_iso(at)}#{destination}#{uuid.uuid4().hex[:8]}",
        data={"at": _iso(at), "destination": destination, "action": action, "by": by, "details": details},
    ).save()


def audits(code: str) -> list[dict[str, Any]]:
    return [dict(i.data) for i in SyncItem.query(_pk(code), SyncItem.sk.startswith("AUDIT#"), consistent_read=True)]


# --- recently changed dossiers -------------------------------------------------------------
def _hour(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H")


def mark_changed(code: str, at: datetime) -> None:
    """Put ``code`` in the index of dossiers changed in ``at``'s hour (kept 7 days)."""
    hour = _hour(at)
    ChangedItem(
        pk=_pk(code),
        sk=f"CHANGED#{hour}",
        gsi1pk=f"CHANGED#{hour}",
        gsi1sk=code,
        data={"at": _iso(at)},
        expires_at=int((at + CHANGED_TTL).timestamp()),
    ).save()


def changed_hours(since: datetime, until: datetime) -> list[str]:
    """The hours (``YYYYMMDDHH``, UTC) from ``since``'s to ``until``'s, in order."""
    out = []
    hour = since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while hour <= until:
        out.append(_hour(hour))
        hour += timedelta(hours=1)
    return out


def changed_page(hour: str, limit: int, after: dict[str, Any] | None) -> tuple[list[str], dict[str, Any] | None]:
    """At most ``limit`` codes of dossiers marked changed in ``hour``, from ``after``; and where
    they stopped (None: the end)."""
    result = ChangedItem.recent.query(f"CHANGED#{hour}", limit=limit, last_evaluated_key=after)
    codes = [item.gsi1sk for item in result]
    return codes, result.last_evaluated_key


def changed_after(code: str, hour: str, last: str) -> bool:
    """Whether ``code`` was also marked changed in a later hour, up to ``last`` (one small Query)."""
    later = SyncItem.sk.between(f"CHANGED#{hour}~", f"CHANGED#{last}")
    return any(True for _ in SyncItem.query(_pk(code), later, limit=1))


# --- targets that are down (the province sync's circuit) -------------------------------------
DOWN_TTL: Final = timedelta(days=1)


@dataclass(frozen=True)
class Down:
    """``target`` did not answer ``failures`` times in a row; it is not tried before ``until``."""

    target: str
    until: datetime
    failures: int


def _down_key(target: str) -> tuple[str, str]:
    return f"TARGET#{target}", "DOWN"


def get_down(target: str) -> Down | None:
    """The target's open circuit, if any (also once ``until`` has passed: the next try probes)."""
    try:
        item = SyncItem.get(*_down_key(target), consistent_read=True)
    except DoesNotExist:
        return None
    data = item.data or {}
    return Down(target, datetime.fromisoformat(data["until"]), int(data.get("failures", 1)))


def mark_down(target: str, *, until: datetime, failures: int, at: datetime) -> None:
    """Open (or extend) the target's circuit; the item expires a day after ``until``."""
    pk, sk = _down_key(target)
    SyncItem(pk=pk, sk=sk, data={"until": _iso(until), "failures": failures, "since": _iso(at)},
             expires_at=int((until + DOWN_TTL).timestamp())).save()  # fmt: skip


def mark_up(target: str) -> None:
    """Close the target's circuit: it answered again."""
    SyncItem(*_down_key(target)).delete()
