"""Report aggregates: which counters a dossier change moves (pure rules, no I/O).

Every dossier counts in exactly one *cell*: the month it was submitted (its cohort, in
Asia/Ho_Chi_Minh), its unit, its DVCQG status, the outcome of its processing (early / on time
/ late once resolved — FR-18.2: from the moment processing finished against the appointment
date), whether it was received, asked for a supplement, extended, and the dimensions reports
group and filter by: field, procedure, handling officer (the assignee, "cán bộ thụ lý") and
intake channel. A cell is a pure function of the dossier (:func:`cell_of`), so a change
``before → after`` moves one count from ``cell_of(before)`` to ``cell_of(after)`` — nothing when
they are equal (:func:`deltas`) — and the counters always equal a recount of the dossiers
(:func:`recount`), whatever order transitions come in.

Each cell is counted twice, in two partitions of the counters table:

- ``AGG#<unit>#<yyyy-mm>``: the unit's month — a unit's report for a period is one Query per
  month of the period;
- ``AGG#P#<province>#<yyyy-mm>``: the province's month (``00`` for ministry-level units) — a
  province roll-up is one Query per month too, whatever the number of its units.

The sort key spells the cell: ``C#<unit>#<status>#<outcome>#<flags>#<field>#<procedure>#<officer>#<channel>``
(each part percent-encoded, so no value can forge a separator). A transition adds at most four
updates to its transaction (−1/+1 in each partition), well inside DynamoDB's 100 items; the
cells are fine-grained (procedure × officer × status…), so two transitions of one unit rarely
touch the same item and seldom conflict, and a month's partition takes only that month's
cohort's writes.

Figures are cohort figures, as FR-25 asks ("resolved, for the dossiers received in the
period"): a report over months M1…M2 describes the dossiers submitted in those months and
where they stand now — the same rule as the FR-19 periodic evaluation sheet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from chalicelib.domain.calendar import VN_TZ, ensure_aware
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.process import ActionKind
from chalicelib.domain.statuses import DossierStatus

EARLY, ON_TIME, LATE = "early", "on_time", "late"
OUTCOMES = (EARLY, ON_TIME, LATE)
RESOLVED = frozenset({DossierStatus.PROCESSED, DossierStatus.DELIVERED})
MINISTRY_PROVINCE = "00"  # ministry-level units (no province) roll up under this code
_PARTS = 9


def month_of(at: dt.datetime) -> str:
    return ensure_aware(at).astimezone(VN_TZ).strftime("%Y-%m")


def outcome_of(d: Dossier) -> str:
    """Early / on time / late for a resolved dossier (finished vs the appointment, in Vietnam's
    time); "" while not resolved. Without a legal deadline a dossier is never late."""
    if d.status not in RESOLVED or d.finished_at is None:
        return ""
    if d.due_at is None:
        return ON_TIME
    finished, due = ensure_aware(d.finished_at).astimezone(VN_TZ), ensure_aware(d.due_at).astimezone(VN_TZ)
    if finished.date() < due.date():
        return EARLY
    return ON_TIME if finished <= due else LATE


@dataclass(frozen=True, order=True)
class Cell:
    month: str  # yyyy-mm the dossier was submitted (cohort)
    unit: str
    status: int
    outcome: str  # "" | early | on_time | late
    received: bool
    supplemented: bool
    extended: bool
    field: str
    procedure: str
    officer: str  # the assignee's VNeID subject; "" while unassigned
    channel: str

    def sort_key(self) -> str:
        flags = ("r" if self.received else "-") + ("s" if self.supplemented else "-") + ("e" if self.extended else "-")
        parts = (self.unit, f"{self.status:02d}", self.outcome, flags, self.field, self.procedure, self.officer,
                 self.channel)
        return "C#" + "#".join(quote(p, safe="") for p in parts)

    @classmethod
    def parse(cls, month: str, sort_key: str) -> Cell:
        parts = [unquote(p) for p in sort_key.split("#")]
        if len(parts) != _PARTS or parts[0] != "C" or len(parts[4]) != 3:
            raise ValueError(f"not a report cell: {sort_key!r}")
        _, unit, status, outcome, flags, field, procedure, officer, channel = parts
        return cls(month=month, unit=unit, status=int(status), outcome=outcome, received=flags[0] == "r",
                   supplemented=flags[1] == "s", extended=flags[2] == "e", field=field, procedure=procedure,
                   officer=officer, channel=channel)


def cell_of(d: Dossier) -> Cell:
    return Cell(
        month=month_of(d.submitted_at),
        unit=d.unit_code,
        status=int(d.status),
        outcome=outcome_of(d),
        received=d.received_at is not None,
        supplemented=bool(d.supplements),
        extended=d.action_counts.get(ActionKind.EXTEND.value, 0) > 0,
        field=d.field_code,
        procedure=d.procedure_code,
        officer=d.assignee or "",
        channel=d.channel.value,
    )


def province_of(d: Dossier) -> str:
    return d.province_code or MINISTRY_PROVINCE


def unit_partition(unit: str, month: str) -> str:
    return f"AGG#{unit}#{month}"


def province_partition(province: str, month: str) -> str:
    return f"AGG#P#{province}#{month}"


def labels_of(d: Dossier) -> dict[str, str]:
    """Display names kept beside a cell's count (reports show names, keys hold codes)."""
    return {"field": d.field_name, "procedure": d.procedure_name, "officer": d.assignee_name or ""}


@dataclass(frozen=True)
class Delta:
    pk: str
    sk: str
    n: int  # +1 or -1
    labels: dict[str, str] | None = None  # set with the +1 (the names of the cell's codes)


def _keys(cell: Cell, province: str) -> tuple[tuple[str, str], tuple[str, str]]:
    sk = cell.sort_key()
    return (unit_partition(cell.unit, cell.month), sk), (province_partition(province, cell.month), sk)


def deltas(before: Dossier | None, after: Dossier) -> list[Delta]:
    """The counter updates of a change (``before`` None: the dossier is new)."""
    new = cell_of(after)
    old = cell_of(before) if before is not None else None
    if old == new and before is not None and province_of(before) == province_of(after):
        return []
    out: list[Delta] = []
    if old is not None and before is not None:
        out += [Delta(pk, sk, -1) for pk, sk in _keys(old, province_of(before))]
    labels = labels_of(after)
    out += [Delta(pk, sk, 1, labels) for pk, sk in _keys(new, province_of(after))]
    return out


def recount(dossiers: Iterable[Dossier]) -> Counter[tuple[str, str]]:
    """What the counters must hold for these dossiers (the property the tests check)."""
    out: Counter[tuple[str, str]] = Counter()
    for d in dossiers:
        for key in _keys(cell_of(d), province_of(d)):
            out[key] += 1
    return out
