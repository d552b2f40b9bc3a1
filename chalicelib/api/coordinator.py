"""The coordination system's routes (SPEC §7.7, hoso's proposed contract): the results of liên
thông steps handed to other ministries' systems through it, and the dossiers of chains another
ministry heads; and what officers see of a dossier's liên thông side. The rules live in
``chalicelib.flows.coordinator`` and ``chalicelib.services.lien_thong_inbound``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.dvcqg import IntakeAccepted
from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_client, current_principal
from chalicelib.domain.clients import Capability
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.flows import agencies, coordinator, outside_consultations
from chalicelib.services import coordinator_roles, desk_link, lien_thong_inbound

bp = Blueprint(__name__)
TAGS = ("Hệ thống điều phối",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)


@route(bp, coordinator.RESULTS_PATH, "POST",
       summary="Hệ thống điều phối trả kết quả bước liên thông đã chuyển cho bộ, ngành khác (ChuyenHoSoLienThong)",
       access=Access.CLIENT, capability=Capability.COORDINATOR_RESULTS, tags=TAGS,
       request=coordinator.CoordinatorResultIn, responses={200: coordinator.CoordinatorResultOut},
       errors=(400, 401, 403, 404, 409, 413, 422))  # fmt: skip
def coordinator_lien_thong_result() -> Any:
    _, payload = read_json(bp)
    out = coordinator.receive(current_client(), parse_model(coordinator.CoordinatorResultIn, payload))
    return json_response(200, out.model_dump(mode="json"))


@route(bp, outside_consultations.OPINIONS_PATH, "POST",
       summary="Hệ thống điều phối trả ý kiến của cơ quan ngoài hoso được xin ý kiến (MaHoSo, MaYeuCau; gửi lại "
               "cùng ý kiến: replayed; ý kiến khác: 409)",
       access=Access.CLIENT, capability=Capability.COORDINATOR_OPINIONS, tags=TAGS,
       request=outside_consultations.CoordinatorOpinionIn,
       responses={200: outside_consultations.CoordinatorOpinionOut}, errors=(400, 401, 403, 404, 409, 413, 422))
def coordinator_consultation_opinion() -> Any:
    _, payload = read_json(bp)
    out = outside_consultations.receive(current_client(),
                                        parse_model(outside_consultations.CoordinatorOpinionIn, payload))
    return json_response(200, out.model_dump(mode="json"))


class OutsideAgencyOut(BaseModel):
    code: str = Field(description="Mã cơ quan (dùng trong consult_units)")
    name: str


class OutsideAgencies(BaseModel):
    items: list[OutsideAgencyOut]


@route(bp, "/v1/consultations/outside-agencies", "GET",
       summary="Cơ quan ngoài hoso có thể được xin ý kiến (qua Hệ thống điều phối)",
       access=Access.OFFICER, roles=ROLES, tags=("Xin ý kiến",), responses={200: OutsideAgencies},
       errors=(401, 403))
def outside_agencies() -> Any:
    return json_response(200, OutsideAgencies(items=[OutsideAgencyOut(code=a.code, name=a.name)
                                                     for a in agencies.consultable().values()]).model_dump(mode="json"))


@route(bp, "/v1/coordinator/lien-thong/dossiers", "POST",
       summary="Hệ thống điều phối chuyển hồ sơ liên thông do bộ, ngành khác chủ trì để hoso giải quyết một bước "
               "(ký HMAC như §7.1)",
       access=Access.DVCQG_HMAC, tags=TAGS, request=lien_thong_inbound.InboundDossierIn,
       responses={201: IntakeAccepted, 200: IntakeAccepted}, errors=(400, 401, 409, 413, 422))  # fmt: skip
def coordinator_lien_thong_dossier() -> Any:
    raw = bp.current_request.raw_body or b""
    status, body = lien_thong_inbound.receive(raw if isinstance(raw, bytes) else raw.encode())
    return json_response(status, body)


@route(bp, "/v1/dossiers/{code}/lien-thong", "GET",
       summary="Liên thông của hồ sơ: các bước chuyển đi (qua Hệ thống điều phối hay trực tiếp) hoặc bước được giao",
       access=Access.OFFICER, roles=ROLES, tags=("Hồ sơ",), responses={200: coordinator.LienThongView},
       errors=(401, 403, 404))  # fmt: skip
def dossier_lien_thong(code: str) -> Any:
    return json_response(200, coordinator.officer_view(code, current_principal().profile).model_dump(mode="json"))


@route(bp, "/v1/coordinator/officer-roles", "POST",
       summary="Hệ thống điều phối gửi vai trò của cán bộ sau đăng nhập (áp dụng cho đơn vị lấy vai trò từ "
               "Hệ thống điều phối, khi phiên bản mới hơn)",
       access=Access.CLIENT, capability=Capability.COORDINATOR_ROLES, tags=TAGS,
       request=coordinator_roles.OfficerRolesIn, responses={200: coordinator_roles.OfficerRolesOut},
       errors=(400, 401, 403, 409, 413, 422))  # fmt: skip
def coordinator_officer_roles() -> Any:
    _, payload = read_json(bp, 64 * 1024)
    out = coordinator_roles.push(current_client(), parse_model(coordinator_roles.OfficerRolesIn, payload))
    return json_response(200, out.model_dump(mode="json"))


@route(bp, "/v1/units/{unit_code}/desk-link", "GET",
       summary="Kiểm tra đường dẫn tiếp nhận tại Bộ phận Một cửa do Hệ thống điều phối mở (thutuc, thamchieu, "
               "quaylai): địa chỉ quay lại phải thuộc danh sách được phép",
       access=Access.OFFICER, roles=("desk",), tags=TAGS, responses={200: desk_link.DeskLinkOut},
       errors=(401, 403, 422))  # fmt: skip
def unit_desk_link(unit_code: str) -> Any:
    params = dict(bp.current_request.query_params or {})
    return json_response(200, desk_link.check(current_principal().profile, unit_code, params).model_dump(mode="json"))
