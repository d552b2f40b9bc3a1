"""Transfer a dossier to the competent unit (chuyển hồ sơ đến đơn vị có thẩm quyền, FR-6, FR-12):
the rules in ``chalicelib.domain.competence``, the use case in ``chalicelib.services.competence``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Text
from chalicelib.auth.caller import current_principal
from chalicelib.domain import competence
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.services import competence as service

bp = Blueprint(__name__)
TAGS = ("Hồ sơ",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)


class CompetentUnit(BaseModel):
    code: str = Field(description="Mã đơn vị (QCVN 102:2016)")
    name: str


class CompetentUnits(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "allowed": True, "units": [{"code": "000.00.13.H26", "name": "Sở Khoa học và Công nghệ thành phố Hà Nội"}]}]})

    allowed: bool = Field(description="Cán bộ này được chuyển hồ sơ ngay bây giờ (cán bộ một cửa hoặc lãnh đạo "
                                      "của đơn vị đang giữ hồ sơ; hồ sơ chờ tiếp nhận, đã tiếp nhận hoặc đang xử lý)")
    units: list[CompetentUnit] = Field(description="Các đơn vị giải quyết thủ tục của hồ sơ (trừ đơn vị đang giữ)")


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "unit_code": "000.00.13.H26",
        "reason": "Người nộp cư trú tại Hà Nội; hồ sơ thuộc thẩm quyền giải quyết của Hà Nội."}]})

    unit_code: str = Field(min_length=1, max_length=32, description="Đơn vị có thẩm quyền nhận hồ sơ")
    reason: Text = Field(max_length=competence.MAX_REASON, description="Lý do chuyển (bắt buộc)")


class TransferOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "000.00.13.H29-261207-0001", "unit_code": "000.00.13.H26",
        "unit_name": "Sở Khoa học và Công nghệ thành phố Hà Nội", "status": 4, "step_id": "phan_cong"}]})

    code: str = Field(description="Mã hồ sơ — giữ nguyên khi chuyển (dùng thống nhất giữa các cơ quan, hệ thống)")
    unit_code: str
    unit_name: str
    status: int = Field(description="Trạng thái DVCQG sau khi chuyển (4 Đang xử lý; 1 nếu hồ sơ chưa tiếp nhận)")
    step_id: str


@route(bp, "/v1/dossiers/{code}/competent-units", "GET",
       summary="Các đơn vị có thẩm quyền có thể nhận hồ sơ (chuyển đơn vị có thẩm quyền)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: CompetentUnits}, errors=(404,))
def get_competent_units(code: str) -> Any:
    return json_response(200, service.options(code, current_principal().profile))


@route(bp, "/v1/dossiers/{code}/transfer-unit", "POST",
       summary="Chuyển hồ sơ đến đơn vị có thẩm quyền giải quyết (giữ mã hồ sơ và nhật ký xử lý)",
       access=Access.OFFICER, roles=("desk", "leader"), tags=TAGS, request=TransferIn,
       responses={200: TransferOut}, errors=(403, 404, 409, 422))
def post_transfer_unit(code: str) -> Any:
    _, payload = read_json(bp, 16 * 1024)
    body = parse_model(TransferIn, payload)
    officer = current_principal().profile
    dossier = service.transfer(code, body.unit_code, body.reason, officer)
    return json_response(200, TransferOut(code=dossier.code, unit_code=dossier.unit_code,
                                          unit_name=service.unit_name(dossier.unit_code),
                                          status=dossier.status, step_id=dossier.step_id).model_dump(mode="json"))
