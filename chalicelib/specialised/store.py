"""Specialised software's outages, stored in the dossiers table (rules: ``model``):

  SPECIALISED_DOSSIER#<code> / HANDOVER   the dossier's hand-over to its software: ``system``,
        ``unit_code``, ``state`` (model.HandoverState), ``attempts``, ``last_error``, ``pushed_at``,
        the officer's continuation (``continued_*``); while waiting, queued, silent or continued
        it is indexed on gsi1 ``SPECIALISED#<state>#<system>`` / ``<since>#<code>`` (the watch's
        Query, never a Scan); answered or reconciled, it leaves the index.
  SPECIALISED_INCIDENT / OPEN#<system>    the software's open incident (at most one): ``affected``
        is a string set of ``<unit>|<code>``, added to by one UpdateItem (idempotent).
  SPECIALISED_INCIDENT / RESOLVED#<resolved at>#<system>   a resolved incident (TTL 400 days),
        written with the open one's deletion in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.specialised import model
from chalicelib.store.models import DossiersTable, Gsi1, batch_fetch, transaction_connection

INCIDENTS_PK = "SPECIALISED_INCIDENT"
HISTORY_TTL_S = 400 * 24 * 3600


class HandoverItem(DossiersTable):
    code = UnicodeAttribute()
    system = UnicodeAttribute()
    unit_code = UnicodeAttribute()
    state = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    pushed_at = UnicodeAttribute(null=True)
    continued_at = UnicodeAttribute(null=True)
    continued_by = UnicodeAttribute(null=True)
    continued_reason = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_state = Gsi1()


class IncidentItem(DossiersTable):
    id = UnicodeAttribute()
    system = UnicodeAttribute()
    kind = UnicodeAttribute()
    since = UnicodeAttribute()
    last_error = UnicodeAttribute(null=True)
    affected = UnicodeSetAttribute(null=True)
    continued = UnicodeSetAttribute(null=True)  # of the affected, those officers continued in hoso
    resolved_at = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)


def reset_connections() -> None:
    HandoverItem._connection = None
    IncidentItem._connection = None


def _handover_pk(code: str) -> str:
    return f"SPECIALISED_DOSSIER#{code}"


def _index(state: str, system: str) -> str:
    return f"SPECIALISED#{state}#{system}"


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Handover:
    code: str
    system: str
    unit_code: str
    state: str
    attempts: int
    last_error: str
    pushed_at: dt.datetime | None
    continued_at: dt.datetime | None
    continued_by: str
    continued_reason: str


def _handover(item: HandoverItem) -> Handover:
    return Handover(code=item.code, system=item.system, unit_code=item.unit_code, state=item.state,
                    attempts=int(item.attempts or 0), last_error=item.last_error or "",
                    pushed_at=dt.datetime.fromisoformat(item.pushed_at) if item.pushed_at else None,
                    continued_at=dt.datetime.fromisoformat(item.continued_at) if item.continued_at else None,
                    continued_by=item.continued_by or "", continued_reason=item.continued_reason or "")  # fmt: skip


def get_handover(code: str) -> Handover | None:
    try:
        return _handover(HandoverItem.get(_handover_pk(code), "HANDOVER", consistent_read=True))
    except DoesNotExist:
        return None


def _state_actions(state: str, system: str, code: str, at: dt.datetime) -> list[Any]:
    actions: list[Any] = [HandoverItem.state.set(state)]
    if state in model.WATCHED_STATES:
        actions += [HandoverItem.gsi1pk.set(_index(state, system)), HandoverItem.gsi1sk.set(f"{_iso(at)}#{code}")]
    else:
        actions += [HandoverItem.gsi1pk.remove(), HandoverItem.gsi1sk.remove()]
    return actions


def failed_push(code: str, system: str, unit_code: str, error: str) -> int:
    """Count a failed push of the dossier; the attempts so far."""
    item = HandoverItem(_handover_pk(code), "HANDOVER")
    item.update(actions=[HandoverItem.code.set(code), HandoverItem.system.set(system),
                         HandoverItem.unit_code.set(unit_code), HandoverItem.state.set(HandoverItem.state | "waiting"),
                         HandoverItem.attempts.add(1), HandoverItem.last_error.set(error[:500])])  # fmt: skip
    return int(item.attempts)


def set_state(code: str, system: str, unit_code: str, state: str, at: dt.datetime, *,
              pushed: bool = False, expect: frozenset[str] | None = None) -> bool:  # fmt: skip
    """Move the hand-over to ``state`` (``expect``: only from one of these states); False if it was not in them."""
    item = HandoverItem(_handover_pk(code), "HANDOVER")
    actions = [HandoverItem.code.set(code), HandoverItem.system.set(system), HandoverItem.unit_code.set(unit_code),
               *_state_actions(state, system, code, at)]  # fmt: skip
    if pushed:
        actions += [HandoverItem.pushed_at.set(_iso(at)), HandoverItem.attempts.set(0)]
    condition = HandoverItem.state.is_in(*expect) if expect else None
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as err:
        if err.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


def continue_in(tx: TransactWrite, code: str, handover: Handover, officer: str, reason: str, at: dt.datetime) -> None:
    """The officer's continuation, in the transaction of its audit event (only from a held state, while
    the software's incident is open: marked there too)."""
    tx.update(HandoverItem(_handover_pk(code), "HANDOVER"),
              actions=[*_state_actions("continued", handover.system, code, at),
                       HandoverItem.continued_at.set(_iso(at)), HandoverItem.continued_by.set(officer),
                       HandoverItem.continued_reason.set(reason)],
              condition=HandoverItem.state.is_in(*model.AFFECTED_STATES))  # fmt: skip
    tx.update(IncidentItem(INCIDENTS_PK, f"OPEN#{handover.system}"),
              actions=[IncidentItem.continued.add({model.affected_key(handover.unit_code, code)})],
              condition=IncidentItem.id.exists())  # fmt: skip


