"""Public status lookup (FR-26): by dossier code and its check token (printed on the receipt
and in the QR code of every printed form). No personal data; rate-limited per client
address (behind the integration gateway too) and per dossier code; an unknown code and a
wrong token answer the same 404 (see ``chalicelib.documents.lookup``)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api import caller
from chalicelib.api.routing import Access, json_response, route
from chalicelib.documents import lookup
from chalicelib.errors import HosoError
from chalicelib.store import catalogue, dossiers

bp = Blueprint(__name__)
TAGS = ("Tra cứu công khai",)
NO_STORE = {"Cache-Control": "no-store"}


def _not_found() -> HosoError:
    return HosoError("NOT_FOUND", "Không tìm thấy hồ sơ hoặc mã tra cứu không đúng.", 404)


@route(bp, "/v1/public/dossiers/{code}", "GET",
       summary="Tra cứu tình trạng hồ sơ bằng mã hồ sơ và mã tra cứu (hoặc quét mã QR)",
       access=Access.PUBLIC, tags=TAGS, responses={200: lookup.PublicStatus}, errors=(404, 429))
def public_status(code: str) -> Any:
    request = bp.current_request
    lookup.enforce_limit(caller.client_address(request.headers, request.context), code)
    token = (request.query_params or {}).get("token", "")
    if len(code) > lookup.MAX_CODE_LENGTH or not lookup.token_matches(code, token):
        raise _not_found()
    dossier = dossiers.get(code)
    if dossier is None:  # a token whose dossier is gone: same answer as any other miss
        raise _not_found()
    process = catalogue.get_process(dossier.process_code, dossier.process_version)
    return json_response(200, lookup.public_status(dossier, process).model_dump(), NO_STORE)
