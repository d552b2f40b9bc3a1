"""``POST /v1/dvcqg/dossiers``: DVCQG posts an online dossier (SPEC §7.1)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, route
from chalicelib.domain.intake import DvcqgDossierIn
from chalicelib.services import intake

bp = Blueprint(__name__)


class IntakeAccepted(BaseModel):
    error_code: int = Field(0, description="0 = thành công")
    message: str
    MaHoSo: str = Field(description="Mã số hồ sơ do hoso cấp (V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX)")
    MaHoSoDVCQG: str | None = None
    TrangThaiHoSo: str = Field(description='Trạng thái hồ sơ, "1" = Mới đăng ký')


@route(bp, "/v1/dvcqg/dossiers", "POST", summary="Cổng DVCQG gửi hồ sơ trực tuyến (ký HMAC)",
       access=Access.DVCQG_HMAC, tags=("Tích hợp DVCQG",), request=DvcqgDossierIn,
       responses={201: IntakeAccepted, 200: IntakeAccepted}, errors=(401, 409, 413, 422))
def post_dvcqg_dossier() -> Any:
    status, body = intake.receive_from_dvcqg(bp.current_request.raw_body or b"")
    return json_response(status, body)
