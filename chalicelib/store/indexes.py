"""What each table's global secondary indexes carry — the one definition that the models
(chalicelib.store.models), infra's tables (infra/stack.py, and through the synthesised template
the local stack) and the tests' moto tables (tests/moto_tables.py) follow.

``None``: the whole item (ALL); ``()``: the keys only (KEYS_ONLY); otherwise those non-key
attributes (INCLUDE). An index write costs a write unit per KB of the entry, so the dossiers
table's indexes carry no ``data`` (the 4.5 KB dossier): a worklist or search page reads the keys
from the index and the pages' dossiers by key (BatchGetItem, chalicelib.store.models.batch_fetch) —
docs/cost-model.md §7."""

from __future__ import annotations

from typing import Final

Projection = tuple[str, ...] | None

KEYS_ONLY: Final[tuple[str, ...]] = ()
# what the searches by unit/period and by applicant filter on (chalicelib.store.dossiers.search): a
# Query's filter sees only what its index projects
SEARCH_FILTERS: Final = ("status", "procedure_code", "field_code", "applicant_key", "due_at", "channel")

PROJECTIONS: Final[dict[str, dict[str, Projection]]] = {
    # gsi1: worklists by unit and status, the sweep, hand-overs by state, payments by day; gsi2: an
    # officer's own worklist (and its count) — read by key range, never filtered
    "dossiers": {"gsi1": KEYS_ONLY, "gsi2": KEYS_ONLY, "gsi3": SEARCH_FILTERS, "gsi4": SEARCH_FILTERS},
    # catalogue kinds are listed whole and written rarely; the sync table's hourly change index is
    # read whole by the reconciliation and its items are small: both stay ALL
    "catalogue": {"gsi1": None},
    "sync": {"gsi1": None},
}


def projection(table: str, index: str) -> Projection:
    return PROJECTIONS[table][index]
