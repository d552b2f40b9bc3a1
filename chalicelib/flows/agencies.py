"""Hand-over of a step to another agency's system (SPEC §7.3), through the integration
platform (NDXP/LGSP in production; the agency simulator locally).

``POST {base_url}/v1/handover`` with ``{"task_token", "dossier_code", "step", "agency",
"procedure_code", "procedure_name", "callback_url", "documents_url", "applicant", "form_data",
"documents": [{"name", "url", "sha256", "content_type", "kind"}]}`` → 2xx (the same token again
is answered 200 by the agency: hand-overs are idempotent). The agency answers later at
``POST /v1/flows/callback`` with the token.

The documents' ``url`` are presigned S3 GETs that live ``LINK_TTL_S`` (15 minutes): the agency
downloads them on receipt. Later — a step handled over days — it asks for fresh ones at
``documents_url`` (``POST /v1/flows/documents`` with the task token, under its own client
credential: only the client bound to the agency, while the step is open). A week-long link
is not offered: signed with the function's temporary role credentials, it would stop working
when they expire, long before its stated end, and it would keep working for whoever got it.

Where each agency is reached and who may answer for it: the ``integration-clients`` secret
(``HOSO_INTEGRATION_CLIENTS_SECRET_ID``), a JSON object by agency id::

    {"cong_an_xa": {"base_url": "https://…", "token": "<hoso's credential there>",
                    "client_id": "<the integration client that calls back>"}}

``"via": "coordinator"`` in an agency's entry: the agency is another ministry's system, reached
through the coordination system (SPEC §7.7, :mod:`chalicelib.flows.coordinator`: service
``ChuyenHoSoLienThong``, its result back at ``POST /v1/coordinator/lien-thong/results``); its
``client_id`` is then the coordinator's integration client.

An agency without an entry is reached at ``AGENCY_BASE_URL`` without a credential, and no
integration client may answer for it (``callbacks``: fail closed) until its ``client_id`` is set. The same secret's
``"specialised"`` entry says where specialised software is reached (``chalicelib.specialised.push``).
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from chalicelib import outbound, presign
from chalicelib.domain.dossier import Dossier
from chalicelib.integrations import secrets
from chalicelib.settings import get_settings

CALL_TIMEOUT_S = 10.0
MAX_ANSWER_BYTES = 64 * 1024
LINK_TTL_S = 15 * 60  # within any role session's life; fresh links at documents_url


class AgencyUnavailable(Exception):
    """The agency's system could not be reached or failed (5xx): hand over again later."""


class HandoverRejected(Exception):
    """The agency's system refused the hand-over (4xx): sending it again will not help."""


@dataclass(frozen=True)
class Connection:
    base_url: str
    token: str | None
    client_id: str | None
    via: str = "direct"  # "coordinator": another ministry's system, through the coordination system

    @property
    def through_coordinator(self) -> bool:
        return self.via == "coordinator"


def configured() -> dict[str, Any]:
    """The ``integration-clients`` secret (empty when it does not exist)."""
    try:
        value = secrets.get_json(get_settings().integration_clients_secret_id)
    except ClientError as err:
        if err.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        return {}
    return value if isinstance(value, dict) else {}


def connection(agency_id: str) -> Connection:
    entry = configured().get(agency_id)
    entry = entry if isinstance(entry, dict) else {}
    return Connection(
        base_url=str(entry.get("base_url") or get_settings().agency_base_url).rstrip("/"),
        token=str(entry["token"]) if entry.get("token") else None,
        client_id=str(entry["client_id"]) if entry.get("client_id") else None,
        via="coordinator" if entry.get("via") == "coordinator" else "direct",
    )


@dataclass(frozen=True)
class OutsideAgency:
    """An agency outside hoso an appraiser may consult (xin ý kiến): another ministry's system
    reached through the coordinator, whose integration client answers for it."""

    code: str
    name: str
    client_id: str


def consultable() -> dict[str, OutsideAgency]:
    """The outside agencies that may be consulted: the external agencies of the liên thông
    catalogue (``chains.AGENCIES``) whose ``integration-clients`` entry says ``"via":
    "coordinator"`` and names the coordinator's client (none named: nobody could answer, so
    not offered)."""
    from chalicelib.flows.chains import AGENCIES

    entries = configured()
    out = {}
    for agency in AGENCIES.values():
        entry = entries.get(agency.id)
        if agency.kind == "external" and isinstance(entry, dict) and entry.get("via") == "coordinator" \
                and entry.get("client_id"):  # fmt: skip
            out[agency.id] = OutsideAgency(agency.id, agency.name, str(entry["client_id"]))
    return out


def document_links(dossier: Dossier) -> list[dict[str, str]]:
    settings = get_settings()
    out = []
    for doc in dossier.documents:
        if doc.deleted:
            continue
        bucket = settings.results_bucket if doc.kind == "result" else settings.attachments_bucket
        url = presign.download_url(bucket, doc.s3_key, LINK_TTL_S)
        out.append({"name": doc.name, "url": url, "sha256": doc.sha256, "content_type": doc.content_type,
                    "kind": doc.kind})  # fmt: skip
    return out


def handover_body(token: str, dossier: Dossier, *, step: str, agency: str, procedure_code: str,
                  procedure_name: str) -> dict[str, Any]:  # fmt: skip
    """What the agency needs to handle the step: the dossier's data and links to its files."""
    return {
        "task_token": token,
        "dossier_code": dossier.code,
        "step": step,
        "agency": agency,
        "procedure_code": procedure_code,
        "procedure_name": procedure_name,
        "callback_url": get_settings().public_base_url.rstrip("/") + "/v1/flows/callback",
        "documents_url": get_settings().public_base_url.rstrip("/") + "/v1/flows/documents",
        "applicant": dossier.applicant.model_dump(mode="json", exclude_none=True),
        "form_data": dossier.form_data,
        "documents": document_links(dossier),
    }


def hand_over(conn: Connection, body: dict[str, Any]) -> None:
    post(conn, "/v1/handover", body)


def post(conn: Connection, path: str, body: dict[str, Any]) -> None:
    """POST ``body`` to ``path`` of the system behind ``conn``: 4xx → :class:`HandoverRejected`,
    5xx or no answer → :class:`AgencyUnavailable`."""
    url = f"{conn.base_url}{path}"
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise HandoverRejected(f"not an http(s) URL: {conn.base_url}")
    headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
    if conn.token:
        headers["Authorization"] = f"Bearer {conn.token}"
    data = json.dumps(body, ensure_ascii=False).encode()
    try:
        answer = outbound.call("POST", url, data, headers, CALL_TIMEOUT_S, max_bytes=MAX_ANSWER_BYTES)
    except outbound.GatewayError as err:
        raise AgencyUnavailable(str(err)) from None
    if answer.status >= 400:
        detail = answer.body.decode("utf-8", "replace")[:500]
        if answer.status < 500:
            raise HandoverRejected(f"HTTP {answer.status}: {detail}") from None
        raise AgencyUnavailable(f"HTTP {answer.status}: {detail}") from None
