"""The report aggregates' writes: added to the dossier's own transaction by
``chalicelib.store.dossiers`` (create and transition), never written anywhere else."""

from __future__ import annotations

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.domain.dossier import Dossier
from chalicelib.reports.aggregates import deltas
from chalicelib.store.models import CounterItem


def count(tx: TransactWrite, before: Dossier | None, after: Dossier) -> None:
    """Add the report counters' updates of ``before → after`` to the dossier's transaction."""
    for d in deltas(before, after):
        actions: list[Action] = [CounterItem.n.add(d.n)]
        if d.labels is not None:
            actions.append(CounterItem.values.set(d.labels))
        tx.update(CounterItem(pk=d.pk, sk=d.sk), actions=actions)
