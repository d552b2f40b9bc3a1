"""Specialised software's callbacks over HTTP (SPEC §7.3, guide 7753 §6.b): status progress and
results of the dossiers it processes. The rules live in ``chalicelib.specialised``.

The paths are under ``/v1/specialised/``: ``POST /v1/dossiers/{code}/results`` is the
officers' result generation from a template (``chalicelib/api/documents.py``)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_client
from chalicelib.domain.clients import Capability
from chalicelib.specialised import reports, service

bp = Blueprint(__name__)
TAGS = ("Phần mềm chuyên ngành",)
MAX_STATUS_BYTES = 16 * 1024


@route(bp, "/v1/specialised/dossiers/{code}/status", "POST",
       summary="Phần mềm chuyên ngành báo tiến độ: thao tác đã thực hiện theo quy trình của thủ tục (gửi lại cùng "
               "event_id không ghi hai lần)",
       access=Access.CLIENT, tags=TAGS, request=reports.StatusReportIn, responses={200: reports.ReportOut},
       errors=(401, 403, 404, 409), capability=Capability.SPECIALISED_STATUS)  # fmt: skip
def specialised_status(code: str) -> Any:
    _, payload = read_json(bp, MAX_STATUS_BYTES)
    answer = service.report_status(current_client(), code, parse_model(reports.StatusReportIn, payload))
    return json_response(200, answer)


@route(bp, "/v1/specialised/dossiers/{code}/results", "POST",
       summary="Phần mềm chuyên ngành trả kết quả giải quyết (tệp kết quả, lưu và đồng bộ lên Cổng DVCQG)",
       access=Access.CLIENT, tags=TAGS, request=reports.ResultsReportIn, responses={200: reports.ReportOut},
       errors=(401, 403, 404, 409), capability=Capability.SPECIALISED_RESULTS)  # fmt: skip
def specialised_results(code: str) -> Any:
    _, payload = read_json(bp)
    answer = service.report_results(current_client(), code, parse_model(reports.ResultsReportIn, payload))
    return json_response(200, answer)
