"""Deliver a dossier to one destination: whatever it has not acknowledged yet, in order.

The queue message only says "dossier X changed"; what to send comes from the dossier's audit
trail and the destination's cursor (the last step it acknowledged), so duplicated, delayed
and reordered messages are harmless:

1. read the cursor and the dossier; if the destination already has every step, stop;
2. take the (dossier, destination) lease, so two workers never send the same dossier to the
   same destination at once, and read the cursor again under it;
3. ``DongBoHoSoMC`` with the dossier as it stands — ``isUpdating`` "False" the first time
   this destination sees the dossier, "True" afterwards (if an earlier first send may have
   reached it without our hearing back, ``TraCuuHoSo`` settles which);
4. ``CapNhatTienDoHoSoMC`` with the missing steps in order, in chunks; after each
   acknowledged chunk, write the ledger and advance the cursor conditionally (from the value
   read), so a failure half-way keeps what was acknowledged. The cursor records that the
   destination has the dossier with the first advance; should that never happen, the
   ``TraCuuHoSo`` of step 3 finds out next time;
5. release the lease.

The ``province`` destination sends each dossier to its own province only — the province of its
unit (:func:`target_of`), through that province's endpoint (``province-<code>``); a
ministry-level dossier goes to no province. The cursor stays per (dossier, destination) and
names the province it counts for: should the dossier's province change (its unit moves, or it
is transferred to a unit of another province), the new province gets it from the start
(``isUpdating`` "False", every step).

Only steps up to the dossier's sequence number *as read* are sent, so the dossier record and
the progress records always describe the same moment; a later step has its own message.
Any failure raises (:class:`~chalicelib.integrations.dvcqg.SyncFailed`, :class:`LeaseBusy`,
:class:`~chalicelib.sync.store.CursorMoved`, …) and the message is retried.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from chalicelib.domain.dossier import AuditEvent, Dossier
from chalicelib.integrations.dvcqg import SyncClient, SyncFailed, client_for, target_endpoint
from chalicelib.integrations.endpoints import province_target
from chalicelib.observability import logger
from chalicelib.store import catalogue, dossiers
from chalicelib.sync import payloads, store
from chalicelib.sync.links import document_link

LEASE_S: Final = 90  # longer than a sync function may run (60 s): a crashed holder frees it soon
PROGRESS_CHUNK: Final = 50  # progress records per CapNhatTienDoHoSoMC call
RECONCILED: Final = "dvcqg"  # the destination whose recently changed dossiers are reconciled
DOSSIER_LABEL: Final = "Đồng bộ thông tin hồ sơ"


class LeaseBusy(Exception):
    """Another worker is sending this dossier to this destination; try again later."""


class TargetDown(Exception):
    """The dossier's target is known to be down (its circuit is open): not tried now."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class UnknownDossier(Exception):
    """The message names a dossier hoso does not have."""


class BrokenTrail(Exception):
    """The audit trail has a gap where a step should be (never expected: steps are written in
    the dossier's own transaction)."""


@dataclass(frozen=True)
class Delivered:
    destination: str
    code: str
    acked: int  # the cursor afterwards
    target: str | None = None  # the system sent to (None: the dossier has none, a ministry-level one)
    steps: int = 0  # progress records acknowledged by this call
    lags_ms: list[int] = field(default_factory=list)  # commit → acknowledgement, per step


def _now() -> datetime:
    return datetime.now(UTC)


def _lag_ms(event: AuditEvent, acked_at: datetime) -> int:
    return max(0, int((acked_at - event.at).total_seconds() * 1000))


def _chunks(events: list[AuditEvent], size: int) -> Iterator[list[AuditEvent]]:
    for start in range(0, len(events), size):
        yield events[start : start + size]


def missing_steps(dossier: Dossier, cursor: store.Cursor, trail: list[AuditEvent]) -> list[AuditEvent]:
    """The steps after the cursor up to the dossier as read, checked to be exactly those."""
    steps = [e for e in trail if cursor.acked < e.seq <= dossier.seq]
    expected = list(range(cursor.acked + 1, dossier.seq + 1))
    if [e.seq for e in steps] != expected:
        raise BrokenTrail(f"{dossier.code}: steps {[e.seq for e in steps]} where {expected} were expected")
    return steps