def in_state(system: str, state: str, *, before: dt.datetime | None = None, limit: int = 50) -> list[Handover]:
    """Hand-overs of ``system`` in ``state`` (oldest first; ``before``: since earlier than it)."""
    condition = HandoverItem.gsi1sk < _iso(before) if before is not None else None
    items = HandoverItem.by_state.query(_index(state, system), condition, limit=limit)
    return [_handover(i) for i in batch_fetch(HandoverItem, items)]  # gsi1 carries the keys only


# ---------------------------------------------------------------- incidents
def _incident(item: IncidentItem, name: str) -> model.Incident:
    since = dt.datetime.fromisoformat(item.since)
    return model.Incident(
        id=item.id, system=item.system, kind=item.kind, state="resolved" if item.resolved_at else "open",
        since=since, resolved_at=dt.datetime.fromisoformat(item.resolved_at) if item.resolved_at else None,
        last_error=item.last_error or "", message=model.message(name, item.kind, since),
        dossiers=model.parse_affected(item.affected, item.continued),
    )


def open_incident(system: str, kind: str, at: dt.datetime, affected: set[str], error: str) -> bool:
    """Open ``system``'s incident, or add to the open one; True if this call opened it."""
    proposed = f"{system}-{at.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%S')}"
    item = IncidentItem(INCIDENTS_PK, f"OPEN#{system}")
    actions: list[Any] = [IncidentItem.id.set(IncidentItem.id | proposed), IncidentItem.system.set(system),
                          IncidentItem.kind.set(IncidentItem.kind | kind),
                          IncidentItem.since.set(IncidentItem.since | _iso(at)),
                          IncidentItem.last_error.set(error[:500] or "—")]  # fmt: skip
    if affected:
        actions.append(IncidentItem.affected.add(affected))
    item.update(actions=actions)
    return item.id == proposed


def get_open(system: str) -> IncidentItem | None:
    try:
        return IncidentItem.get(INCIDENTS_PK, f"OPEN#{system}", consistent_read=True)
    except DoesNotExist:
        return None


def resolve(system: str, at: dt.datetime) -> IncidentItem | None:
    """Close ``system``'s open incident (kept in the history); the closed record, or None if none was open."""
    current = get_open(system)
    if current is None:
        return None
    closed = IncidentItem(INCIDENTS_PK, f"RESOLVED#{_iso(at)}#{system}", id=current.id, system=system,
                          kind=current.kind, since=current.since, last_error=current.last_error,
                          affected=current.affected or None, continued=current.continued or None,
                          resolved_at=_iso(at),
                          expires_at=int(at.timestamp()) + HISTORY_TTL_S)  # fmt: skip
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.delete(current, condition=IncidentItem.id == current.id)
            tx.save(closed)
    except TransactWriteError as err:
        if err.cause_response_code != "TransactionCanceledException":
            raise
        return None  # resolved meanwhile by another worker
    return closed


def incidents(names: dict[str, str], *, history: int = 0) -> Iterator[model.Incident]:
    """Open incidents, then (``history``) the latest resolved ones."""
    for item in IncidentItem.query(INCIDENTS_PK, IncidentItem.sk.startswith("OPEN#"), consistent_read=True):
        yield _incident(item, names.get(item.system, item.system))
    if history:
        for item in IncidentItem.query(INCIDENTS_PK, IncidentItem.sk.startswith("RESOLVED#"), scan_index_forward=False,
                                       limit=history):  # fmt: skip
            yield _incident(item, names.get(item.system, item.system))
