"""The ``specialised_watch`` schedule (every 5 minutes): for each configured specialised software

1. with an open failed-hand-over incident, a **probe**: its oldest queued dossier pushed again
   (else the oldest continued one reconciled, else the oldest silent one pushed again); an answer
   resolves the incident;
2. with no open incident, the **catch-up**, a bounded page of each (``PAGE``): queued dossiers
   pushed, silent ones pushed again (the software may have lost them: it answers a known
   dossier 200 without a second record), and dossiers officers continued in hoso
   **reconciled** — ``POST {base_url}/v1/dossiers/{code}/state`` with where the dossier stands
   and what officers did since (pushed first if the software never got it). Nothing done in
   hoso is undone: the software learns the state, it does not set it;
3. **silence**: dossiers pushed more than ``silent_after_minutes`` ago with no report yet open
   (or add to) a silent incident.

Then the gauge ``SpecialisedIncidentsOpen`` (open incidents now; the alarm of infra/incidents.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from chalicelib.flows import agencies
from chalicelib.observability import count, logger
from chalicelib.specialised import model, outage, push, store
from chalicelib.store import dossiers

PAGE = 25
RECONCILED_ACTION = "specialised_reconciled"
RECONCILED_LABEL = "Đồng bộ trạng thái hồ sơ sang phần mềm chuyên ngành"


def state_body(code: str, handover: store.Handover) -> dict[str, Any]:
    """Where a dossier continued in hoso stands, and what was done in hoso since it was continued."""
    dossier = dossiers.get(code)
    assert dossier is not None
    since = handover.continued_at
    return {
        "dossier_code": code,
        "unit_code": dossier.unit_code,
        "step": dossier.step_id,
        "status": dossier.status,
        "continued_in_hoso": {"at": since.isoformat() if since else None, "by": handover.continued_by,
                              "reason": handover.continued_reason},  # fmt: skip
        "events": [{"at": e.at.isoformat(), "action": e.action, "label": e.label, "from_step": e.from_step,
                    "to_step": e.to_step, "status": e.to_status, "actor": e.actor.name, "note": e.note}
                   for e in dossiers.events(code) if since is None or e.at >= since],  # fmt: skip
    }


def _probe(software: push.Software) -> Counter[str]:
    """One dossier of the software's incident sent again: the oldest queued one, else the oldest one
    continued in hoso (its reconciliation), else the oldest silent one; an answer resolves the incident."""
    done = catch_up(software, limit=1, only_one=True)
    if done and store.get_open(software.client_id) is not None:
        outage.resolve(software.client_id, outage.now())
    return done


def _redeliver(dossier: Any, software: push.Software) -> bool:
    """Push a queued dossier (it leaves the queue first: a failure queues it again)."""
    store.set_state(dossier.code, software.client_id, dossier.unit_code, "waiting", outage.now(),
                    expect=frozenset({"queued"}))  # fmt: skip
    return push.deliver(dossier, software)


def _reconcile(software: push.Software, handover: store.Handover, dossier: Any) -> None:
    """Tell the software where a dossier continued in hoso stands (pushed first if it never got it)."""
    system = software.client_id
    if handover.pushed_at is None:  # it never reached the software
        agencies.post(software.connection, "/v1/dossiers", push.push_body(dossier))
    agencies.post(software.connection, f"/v1/dossiers/{handover.code}/state", state_body(handover.code, handover))
    if store.set_state(handover.code, system, handover.unit_code, "reconciled", outage.now(),
                       expect=frozenset({"continued"})):  # fmt: skip
        outage.system_note(handover.code, handover.unit_code, RECONCILED_ACTION, RECONCILED_LABEL,
                           f"Phần mềm chuyên ngành {outage.name_of(system)} đã nhận trạng thái hồ sơ xử lý trên "
                           f"hoso (bước {dossier.step_id}, trạng thái {dossier.status}).")  # fmt: skip


def _repush(software: push.Software, handover: store.Handover, dossier: Any) -> None:
    """A silent dossier pushed again (a known dossier is answered 200 without a second record)."""
    agencies.post(software.connection, "/v1/dossiers", push.push_body(dossier))
    store.set_state(handover.code, software.client_id, handover.unit_code, "waiting", outage.now(), pushed=True,
                    expect=frozenset({"silent"}))  # fmt: skip


def catch_up(software: push.Software, *, limit: int = PAGE, only_one: bool = False) -> Counter[str]:
    """Send what waited for the software: queued dossiers pushed, continued ones reconciled, silent ones
    pushed again (``only_one``: stop after the first that got through — the probe)."""
    done: Counter[str] = Counter()
    system = software.client_id
    try:
        for state, outcome in (("queued", "pushed"), ("continued", "reconciled"), ("silent", "repushed")):
            for handover in store.in_state(system, state, limit=limit):
                dossier = dossiers.get(handover.code)
                if dossier is None:
                    continue
                if state == "queued":
                    if not _redeliver(dossier, software):
                        return done  # down again: queued, the incident reopened
                elif state == "continued":
                    _reconcile(software, handover, dossier)
                else:
                    _repush(software, handover, dossier)
                done[outcome] += 1
                if only_one:
                    return done
    except (agencies.AgencyUnavailable, agencies.HandoverRejected) as err:
        logger.warning("specialised catch-up stopped", extra={"system": system, "error": str(err)[:300]})
    return done


def run(at: dt.datetime | None = None) -> dict[str, int]:
    at = at or outage.now()
    summary: Counter[str] = Counter()
    open_now = 0
    for software in push.configured_software().values():
        system = software.client_id
        incident = store.get_open(system)
        if incident is not None and incident.kind == "handover_failed":
            try:
                summary += _probe(software)
            except push.PushInProgress:
                pass
            incident = store.get_open(system)
        if incident is None:
            summary += catch_up(software)
        late = store.in_state(system, "waiting", before=model.silent_cutoff(at, software.silent_after_minutes),
                              limit=PAGE)  # fmt: skip
        summary["silent"] += outage.silent(system, late, at)
        open_now += store.get_open(system) is not None
    count("SpecialisedIncidentsOpen", open_now)
    summary["open"] = open_now
    logger.info("specialised watch", extra=dict(summary))
    return dict(summary)
