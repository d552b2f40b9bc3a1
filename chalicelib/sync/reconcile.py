"""Reconciliation with DVCQG (the hourly ``reconcile_dvcqg`` schedule).

For every dossier marked as recently changed (the sync's ``CHANGED#<hour>`` index — no Scan),
look it up on DVCQG (``TraCuuHoSo``) and compare with hoso:

* DVCQG holds fewer progress records than the cursor says it acknowledged, or does not know a
  dossier the cursor says it has: **drift** — the cursor goes back to what DVCQG really holds
  and the dossier is enqueued, so everything missing is sent again;
* DVCQG holds more than the cursor says (an acknowledgement was lost on the way): the cursor
  goes back to what DVCQG holds as well — the records sent again are identical, and DVCQG keeps
  them once;
* DVCQG holds every record but shows another status than hoso: the last step is sent again with
  a fresh dossier record;
* the cursor is behind hoso's last step while DVCQG agrees with the cursor: **lagging** (not
  drift: the sync is on its way, or its messages wait in the DLQ) — enqueued again.

Cursor resets are audited in the sync ledger; each page's report is logged.

The schedule only plans: one task per hour of the window (the ``CHANGED#<hour>`` partition) on
the job's queue (``chalicelib.jobs.runner``); the worker checks ``PAGE_SIZE`` dossiers a page and
sends the continuation. A dossier changed in several hours of the window is checked once, in the
last of them. Checking a page again (a redelivered message) is harmless: the cursor goes back to
what DVCQG holds and a sync signal is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from chalicelib.integrations.dvcqg import SyncFailed, client_for
from chalicelib.jobs.runner import Page, Task, drain, start
from chalicelib.observability import logger
from chalicelib.store import dossiers
from chalicelib.sync import store
from chalicelib.sync.queues import enqueue

DESTINATION: Final = "dvcqg"
WINDOW: Final = timedelta(hours=2)  # the hourly run looks back two hours: runs overlap, no hour is missed


@dataclass(frozen=True)
class Drift:
    code: str
    kind: str  # missing | ahead | status | unknown
    hoso_seq: int
    hoso_status: str
    acked: int
    dvcqg_records: int | None  # None: DVCQG does not have the dossier
    dvcqg_status: str


@dataclass
class Report:
    since: str
    checked: int = 0
    drifted: list[Drift] = field(default_factory=list)
    lagging: list[str] = field(default_factory=list)
    resynced: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "checked": self.checked,
            "drifted": [d.__dict__ for d in self.drifted],
            "lagging": self.lagging,
            "resynced": self.resynced,
            "errors": self.errors,
        }


def classify(code: str, acked: int, seen: bool, hoso_seq: int, hoso_status: str,
             found: dict[str, Any] | None) -> Drift | None:  # fmt: skip
    """The drift between DVCQG's answer to ``TraCuuHoSo`` (``found``; None: unknown there) and
    the cursor (``acked``, ``seen``) and hoso's dossier (``hoso_seq``, ``hoso_status``)."""
    if found is None:
        if not seen:
            return None
        return Drift(code, "unknown", hoso_seq, hoso_status, acked, None, "")
    records, dossier = found.get("TienDo"), found.get("HoSo")
    records = records if isinstance(records, list) else []
    dossier = dossier if isinstance(dossier, dict) else {}
    count, status = len(records), str(dossier.get("TrangThaiHoSo", ""))
    if count < acked:
        return Drift(code, "missing", hoso_seq, hoso_status, acked, count, status)
    if count > acked:
        return Drift(code, "ahead", hoso_seq, hoso_status, acked, count, status)
    if acked == hoso_seq and status != hoso_status:
        return Drift(code, "status", hoso_seq, hoso_status, acked, count, status)
    return None


JOB: Final = "reconcile_dvcqg"
PAGE_SIZE: Final = 25  # TraCuuHoSo look-ups a page (≈ 0.5–1 s each through NDXP): ≤ 25 s an invocation


def plan(now: datetime, since: datetime | None = None) -> list[Task]:
    """One task per hour changed dossiers are indexed by, from ``since`` (default: two hours ago)."""
    start = since or now - WINDOW
    hours = store.changed_hours(start, now)
    args = {"since": start.isoformat(), "now": now.isoformat(), "last": hours[-1]}
    return [Task(JOB, now.isoformat(), hour, args=args) for hour in hours]


def page(task: Task) -> Page:
    """Up to ``PAGE_SIZE`` dossiers changed in the task's hour, compared with DVCQG."""
    now = datetime.fromisoformat(task.args["now"])
    report = Report(since=task.args["since"])
    client = client_for(DESTINATION)
    codes, cursor = store.changed_page(task.chain, PAGE_SIZE, task.cursor)
    for code in codes:
        if task.chain != task.args["last"] and store.changed_after(code, task.chain, task.args["last"]):
            continue  # checked in the later hour's page
        _check(code, now, client, report)
    return Page(report, cursor)


def _check(code: str, now: datetime, client: Any, report: Report) -> None:
    dossier = dossiers.get(code)
    if dossier is None:
        return
    report.checked += 1
    cursor = store.get_cursor(code, DESTINATION)
    try:
        found = client.look_up(code)
    except SyncFailed as err:
        report.errors.append({"code": code, "reason": err.reason})
        return
    drift = classify(code, cursor.acked, cursor.seen, dossier.seq, str(dossier.status), found)
    if drift is not None:
        report.drifted.append(drift)
        if drift.dvcqg_records is None:
            acked, seen = 0, False
        elif drift.kind == "status":
            acked, seen = max(0, dossier.seq - 1), True
        else:
            acked, seen = min(drift.dvcqg_records, dossier.seq), True
        before, after = store.reset(code, DESTINATION, acked=acked, seen=seen, at=now, by="reconcile")
        store.audit(code, DESTINATION, f"reconcile_{drift.kind}", by="reconcile", at=now,
                    details={"acked_before": before.acked, "acked_after": after.acked,
                             "dvcqg_records": drift.dvcqg_records, "dvcqg_status": drift.dvcqg_status,
                             "hoso_seq": dossier.seq, "hoso_status": str(dossier.status)})  # fmt: skip
    elif cursor.acked < dossier.seq:
        report.lagging.append(code)
    else:
        return
    enqueue(DESTINATION, code, dossier.seq)
    report.resynced += 1


def schedule() -> int:
    """The hourly schedule: the reconciliation planned on the job's queue."""
    return start(plan(datetime.now(UTC)))


def reconcile(since: datetime | None = None, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Report:
    """Compare DVCQG with hoso for dossiers changed since ``since`` (default: the last two hours),
    in this process: every page, one after the other, the same pages the worker runs."""
    tasks = plan(clock(), since)
    total = Report(since=tasks[0].args["since"])
    for done in drain(tasks, page):
        part: Report = done.summary
        total.checked += part.checked
        total.drifted += part.drifted
        total.lagging += part.lagging
        total.resynced += part.resynced
        total.errors += part.errors
    logger.info("DVCQG reconciliation", extra={"report": total.as_dict()})
    return total
