"""Removing a dossier a migration run imported ("undo this run", docs/runbooks/migration-restore.md).

A dossier is found through the reference its import wrote (``MIGREF#<old unit>#<old code>``, with the
run's id: ``chalicelib.migration.store``), never a Scan. One transaction per dossier takes back what
the import wrote in one: the reference, the dossier, its items (events, documents, outbox), the
unit's FR-20 counters and the report aggregates. Conditional on the dossier's ``version`` as read, so
an officer's action that lands meanwhile makes the removal fail instead of being lost.

Kept on purpose: the files copied into hoso's buckets (versioned; expire by their lifecycle) and the
day index entry of the chain head (the integrity anchors may already commit to it: the day's Merkle
root still verifies, and the runbook records the undo).
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.dossier import AuditEvent, Dossier
from chalicelib.migration.store import MigrationRefItem, find_reference, ref_pk
from chalicelib.notifications import counters as unit_counters
from chalicelib.reports.aggregates import deltas as report_deltas
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import CounterItem, DossierItem, DossiersTable, EventItem, transaction_connection

MAX_ITEMS = 90  # DynamoDB allows 100 per transaction; the counters take the rest


class Changed(Exception):
    """The dossier changed while it was being removed (an officer acted): left as it is."""


def imported_code(old_unit: str, old_code: str, run_id: str) -> str | None:
    """hoso's code of the old dossier if THIS run imported it."""
    ref = find_reference(old_unit, old_code)
    return ref.code if ref is not None and ref.run_id == run_id else None


@dataclass
class Imported:
    dossier: Dossier
    version: int
    events: list[AuditEvent]
    keys: list[tuple[str, str]]  # every item of the dossier's partition


def read(code: str) -> Imported | None:
    keys: list[tuple[str, str]] = []
    events: list[AuditEvent] = []
    meta = None
    for item in DossiersTable.query(dossier_pk(code), consistent_read=True):
        keys.append((item.pk, item.sk))
        if item.sk == "META":
            meta = DossierItem.get(item.pk, "META", consistent_read=True)
        elif item.sk.startswith("EVENT#"):
            events.append(AuditEvent.model_validate(EventItem.get(item.pk, item.sk, consistent_read=True).data))
    if meta is None:
        return None
    return Imported(Dossier.model_validate(meta.data), int(meta.version), events, keys)


def remove(found: Imported, old_unit: str, old_code: str) -> None:
    dossier, keys = found.dossier, found.keys
    if len(keys) > MAX_ITEMS:
        raise Changed(f"{dossier.code}: {len(keys)} items")
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.delete(MigrationRefItem(pk=ref_pk(old_unit, old_code), sk="REF"),
                      condition=MigrationRefItem.code == dossier.code)
            for pk, sk in keys:
                if sk == "META":
                    tx.delete(DossierItem(pk=pk, sk=sk), condition=DossierItem.version == found.version)
                else:
                    tx.delete(DossiersTable(pk=pk, sk=sk))
            counters = unit_counters.partition(dossier.unit_code, dossier.code)
            for sk in sorted(unit_counters.keys_of(dossier)):
                tx.update(CounterItem(pk=counters, sk=sk), actions=[CounterItem.n.add(-1)])
            for d in report_deltas(None, dossier):
                tx.update(CounterItem(pk=d.pk, sk=d.sk), actions=[CounterItem.n.add(-d.n)])
    except TransactWriteError as err:
        raise Changed(dossier.code) from err

