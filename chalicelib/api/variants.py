"""Locally specific processes (SPEC §6, FR-7): a province administrator proposes a variant of a
procedure's standard process for their units; the ministry administrator compares it with the
standard and approves or rejects it. Rules: ``chalicelib.domain.variants``; use cases:
``chalicelib.services.variants``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Text
from chalicelib.auth.caller import current_principal
from chalicelib.domain.variants import VariantIn, VariantProposal
from chalicelib.errors import bad_request
from chalicelib.services import admin_access
from chalicelib.services import variants as service
from chalicelib.services.dossiers import now

bp = Blueprint(__name__)
TAGS = ("Quản trị",)
BOTH = ("admin", "province_admin")
MAX_REASON = 2000
PROPOSAL = "/v1/admin/variants/{procedure_code}/{province_code}/proposals/{number}"

_EXAMPLE_IN: dict[str, Any] = {
    "procedure_code": "1.001193", "province_code": "79", "base_version": 1,
    "process": {"name": "Quy trình đăng ký khai sinh tại TP. Hồ Chí Minh", "start_step": "cho_tiep_nhan",
                "direct_start_step": "chuyen_xu_ly", "steps": ["… các bước của bản sao quy trình chuẩn, đã sửa …"]},
    "eform_additions": [{"key": "so_phieu_khu_pho", "label": "Số phiếu xác nhận của khu phố", "type": "text",
                         "required": True}],
    "note": "Quyết định số 12/2026/QĐ-UBND: thêm xác nhận của khu phố, rút ngắn thời hạn thẩm định.",
}


class VariantProposalIn(VariantIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE_IN]})


class ProposalList(BaseModel):
    items: list[VariantProposal]


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "reason": "Thời hạn thẩm định 2 ngày không đủ để xác minh; đề nghị giữ 3 ngày như quy trình chuẩn."}]})

    reason: Text = Field(min_length=1, max_length=MAX_REASON, description="Lý do từ chối (bắt buộc)")


def _actor() -> admin_access.Administrator:
    return admin_access.Administrator.of(current_principal().profile)


def _params() -> dict[str, str]:
    return bp.current_request.query_params or {}  # type: ignore[return-value]


def _number(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 9999:
        raise bad_request("Số đề xuất phải là số từ 1 đến 9999.", "INVALID_PATH")
    return int(raw)


@route(bp, "/v1/admin/variants", "POST",
       summary="Quản trị cấp tỉnh đề xuất quy trình riêng của địa phương cho một thủ tục (bước, thời hạn, trường "
               "bổ sung vào eForm); chờ bộ phê duyệt",
       access=Access.ADMIN, roles=("province_admin",), tags=TAGS, request=VariantProposalIn,
       responses={201: VariantProposal}, errors=(403, 409, 413, 422))
def propose_variant() -> Any:
    _, payload = read_json(bp, 256 * 1024)
    body = parse_model(VariantProposalIn, payload)
    return json_response(201, service.propose(_actor(), body, now()).model_dump(mode="json"))


@route(bp, "/v1/admin/variants", "GET",
       summary="Đề xuất quy trình riêng: ?status=pending (mặc định, chờ phê duyệt) hoặc decided; quản trị cấp tỉnh "
               "chỉ thấy của tỉnh mình",
       access=Access.ADMIN, roles=BOTH, tags=TAGS, responses={200: ProposalList}, errors=(400, 403))
def list_variant_proposals() -> Any:
    status = _params().get("status", "pending")
    if status not in {"pending", "decided"}:
        raise bad_request("Tham số status là pending hoặc decided.", "INVALID_QUERY")
    items = service.proposals(_actor(), status == "pending")
    return json_response(200, ProposalList(items=items).model_dump(mode="json"))


@route(bp, "/v1/admin/variants/{procedure_code}/{province_code}", "GET",
       summary="Lịch sử quy trình riêng của một tỉnh cho một thủ tục: các phiên bản đã phê duyệt và mọi đề xuất",
       access=Access.ADMIN, roles=BOTH, tags=TAGS, responses={200: service.VariantHistory}, errors=(403, 404))
def variant_history(procedure_code: str, province_code: str) -> Any:
    found = service.history(_actor(), procedure_code, province_code)
    return json_response(200, found.model_dump(mode="json"))


@route(bp, PROPOSAL, "GET",
       summary="Một đề xuất, so sánh với quy trình chuẩn (từng bước, biểu mẫu điện tử sau khi bổ sung)",
       access=Access.ADMIN, roles=BOTH, tags=TAGS, responses={200: service.ProposalDetail}, errors=(400, 403, 404))
def variant_proposal(procedure_code: str, province_code: str, number: str) -> Any:
    found = service.detail(_actor(), procedure_code, province_code, _number(number))
    return json_response(200, found.model_dump(mode="json"))


@route(bp, PROPOSAL + "/approve", "POST",
       summary="Quản trị cấp bộ phê duyệt đề xuất: thành phiên bản mới của quy trình riêng, áp dụng cho hồ sơ "
               "tiếp nhận từ nay tại các đơn vị của tỉnh",
       access=Access.ADMIN, roles=("admin",), tags=TAGS, responses={200: VariantProposal},
       errors=(400, 403, 404, 409, 422))
def approve_variant(procedure_code: str, province_code: str, number: str) -> Any:
    decided = service.approve(_actor(), procedure_code, province_code, _number(number), now())
    return json_response(200, decided.model_dump(mode="json"))


@route(bp, PROPOSAL + "/reject", "POST", summary="Quản trị cấp bộ từ chối đề xuất (kèm lý do)",
       access=Access.ADMIN, roles=("admin",), tags=TAGS, request=RejectIn, responses={200: VariantProposal},
       errors=(400, 403, 404, 409, 422))
def reject_variant(procedure_code: str, province_code: str, number: str) -> Any:
    _, payload = read_json(bp, 16 * 1024)
    body = parse_model(RejectIn, payload)
    decided = service.reject(_actor(), procedure_code, province_code, _number(number), body.reason, now())
    return json_response(200, decided.model_dump(mode="json"))
