"""hoso hands a dossier to the specialised software of its procedure (guide 7753 §6.a: "HTTT
GQTTHC đồng bộ hồ sơ sang phần mềm chuyên ngành thông qua API chuẩn"), once, as soon as it is
received (status 2, 4, 5 or 6); the software then reports at ``/v1/specialised/…``.

``POST {base_url}/v1/dossiers`` with ``{"dossier_code", "procedure_code", "procedure_name",
"unit_code", "process": {"code", "version"}, "step", "status", "applicant", "form_data",
"documents": [{"name", "url", "sha256", "content_type", "kind"}], "callbacks": {"status",
"results"}}`` → 2xx. The same dossier may come again (a redelivered signal): the software
answers it 2xx without a second record. 5xx or no answer: sent again later (the signal fails
and the queue redelivers it); 4xx: recorded on the dossier, not sent again — officers go on in
hoso (processing never stops because the software is down or refuses).

Which software handles which procedures, where it is reached and with which credential: the
``integration-clients`` secret's ``"specialised"`` entry, by client id::

    {"specialised": {"ho-tich-sw": {"base_url": "https://…", "token": "<hoso's credential there>",
                                    "procedures": ["1.001193"], "silent_after_minutes": 240}}}

``silent_after_minutes`` (default 240): no report that long after a push makes the software
*silent* (an incident, docs/specialised-outage.md). A push that keeps failing (5xx, no answer)
is counted and, after its retries, kept for the software's return (``outage.push_failed``).

The client id is the integration client the software calls back as (scoped to the same
procedures in the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.dossier import Actor, Dossier
from chalicelib.flows import agencies
from chalicelib.flows import parent as results
from chalicelib.observability import logger, metrics
from chalicelib.settings import get_settings
from chalicelib.specialised import events, model, outage, store

PUSH_STATUSES = frozenset({2, 4, 5, 6})
PUSHED_ACTION = "specialised_pushed"
SYSTEM_SUB = "specialised-push"


class PushInProgress(Exception):
    """Another worker is handing this dossier over: the signal comes back later."""


@dataclass(frozen=True)
class Software:
    client_id: str
    connection: agencies.Connection
    procedures: tuple[str, ...] = ()
    silent_after_minutes: int = model.DEFAULT_SILENT_AFTER_MINUTES


def configured_software() -> dict[str, Software]:
    """Every specialised software of the ``integration-clients`` secret, by client id."""
    entries = agencies.configured().get("specialised")
    out = {}
    for client_id, entry in (entries if isinstance(entries, dict) else {}).items():
        if not (isinstance(entry, dict) and entry.get("base_url")):
            continue
        connection = agencies.Connection(base_url=str(entry["base_url"]).rstrip("/"),
                                         token=str(entry["token"]) if entry.get("token") else None,
                                         client_id=str(client_id))  # fmt: skip
        silent = entry.get("silent_after_minutes")
        out[str(client_id)] = Software(
            str(client_id), connection, tuple(str(p) for p in entry.get("procedures") or ()),
            int(silent) if isinstance(silent, int) and silent > 0 else model.DEFAULT_SILENT_AFTER_MINUTES)
    return out


def software_for(procedure_code: str) -> Software | None:
    return next((s for s in configured_software().values() if procedure_code in s.procedures), None)


def push_body(dossier: Dossier) -> dict[str, Any]:
    base = get_settings().public_base_url.rstrip("/") + f"/v1/specialised/dossiers/{dossier.code}"
    return {
        "dossier_code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "unit_code": dossier.unit_code,
        "process": {"code": dossier.process_code, "version": dossier.process_version},
        "step": dossier.step_id,
        "status": dossier.status,
        "applicant": dossier.applicant.model_dump(mode="json", exclude_none=True),
        "form_data": dossier.form_data,
        "documents": agencies.document_links(dossier),
        "callbacks": {"status": f"{base}/status", "results": f"{base}/results"},
    }


def on_dossier_changed(dossier: Dossier) -> None:
    """Hand ``dossier`` to its specialised software if it has one and has not got it yet. A dossier
    kept for its software's return (queued, silent) or continued in hoso is the watch's (``watch``)."""
    if dossier.status not in PUSH_STATUSES:
        return
    software = software_for(dossier.procedure_code)
    if software is None:
        return
    handover = store.get_handover(dossier.code)
    if handover is not None and handover.state in ("queued", "silent", "continued", "reconciled"):
        return
    deliver(dossier, software)


def deliver(dossier: Dossier, software: Software) -> bool:
    """Push ``dossier`` once (claimed by its code); True if the software has it now. 5xx or no
    answer: retried (raises) until ``outage.push_failed`` queues it for the software's return."""
    claim = events.claim(SYSTEM_SUB, dossier.code, dossier.code, software.client_id)
    if claim.outcome in ("done", "reused"):  # handed over already (to this software, or to the one before)
        return True
    if claim.outcome == "busy":
        raise PushInProgress(dossier.code)
    actor = Actor(sub=SYSTEM_SUB, name="Hệ thống hoso", role="system", unit_code=dossier.unit_code)
    taken = False
    try:
        agencies.post(software.connection, "/v1/dossiers", push_body(dossier))
        label, note = "Chuyển hồ sơ sang phần mềm chuyên ngành", f"Phần mềm chuyên ngành: {software.client_id}"
        taken = True
    except agencies.HandoverRejected as err:
        logger.error("specialised push refused", extra={"dossier": dossier.code, "client_id": software.client_id})
        label = "Không chuyển được hồ sơ sang phần mềm chuyên ngành"
        note = f"Phần mềm chuyên ngành {software.client_id} từ chối: {str(err)[:500]}. Hồ sơ tiếp tục xử lý trên hoso."
    except agencies.AgencyUnavailable as err:
        events.release(SYSTEM_SUB, dossier.code, claim.claimed_at)
        metrics.add_metric(name="SpecialisedPushFailed", unit="Count", value=1)
        if outage.push_failed(dossier, software.client_id, str(err)):
            return False
        raise
    results.note(dossier.code, actor=actor, action=PUSHED_ACTION, label=label, text=note)
    events.complete(SYSTEM_SUB, dossier.code, {"client_id": software.client_id, "label": label})
    metrics.add_metric(name="SpecialisedPush", unit="Count", value=1)
    if taken:
        outage.pushed(dossier, software.client_id)
    return True
