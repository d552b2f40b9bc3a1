"""Operator command: seal the audit events written before the hash chain existed (docs/integrity.md,
"Sự kiện trước khi có chuỗi").

    python -m chalicelib.integrity.seal [--unit <mã đơn vị> ...]

For each unit (the catalogue's ``TYPE#UNIT`` index, or the units given), its dossiers are paged with a
Query of the dossiers table's GSI ``gsi3`` (``UNIT#<unit>``) — never a Scan. A dossier whose META has
no ``chain_head`` and has events gets, in ONE conditional transaction (still that version, still no
head), META's head set to :func:`~chalicelib.integrity.canonical.legacy_hash` of those events as stored
and a ``SEAL`` item recording it; its next event links after that hash. A dossier whose first chained
event was linked after its legacy events without committing to them (``prev_hash`` ``""``, written by a
build before that rule) gets the ``SEAL`` item only (put if absent; its stored events are never
rewritten). Either seal has its own day index entry, ``SEAL#DOSSIER#<code>``, so the day's anchor
includes it. Idempotent and resumable: a
dossier with a head is skipped, so a second run (or a run after an interruption) changes nothing it
already did; a dossier changed during the run keeps its own first chained event, which commits to the
same events (chalicelib.store.dossiers.transition). Prints one line per unit and the totals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.dossier import Dossier
from chalicelib.integrity.canonical import legacy_hash
from chalicelib.integrity.chain import Seal
from chalicelib.integrity.index import VN_TZ
from chalicelib.store import catalogue, dossiers
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import DossierItem, EventItem, SealItem


@dataclass
class Sealed:
    sealed: int = 0
    skipped: int = 0


def stored_seal(code: str) -> Seal | None:
    """The dossier's seal, if it has one."""
    try:
        data = SealItem.get(dossier_pk(code), "SEAL", consistent_read=True).data
    except DoesNotExist:
        return None
    return Seal(through=int(data["through"]), hash=str(data["hash"]), at=str(data["at"]))


def seal_dossier(code: str, now: dt.datetime | None = None) -> bool:
    """Seal one dossier's pre-chain events; False when there is nothing to seal (it has a head already,
    no events, or it changed while being sealed — a later run sees its head)."""
    try:
        meta = DossierItem.get(dossier_pk(code), "META", consistent_read=True)
    except DoesNotExist:
        return False
    before = Dossier.model_validate(meta.data)
    at = (now or dt.datetime.now(dt.UTC)).astimezone(VN_TZ)  # the seal's day as the report names it
    events = [dict(i.data) for i in EventItem.query(dossier_pk(code), EventItem.sk.startswith("EVENT#"),
                                                    consistent_read=True)]
    n = next((i for i, e in enumerate(events) if e.get("hash")), len(events))
    if n == 0:
        return False  # chained from its first event: nothing before the chain
    if not (meta.chain_head or before.chain_head):
        return dossiers.seal_legacy(before, n, legacy_hash(dossier_pk(code), events[:n]), at)
    if events[n:] and events[n].get("prev_hash") == "" and stored_seal(code) is None:
        return dossiers.seal_prefix(code, n, legacy_hash(dossier_pk(code), events[:n]), at)
    return False  # its first chained event commits to its legacy events, or it is sealed already


def _codes(unit: str) -> Iterable[str]:
    """The unit's dossier codes, paged from GSI gsi3 (keys only)."""
    for item in DossierItem.by_unit_received.query(f"UNIT#{unit}"):
        yield str(item.gsi3sk).rsplit("#", 1)[1]


def seal_units(units: Iterable[str], now: dt.datetime | None = None) -> Sealed:
    total = Sealed()
    for unit in units:
        done = Sealed()
        for code in _codes(unit):
            if seal_dossier(code, now):
                done.sealed += 1
            else:
                done.skipped += 1
        print(f"{unit}: niêm phong {done.sealed} hồ sơ, bỏ qua {done.skipped}")
        total.sealed += done.sealed
        total.skipped += done.skipped
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.integrity.seal",
                                     description="Niêm phong các sự kiện ghi trước khi có chuỗi băm")
    parser.add_argument("--unit", action="append", help="mã đơn vị (mặc định: mọi đơn vị)")
    args = parser.parse_args(argv)
    total = seal_units(args.unit or [u.code for u in catalogue.list_units()])
    print(f"Tổng: niêm phong {total.sealed} hồ sơ, bỏ qua {total.skipped}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