def target_of(destination: str, dossier: Dossier) -> str | None:
    """Where ``destination`` sends ``dossier``: itself, or for ``province`` the province of the
    dossier's unit (None for a ministry-level unit, which has no province)."""
    if destination != "province":
        return destination
    unit = catalogue.get_unit(dossier.unit_code)
    province = unit.province_code if unit else ""
    return province_target(province) if province else None


def _for_target(cursor: store.Cursor, target: str) -> store.Cursor:
    """The cursor as ``target`` stands: from nothing if it counted for another target (its
    ``rev`` kept, so the next write is still conditional on what was read)."""
    if cursor.target in (None, target):
        return cursor
    return dataclasses.replace(cursor, acked=0, seen=False, first_attempt_at=None)


@dataclass(eq=False)
class Prepared:
    """A dossier ready to send under its lease: what the destination misses, and whether it has
    the dossier already (``seen``: ``isUpdating`` "True")."""

    destination: str
    dossier: Dossier
    cursor: store.Cursor
    target: str
    owner: str
    steps: list[AuditEvent]
    seen: bool

    @property
    def code(self) -> str:
        return self.dossier.code


def deliver(destination: str, code: str, *, clock: Callable[[], datetime] = _now,
            available: Callable[[str], bool] = lambda target: True) -> Delivered:  # fmt: skip
    """Send ``code`` to ``destination`` up to the dossier's current step (see the module doc);
    :class:`TargetDown` without trying when ``available`` says the dossier's target is down."""
    ready = prepare(destination, code, clock=clock, available=available)
    if isinstance(ready, Delivered):
        return ready
    outcome = send_batch([ready], clock=clock)[code]
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def prepare(destination: str, code: str, *, clock: Callable[[], datetime] = _now,
            available: Callable[[str], bool] = lambda target: True) -> Prepared | Delivered:  # fmt: skip
    """Steps 1–2 of the module doc: :class:`Delivered` when there is nothing to send, else the
    dossier under its lease (released by :func:`send_batch` or :func:`release`)."""
    cursor = store.get_cursor(code, destination)
    dossier = dossiers.get(code)
    if dossier is None:
        raise UnknownDossier(code)
    target = target_of(destination, dossier)
    if target is None:
        logger.info("ministry-level dossier: no province to sync to", extra={"code": code})
        return Delivered(destination, code, cursor.acked)
    cursor = _for_target(cursor, target)
    if dossier.seq <= cursor.acked:
        return Delivered(destination, code, cursor.acked, target)
    target_endpoint(target)  # a province not configured: NotConfigured, the record waits
    if not available(target):
        raise TargetDown(target)
    owner = uuid.uuid4().hex
    if not store.acquire_lease(code, destination, owner, at=clock(), seconds=LEASE_S):
        raise LeaseBusy(f"{code} → {destination}")
    try:
        cursor = _for_target(store.get_cursor(code, destination), target)
        if dossier.seq <= cursor.acked:
            store.release_lease(code, destination, owner)
            return Delivered(destination, code, cursor.acked, target)
        if destination == RECONCILED:
            store.mark_changed(code, clock())
        steps = missing_steps(dossier, cursor, list(dossiers.events_after(code, cursor.acked)))
        seen = cursor.seen
        if not seen and cursor.first_attempt_at is not None:
            # A first DongBoHoSoMC went out before and was never acknowledged to us: ask.
            seen = client_for(target).look_up(code) is not None
        if not seen:
            cursor = store.note_first_attempt(code, cursor, clock(), target=target)
        return Prepared(destination, dossier, cursor, target, owner, steps, seen)
    except BaseException:
        store.release_lease(code, destination, owner)
        raise


def release(ready: list[Prepared]) -> None:
    for p in ready:
        store.release_lease(p.code, p.destination, p.owner)


_UNIT_TTL_S: Final = 300.0
_unit_names: dict[str, tuple[float, str]] = {}


