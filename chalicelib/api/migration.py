"""The administrators' side of the migration from provincial systems (SPEC §7.10, docs/migration-run.md):
start a run (validate, dry-run, import, reconcile) over an export in the migration bucket, follow its
progress, download its report, resume it after a failure, undo an import; switch a unit's intake from
the old system to hoso (the cut-over). The ministry's administrators for every unit; a province's
administrator only for runs and units entirely of their province (``admin_access.require_province``)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.errors import FieldError, invalid
from chalicelib.migration import cutover, runs
from chalicelib.services.admin_access import Administrator
from chalicelib.services.dossiers import now

bp = Blueprint(__name__)
TAGS = ("Chuyển đổi dữ liệu",)
MAX_PAGE = 200


class RunList(BaseModel):
    runs: list[runs.Run]


def _actor() -> Administrator:
    return Administrator.of(current_principal().profile)


def _body(cls: type[BaseModel]) -> Any:
    _, payload = read_json(bp, 16 * 1024)
    return parse_model(cls, payload)


def _int(name: str, default: int, high: int) -> int:
    params = bp.current_request.query_params
    raw = params.get(name) if params else None
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) > high:
        raise invalid([FieldError(name, f"Phải là số nguyên từ 0 đến {high}.")])
    return int(raw)


@route(bp, "/v1/admin/migration/runs", "POST",
       summary="Bắt đầu một lần chuyển đổi dữ liệu (kiểm tra, chạy thử, nhập, đối soát) trên một bản trích xuất",
       access=Access.ADMIN, tags=TAGS, request=runs.RunRequest, responses={202: runs.Run}, errors=(403, 422))
def start_run() -> Any:
    run = runs.start(_actor(), _body(runs.RunRequest))
    return json_response(202, run.model_dump(mode="json"))


@route(bp, "/v1/admin/migration/runs", "GET", summary="Các lần chuyển đổi dữ liệu (mới nhất trước)",
       access=Access.ADMIN, tags=TAGS, responses={200: RunList})
def list_runs() -> Any:
    return json_response(200, RunList(runs=runs.list_runs(_actor())).model_dump(mode="json"))


@route(bp, "/v1/admin/migration/runs/{run_id}", "GET",
       summary="Tiến độ và báo cáo của một lần chuyển đổi (phần đã xong, số bản ghi theo kết quả, đơn vị, trạng "
               "thái, tháng; các vấn đề theo trang: offset, limit)",
       access=Access.ADMIN, tags=TAGS, responses={200: runs.Progress}, errors=(404, 422))
def run_progress(run_id: str) -> Any:
    answer = runs.progress(_actor(), run_id, _int("offset", 0, 1_000_000), _int("limit", 50, MAX_PAGE))
    return json_response(200, answer.model_dump(mode="json"))


@route(bp, "/v1/admin/migration/runs/{run_id}/report", "GET",
       summary="Tải báo cáo của lần chuyển đổi (CSV, mở được bằng Excel)", access=Access.ADMIN, tags=TAGS,
       errors=(404,))
def run_report(run_id: str) -> Any:
    body = runs.report_csv(_actor(), run_id)
    return Response(body=body, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="chuyen-doi-{run_id}.csv"'})


@route(bp, "/v1/admin/migration/runs/{run_id}/resume", "POST",
       summary="Chạy lại lần chuyển đổi đã dừng vì lỗi (bỏ qua các phần đã xong, không nhập trùng)",
       access=Access.ADMIN, tags=TAGS, responses={202: runs.Run}, errors=(404, 409))
def resume_run(run_id: str) -> Any:
    return json_response(202, runs.resume(_actor(), run_id).model_dump(mode="json"))


@route(bp, "/v1/admin/migration/runs/{run_id}/undo", "POST",
       summary="Gỡ các hồ sơ lần nhập này đã ghi (trừ hồ sơ cán bộ đã xử lý trên hoso sau khi nhập)",
       access=Access.ADMIN, tags=TAGS, responses={200: runs.UndoResult}, errors=(404, 409))
def undo_run(run_id: str) -> Any:
    return json_response(200, runs.undo(_actor(), run_id).model_dump(mode="json"))


@route(bp, "/v1/admin/migration/units/{code}/intake", "GET",
       summary="Đơn vị đang tiếp nhận hồ sơ mới trên hệ thống nào, và các lần chuyển", access=Access.ADMIN,
       tags=TAGS, responses={200: cutover.IntakeState}, errors=(404,))
def unit_intake(code: str) -> Any:
    return json_response(200, cutover.state(_actor(), code).model_dump(mode="json"))


@route(bp, "/v1/admin/migration/units/{code}/intake", "PUT",
       summary="Chuyển tiếp nhận của đơn vị (hệ thống cũ ↔ hoso); sang hoso cần lần đối soát khớp hoặc lý do",
       access=Access.ADMIN, tags=TAGS, request=cutover.IntakeSwitch, responses={200: cutover.IntakeState},
       errors=(404, 409, 422))
def switch_unit_intake(code: str) -> Any:
    request = _body(cutover.IntakeSwitch)
    answer = cutover.switch(_actor(), code, request, now().isoformat(timespec="seconds"))
    return json_response(200, answer.model_dump(mode="json"))
