"""The unit's FR-20 counters ("Việc cần làm"): which counters a dossier counts in now. Pure —
``chalicelib.store.dossiers`` moves them in each dossier's own transaction (−1 for every key
the dossier left, +1 for every key it entered), so they always equal a recount of the dossiers.

Keys, in the counters table's partitions ``AGG#<unit>#<n>``: each dossier counts in shard ``n``
= a stable hash of its code mod ``SHARDS``, so the steps of one busy unit spread over ``SHARDS``
items of each kind instead of colliding on one (a transaction that touches an item another
transaction is changing fails, docs/capacity.md). Reading sums the shards (``SHARDS`` Queries) and
the legacy unsharded ``AGG#<unit>`` partition, which nothing writes any more: its items keep what
they counted before the sharding, and the shards' −1/+1 move on from there, so the sum stays exact
with no migration.

- ``S#<status>#R#<role>`` — every dossier: its status and the role that acts on it now;
- ``BS#R#<role>`` — supplemented, waiting for the officer ("Đã bổ sung"): the applicant's
  supplement (or the intake correction) was received and nobody has acted on the dossier since
  (the receipt is the last thing that moved it), or it arrived from DVCQG and waits for the desk;
- ``KQ#<yyyy-mm>#<outcome>`` — resolved (status 9 or 10) in that month (Asia/Ho_Chi_Minh), early,
  on time or late against the appointment date (the reports' own rule, FR-18.2). The month and
  outcome never change once resolved, so delivery (9 → 10) moves nothing.

What depends on the clock ("sắp đến hạn", "quá hạn" of dossiers still in process) is not a
counter: it is read from the worklist index, sorted by deadline, at request time.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from chalicelib.domain.dossier import Dossier
from chalicelib.domain.statuses import DEFAULT_CHART, DossierStatus, StatusChart
from chalicelib.reports.aggregates import OUTCOMES, month_of, outcome_of

SHARDS = 10  # the busiest bucket of the busiest unit, ≈ 12 steps/s at the peak → ≈ 1.2/s per item


def shard_of(code: str) -> int:
    """The dossier's shard: stable across processes and releases (CRC-32, not ``hash()``)."""
    return zlib.crc32(code.encode()) % SHARDS


def partition(unit_code: str, code: str) -> str:
    """The partition dossier ``code`` of ``unit_code`` counts in."""
    return f"AGG#{unit_code}#{shard_of(code)}"


def read_partitions(unit_code: str) -> list[str]:
    """Every partition a unit's counters are summed from: the shards, then the legacy one."""
    return [f"AGG#{unit_code}#{n}" for n in range(SHARDS)] + [f"AGG#{unit_code}"]


def supplemented(d: Dossier) -> bool:
    """The last supplement round was received and nothing has happened to the dossier since — or
    the citizen answered it on DVCQG and the desk has yet to receive it."""
    if not d.supplements or d.finished_at is not None:
        return False
    last = d.supplements[-1]
    if last.received_at is None:
        return last.submitted_at is not None
    return last.received_at == d.step_started_at


def keys_of(d: Dossier) -> frozenset[str]:
    """The counters ``d`` counts in now."""
    keys = {f"S#{d.status:02d}#R#{d.step_role}"}
    if supplemented(d):
        keys.add(f"BS#R#{d.step_role}")
    outcome = outcome_of(d)
    if outcome and d.finished_at is not None:
        keys.add(f"KQ#{month_of(d.finished_at)}#{outcome}")
    return frozenset(keys)


def deltas(before: Dossier | None, after: Dossier) -> list[tuple[str, int]]:
    """``(sort key, ±1)`` updates of a change in ``after``'s unit (``before`` None: new dossier).
    (A transfer to another unit is counted by the store: out of one unit, into the other.)"""
    old = keys_of(before) if before is not None else frozenset()
    new = keys_of(after)
    return [(k, -1) for k in sorted(old - new)] + [(k, 1) for k in sorted(new - old)]


def recount(dossiers: Iterable[Dossier]) -> Counter[str]:
    """What a unit's counters must hold for its dossiers (the property the tests check)."""
    out: Counter[str] = Counter()
    for d in dossiers:
        out.update(keys_of(d))
    return out


@dataclass
class UnitCounts:
    """A unit's counters as read back: ``"<status>#<role>"`` → n, role → n, month → outcome → n."""

    by_status_and_role: dict[str, int] = field(default_factory=dict)
    supplemented_by_role: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, key: str, n: int) -> None:
        """Take in one stored counter of one shard: summed with the other shards' (a count that
        sums to zero is left out)."""
        parts = key.split("#")
        if parts[0] == "S" and len(parts) == 4:
            _sum_into(self.by_status_and_role, f"{int(parts[1])}#{parts[3]}", n)
        elif parts[0] == "BS" and len(parts) == 3:
            _sum_into(self.supplemented_by_role, parts[2], n)
        elif parts[0] == "KQ" and len(parts) == 3 and parts[2] in OUTCOMES:
            month = self.resolved.setdefault(parts[1], {})
            _sum_into(month, parts[2], n)
            if not month:
                del self.resolved[parts[1]]


def _sum_into(counts: dict[str, int], key: str, n: int) -> None:
    total = counts.get(key, 0) + n
    if total:
        counts[key] = total
    else:
        counts.pop(key, None)


def clock_statuses(chart: StatusChart = DEFAULT_CHART) -> list[int]:
    """The statuses whose dossiers run against their legal deadline (received, processing)."""
    return [int(s) for s in DossierStatus if chart.counts_time(s)]


@dataclass
class DeadlineCounts:
    due_soon: int = 0  # the legal deadline is ahead, within the reminders' window
    overdue: int = 0  # the legal deadline has passed


def deadline_counts(dossiers: Iterable[Dossier], now: dt.datetime, horizon: dt.datetime) -> dict[str, DeadlineCounts]:
    """``"<status>#<role acting now>"`` → due soon / overdue, for dossiers read from the
    worklist index up to ``horizon`` (anything later is neither)."""
    out: dict[str, DeadlineCounts] = {}
    for d in dossiers:
        if d.due_at is None or d.finished_at is not None or d.due_at > horizon:
            continue
        counts = out.setdefault(f"{d.status}#{d.step_role}", DeadlineCounts())
        if d.due_at < now:
            counts.overdue += 1
        else:
            counts.due_soon += 1
    return out