def _unit_name(code: str) -> str:
    """The unit's name from the catalogue, kept a few minutes (units are renamed rarely)."""
    now = time.monotonic()
    hit = _unit_names.get(code)
    if hit is None or now - hit[0] > _UNIT_TTL_S:
        unit = catalogue.get_unit(code)
        hit = (now, unit.name if unit else "")
        _unit_names[code] = hit
    return hit[1]


def _dossier_record(dossier: Dossier, last_event: AuditEvent) -> dict[str, Any]:
    complete = dossier.procedure_name and dossier.field_code and dossier.field_name
    procedure = None if complete else catalogue.get_procedure(dossier.procedure_code)
    return payloads.dossier_record(dossier, unit_name=_unit_name(dossier.unit_code), link=document_link,
                                   procedure=procedure, last_event=last_event)  # fmt: skip


def _refused(exc: SyncFailed) -> set[str]:
    """The dossiers a refusal names (DVCQG answers a call all-or-nothing, listing ``errors``
    with their ``MaHoSo``)."""
    details = exc.details if isinstance(exc.details, list) else []
    return {str(e["MaHoSo"]) for e in details if isinstance(e, dict) and e.get("MaHoSo")}


def _call_each(client: SyncClient, build: Callable[[list[Prepared]], dict[str, Any]], group: list[Prepared],
               failed: dict[str, Delivered | BaseException]) -> tuple[dict[str, Any] | None, list[Prepared]]:
    """One call for the group's dossiers; when the destination refuses some by name, those fail
    and the others are sent again without them. The answer and the dossiers it acknowledged."""
    while group:
        try:
            return client.send(build(group)), group
        except SyncFailed as exc:
            named = _refused(exc)
            rest = [p for p in group if p.code not in named]
            if not named or not rest or len(rest) == len(group):  # not refusals of some of them: all fail
                failed.update({p.code: exc for p in group})
                return None, []
            failed.update({p.code: exc for p in group if p.code in named})
            group = rest
    return None, []


def _dossier_call(is_updating: bool) -> Callable[[list[Prepared]], dict[str, Any]]:
    def build(ready: list[Prepared]) -> dict[str, Any]:
        return payloads.dossier_call_many([_dossier_record(p.dossier, p.steps[-1]) for p in ready],
                                          is_updating=is_updating)  # fmt: skip
    return build


def _progress_groups(ready: list[Prepared]) -> list[list[Prepared]]:
    """Dossiers whose missing steps share ``CapNhatTienDoHoSoMC`` calls of at most
    ``PROGRESS_CHUNK`` records; a dossier with more steps has its own chunked calls."""
    groups: list[list[Prepared]] = []
    size = 0
    for p in ready:
        if len(p.steps) > PROGRESS_CHUNK:
            groups.append([p])
            continue
        if not groups or len(groups[-1]) == 1 and len(groups[-1][0].steps) > PROGRESS_CHUNK or \
                size + len(p.steps) > PROGRESS_CHUNK:  # fmt: skip
            groups.append([])
            size = 0
        groups[-1].append(p)
        size += len(p.steps)
    return groups


def send_batch(ready: list[Prepared], *, clock: Callable[[], datetime] = _now) -> dict[str, Delivered | BaseException]:
    """Steps 3–5 of the module doc for dossiers prepared for one target: their records share
    ``DongBoHoSoMC`` calls (one per ``isUpdating`` value) and ``CapNhatTienDoHoSoMC`` calls; a
    dossier the destination refuses fails alone. Every lease is released."""
    out: dict[str, Delivered | BaseException] = {}
    pending: dict[str, list[store.Acknowledgement]] = {}
    try:
        if not ready:
            return out
        client = client_for(ready[0].target)
        accepted: list[Prepared] = []
        for seen in (False, True):
            group = [p for p in ready if p.seen == seen]
            if not group:
                continue
            sent_at = clock()
            answer, acked = _call_each(client, _dossier_call(seen), group, out)
            acked_at = clock()
            for p in acked:
                assert answer is not None
                # Written with the first progress chunk's acknowledgements (or alone if that chunk fails).
                pending[p.code] = [store.Acknowledgement(
                    seq=p.dossier.seq, service=payloads.SYNC_DOSSIER, status=str(p.dossier.status),
                    label=DOSSIER_LABEL, sent_at=sent_at, acked_at=acked_at, lag_ms=_lag_ms(p.steps[-1], acked_at),
                    answer=_brief(answer),
                )]  # fmt: skip
            accepted += acked
        sent = {id(p) for p in accepted}
        accepted = [p for p in ready if id(p) in sent]  # in the batch's order
        for group in _progress_groups(accepted):
            if len(group) == 1 and len(group[0].steps) > PROGRESS_CHUNK:
                _send_progress_alone(client, group[0], pending, out, clock)
            else:
                _send_progress(client, group, pending, out, clock)
    finally:
        for code, acks in pending.items():
            if acks:
                store.record(code, ready[0].destination, acks)
        release(ready)
    return out


