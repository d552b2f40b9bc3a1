"""Self-service kiosks (SPEC §7.9; docs/kiosks.md).

- ``/v1/kiosk/…``: the device's API. Every route authenticates the device (an integration client
  of kind ``kiosk``, ``Bearer <kiosk id>.<secret>``, capability ``kiosk``) and counts the request
  against the device's limits (429 ``KIOSK_RATE_LIMITED``). A dossier's status or receipt needs its
  code + check token (or the receipt's QR) in the body; drafts go to the desk and are never read back.
- ``/v1/units/{unit_code}/kiosk-drafts/{ticket}/take``: the desk officer takes a kiosk draft (it
  becomes their own draft, opened in the desk intake page). The drafts list (``GET /v1/drafts``)
  shows the waiting ones.
- ``/v1/admin/kiosks``: administrators register (the key shown once) and revoke a unit's kiosks.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.documents import Link
from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth import registry
from chalicelib.auth.caller import current_client, current_principal
from chalicelib.auth.registry import CLIENT_ID_PATTERN
from chalicelib.documents.lookup import PublicStatus
from chalicelib.domain.clients import Capability
from chalicelib.errors import not_found
from chalicelib.kiosks import model
from chalicelib.kiosks import service as kiosks
from chalicelib.services import admin_access
from chalicelib.services import drafts as draft_service
from chalicelib.services.dossiers import now

bp = Blueprint(__name__)
TAGS = ("Ki-ốt tự phục vụ",)
ADMIN_TAGS = ("Quản trị",)
CLIENT_ID = re.compile(CLIENT_ID_PATTERN)
NO_STORE = {"Cache-Control": "no-store"}


def _device() -> kiosks.Device:
    return kiosks.device(current_client(), now())


def _proof() -> model.ProofIn:
    _, payload = read_json(bp, 4096)
    return parse_model(model.ProofIn, payload)


@route(bp, "/v1/kiosk/procedures", "GET", summary="Ki-ốt: các thủ tục đơn vị của ki-ốt tiếp nhận",
       responses={200: model.KioskProcedures}, errors=(401, 403, 429),
       access=Access.CLIENT, capability=Capability.KIOSK, tags=TAGS)
def kiosk_procedures() -> Any:
    return json_response(200, kiosks.procedures(_device()).model_dump(mode="json"))


@route(bp, "/v1/kiosk/procedures/{code}", "GET",
       summary="Ki-ốt: hướng dẫn thực hiện một thủ tục — thành phần hồ sơ, phí, lệ phí, thời hạn, tờ khai điện tử",
       responses={200: model.KioskProcedure}, errors=(401, 403, 404, 429),
       access=Access.CLIENT, capability=Capability.KIOSK, tags=TAGS)
def kiosk_procedure(code: str) -> Any:
    return json_response(200, kiosks.procedure(_device(), code).model_dump(mode="json"))


@route(bp, "/v1/kiosk/lookups", "POST",
       summary="Ki-ốt: tra cứu tình trạng hồ sơ bằng mã hồ sơ + mã tra cứu, hoặc mã QR trên giấy tiếp nhận "
               "(không có dữ liệu cá nhân)",
       request=model.ProofIn, responses={200: PublicStatus}, errors=(401, 403, 404, 422, 429),
       access=Access.CLIENT, capability=Capability.KIOSK, tags=TAGS)
def kiosk_lookup() -> Any:
    device = _device()
    return json_response(200, kiosks.status(device, _proof(), now()).model_dump(mode="json"), NO_STORE)


@route(bp, "/v1/kiosk/receipts", "POST",
       summary="Ki-ốt: in lại giấy tiếp nhận hồ sơ và hẹn trả kết quả của hồ sơ công dân chứng minh bằng mã hồ sơ + "
               "mã tra cứu hoặc mã QR (trả link PDF)",
       request=model.ProofIn, responses={200: Link}, errors=(401, 403, 404, 409, 422, 429),
       access=Access.CLIENT, capability=Capability.KIOSK, tags=TAGS)
def kiosk_receipt() -> Any:
    device = _device()
    return json_response(200, kiosks.receipt(device, _proof(), now()), NO_STORE)


@route(bp, "/v1/kiosk/drafts", "POST",
       summary="Ki-ốt: công dân khai trước tờ khai; bản nháp chờ Bộ phận Một cửa tiếp nhận, ki-ốt nhận số phiếu "
               "(không đọc lại được dữ liệu đã gửi)",
       request=model.KioskDraftIn, responses={201: model.KioskTicket}, errors=(401, 403, 409, 413, 422, 429),
       access=Access.CLIENT, capability=Capability.KIOSK, tags=TAGS)
def kiosk_draft() -> Any:
    device = _device()
    _, payload = read_json(bp, model.MAX_DRAFT_BYTES)
    body = parse_model(model.KioskDraftIn, payload)
    return json_response(201, kiosks.create_draft(device, body, now()).model_dump(mode="json"))


# --- the desk -------------------------------------------------------------------------------


@route(bp, "/v1/units/{unit_code}/kiosk-drafts/{ticket}/take", "POST",
       summary="Một cửa nhận tờ khai công dân khai trước tại ki-ốt: thành bản nháp của cán bộ để hoàn thiện và tiếp "
               "nhận (409 KIOSK_DRAFT_TAKEN nếu cán bộ khác đã nhận)",
       access=Access.OFFICER, roles=("desk",), tags=("Tiếp nhận tại một cửa",), responses={200: draft_service.Draft},
       errors=(403, 404, 409))
def take_kiosk_draft(unit_code: str, ticket: str) -> Any:
    draft = kiosks.take(current_principal().profile, unit_code, ticket, now())
    return json_response(200, draft.model_dump(mode="json"))


# --- administration -------------------------------------------------------------------------


class KioskOut(BaseModel):
    kiosk_id: str
    name: str
    unit_code: str | None
    active: bool
    created_at: dt.datetime | None
    revoked_at: dt.datetime | None


class KioskList(BaseModel):
    items: list[KioskOut]


class KioskIn(BaseModel):
    model_config = {"extra": "forbid", "json_schema_extra": {"examples": [
        {"kiosk_id": "kiosk-h29-sanh-a", "name": "Ki-ốt sảnh A", "unit_code": "000.00.13.H29"}]}}

    kiosk_id: str = Field(pattern=CLIENT_ID_PATTERN, description="Mã ki-ốt (chữ, số, - và _)")
    name: str = Field(min_length=1, max_length=200, description="Tên, vị trí đặt ki-ốt")
    unit_code: str = Field(min_length=1, max_length=32, description="Đơn vị ki-ốt phục vụ")


class KioskKey(BaseModel):
    kiosk: KioskOut
    token: str = Field(description="Khóa truy cập Bearer <kiosk_id>.<secret> — chỉ hiển thị một lần, hệ thống không "
                                   "lưu; nhập vào cấu hình của ki-ốt")


def _out(client: registry.IntegrationClient) -> KioskOut:
    return KioskOut(kiosk_id=client.client_id, name=client.name, unit_code=client.unit_code, active=client.active,
                    created_at=client.created_at, revoked_at=client.revoked_at)


def _administrator() -> admin_access.Administrator:
    return admin_access.Administrator.of(current_principal().profile)


@route(bp, "/v1/admin/kiosks", "GET", summary="Ki-ốt tự phục vụ của các đơn vị (tham số unit: một đơn vị)",
       access=Access.ADMIN, tags=ADMIN_TAGS, responses={200: KioskList})
def list_kiosks() -> Any:
    params = bp.current_request.query_params
    unit = (params.get("unit") if params else None) or None
    items = [_out(k) for k in kiosks.list_kiosks(_administrator(), unit)]
    return json_response(200, KioskList(items=items).model_dump(mode="json"))


@route(bp, "/v1/admin/kiosks", "POST", summary="Đăng ký ki-ốt tự phục vụ cho một đơn vị; khóa chỉ hiển thị một lần",
       access=Access.ADMIN, tags=ADMIN_TAGS, request=KioskIn, responses={201: KioskKey}, errors=(403, 409, 422))
def register_kiosk() -> Any:
    _, payload = read_json(bp, 4096)
    body = parse_model(KioskIn, payload)
    client, token = kiosks.register(_administrator(), body.kiosk_id, body.name.strip(), body.unit_code, now())
    return json_response(201, KioskKey(kiosk=_out(client), token=token).model_dump(mode="json"))


@route(bp, "/v1/admin/kiosks/{kiosk_id}/revoke", "POST",
       summary="Thu hồi ki-ốt: khóa của ki-ốt bị từ chối từ nay", access=Access.ADMIN, tags=ADMIN_TAGS,
       responses={200: KioskOut}, errors=(403, 404, 409))
def revoke_kiosk(kiosk_id: str) -> Any:
    if not CLIENT_ID.fullmatch(kiosk_id):
        raise not_found("Không tìm thấy ki-ốt.")
    return json_response(200, _out(kiosks.revoke(_administrator(), kiosk_id, now())).model_dump(mode="json"))

