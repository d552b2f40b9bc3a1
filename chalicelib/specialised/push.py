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
                                    "procedures": ["1.001193"]}}}

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
from chalicelib.specialised import events

PUSH_STATUSES = frozenset({2, 4, 5, 6})
PUSHED_ACTION = "specialised_pushed"
SYSTEM_SUB = "specialised-push"


class PushInProgress(Exception):
    """Another worker is handing this dossier over: the signal comes back later."""


@dataclass(frozen=True)
class Software:
    client_id: str
    connection: agencies.Connection


def software_for(procedure_code: str) -> Software | None:
    entries = agencies.configured().get("specialised")
    for client_id, entry in (entries if isinstance(entries, dict) else {}).items():
        if isinstance(entry, dict) and procedure_code in (entry.get("procedures") or []) and entry.get("base_url"):
            connection = agencies.Connection(base_url=str(entry["base_url"]).rstrip("/"),
                                             token=str(entry["token"]) if entry.get("token") else None,
                                             client_id=str(client_id))  # fmt: skip
            return Software(str(client_id), connection)
    return None


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
    """Hand ``dossier`` to its specialised software if it has one and has not got it yet."""
    if dossier.status not in PUSH_STATUSES:
        return
    software = software_for(dossier.procedure_code)
    if software is None:
        return
    claim = events.claim(SYSTEM_SUB, dossier.code, dossier.code, software.client_id)
    if claim.outcome in ("done", "reused"):  # handed over already (to this software, or to the one before)
        return
    if claim.outcome == "busy":
        raise PushInProgress(dossier.code)
    actor = Actor(sub=SYSTEM_SUB, name="Hệ thống hoso", role="system", unit_code=dossier.unit_code)
    try:
        agencies.post(software.connection, "/v1/dossiers", push_body(dossier))
        label, note = "Chuyển hồ sơ sang phần mềm chuyên ngành", f"Phần mềm chuyên ngành: {software.client_id}"
    except agencies.HandoverRejected as err:
        logger.error("specialised push refused", extra={"dossier": dossier.code, "client_id": software.client_id})
        label = "Không chuyển được hồ sơ sang phần mềm chuyên ngành"
        note = f"Phần mềm chuyên ngành {software.client_id} từ chối: {str(err)[:500]}. Hồ sơ tiếp tục xử lý trên hoso."
    except agencies.AgencyUnavailable:
        events.release(SYSTEM_SUB, dossier.code, claim.claimed_at)
        raise
    results.note(dossier.code, actor=actor, action=PUSHED_ACTION, label=label, text=note)
    events.complete(SYSTEM_SUB, dossier.code, {"client_id": software.client_id, "label": label})
    metrics.add_metric(name="SpecialisedPush", unit="Count", value=1)