def _send_progress(client: SyncClient, group: list[Prepared], pending: dict[str, list[store.Acknowledgement]],
                   out: dict[str, Delivered | BaseException], clock: Callable[[], datetime]) -> None:
    sent_at = clock()
    answer, acked = _call_each(client, lambda ps: payloads.progress_call(
        [payloads.progress_record(p.code, e) for p in ps for e in p.steps]), group, out)
    acked_at = clock()
    for p in acked:
        assert answer is not None
        try:
            _acknowledged(p, p.steps, pending, sent_at, acked_at, answer)
            out[p.code] = _delivered(p, p.cursor, [_lag_ms(e, acked_at) for e in p.steps])
        except Exception as exc:  # a cursor moved meanwhile (CursorMoved): this dossier alone is retried
            out[p.code] = exc


def _send_progress_alone(client: SyncClient, p: Prepared, pending: dict[str, list[store.Acknowledgement]],
                         out: dict[str, Delivered | BaseException], clock: Callable[[], datetime]) -> None:
    """A dossier with more missing steps than one call carries: its chunks in order."""
    lags: list[int] = []
    try:
        for chunk in _chunks(p.steps, PROGRESS_CHUNK):
            sent_at = clock()
            answer = client.send(payloads.progress_call([payloads.progress_record(p.code, e) for e in chunk]))
            acked_at = clock()
            _acknowledged(p, chunk, pending, sent_at, acked_at, answer)
            lags += [_lag_ms(e, acked_at) for e in chunk]
        out[p.code] = _delivered(p, p.cursor, lags)
    except Exception as exc:
        out[p.code] = exc


def _acknowledged(p: Prepared, chunk: list[AuditEvent], pending: dict[str, list[store.Acknowledgement]],
                  sent_at: datetime, acked_at: datetime, answer: dict[str, Any]) -> None:
    """Ledger the chunk (with the dossier record's acknowledgement if not written yet) and advance
    the cursor conditionally from the value read."""
    acks = pending.pop(p.code, []) + [
        store.Acknowledgement(
            seq=e.seq, service=payloads.UPDATE_PROGRESS, status=str(e.to_status), label=e.label,
            sent_at=sent_at, acked_at=acked_at, lag_ms=_lag_ms(e, acked_at), answer=_brief(answer),
        )
        for e in chunk
    ]  # fmt: skip
    store.record(p.code, p.destination, acks)
    p.cursor = store.advance(p.code, p.cursor, acked=chunk[-1].seq, seen=True, target=p.target,
                             first_attempt_at=p.cursor.first_attempt_at, at=acked_at)  # fmt: skip


def _delivered(p: Prepared, cursor: store.Cursor, lags: list[int]) -> Delivered:
    logger.info(
        "sync delivered",
        extra={"destination": p.destination, "target": p.target, "code": p.code, "steps": len(p.steps),
               "acked": cursor.acked},
    )  # fmt: skip
    return Delivered(p.destination, p.code, cursor.acked, p.target, len(p.steps), lags)


def _brief(answer: dict[str, Any]) -> dict[str, Any]:
    """What the ledger keeps of an answer."""
    return {"error_code": answer.get("error_code"), "message": str(answer.get("message", ""))[:300]}
