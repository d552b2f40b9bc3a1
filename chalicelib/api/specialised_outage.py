"""When specialised software is down, processing goes on (SPEC §6; docs/specialised-outage.md):
officers see the incidents affecting their units and continue a held dossier in hoso with a
reason; operators see every incident. The rules live in ``chalicelib.specialised.outage``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Text
from chalicelib.auth.caller import current_principal
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.specialised import model, outage

bp = Blueprint(__name__)
TAGS = ("Phần mềm chuyên ngành",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)


class IncidentsOut(BaseModel):
    incidents: list[model.Incident]


class ContinueIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "reason": "Phần mềm cấp phép không nhận hồ sơ từ sáng; người nộp cần kết quả đúng hẹn."}]})

    reason: Text = Field(max_length=model.MAX_REASON, description="Lý do tiếp tục xử lý trên hoso (bắt buộc)")


class ContinueOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "000.00.00.G12-261207-0001", "status": 2, "step_id": "chuyen_xu_ly", "state": "continued"}]})

    code: str
    status: int
    step_id: str
    state: str = Field(description="continued: hồ sơ xử lý trên hoso; trạng thái sẽ được gửi sang phần mềm chuyên "
                                   "ngành khi phần mềm hoạt động trở lại")


@route(bp, "/v1/specialised/incidents", "GET",
       summary="Sự cố phần mềm chuyên ngành đang ảnh hưởng đến đơn vị của cán bộ (và các hồ sơ bị ảnh hưởng)",
       access=Access.OFFICER, tags=TAGS, responses={200: IncidentsOut})  # fmt: skip
def get_incidents() -> Any:
    return json_response(200, {"incidents": outage.for_officer(current_principal().profile)})


@route(bp, "/v1/dossiers/{code}/specialised/continue", "POST",
       summary="Tiếp tục xử lý hồ sơ trên hoso khi phần mềm chuyên ngành gặp sự cố (ghi nhật ký với lý do)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, request=ContinueIn, responses={200: ContinueOut},
       errors=(403, 404, 409, 422))  # fmt: skip
def post_continue(code: str) -> Any:
    _, payload = read_json(bp, 16 * 1024)
    body = parse_model(ContinueIn, payload)
    dossier = outage.continue_in_hoso(code, body.reason, current_principal().profile)
    return json_response(200, ContinueOut(code=dossier.code, status=dossier.status, step_id=dossier.step_id,
                                          state="continued").model_dump(mode="json"))  # fmt: skip


@route(bp, "/v1/ops/specialised/incidents", "GET",
       summary="Sự cố phần mềm chuyên ngành: đang mở và đã khắc phục gần đây",
       access=Access.OPERATOR, tags=("Vận hành",), responses={200: IncidentsOut})  # fmt: skip
def get_ops_incidents() -> Any:
    return json_response(200, {"incidents": outage.for_operators()})
