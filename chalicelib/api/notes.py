"""An officer's private note on a dossier of their unit (``chalicelib.notes``)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib import notes
from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Text
from chalicelib.auth.caller import current_principal
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.services import dossiers as service

bp = Blueprint(__name__)
TAGS = ("Hồ sơ",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)


class NoteIn(BaseModel):
    model_config = {"extra": "forbid"}

    text: Text = Field(max_length=notes.MAX_NOTE_LENGTH, description="Ghi chú riêng; rỗng: xóa ghi chú")


@route(bp, "/v1/dossiers/{code}/note", "GET", summary="Ghi chú riêng của tôi về hồ sơ (chỉ tôi xem được)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: notes.Note}, errors=(404,))
def get_note(code: str) -> Any:
    officer = current_principal().profile
    service.visible_dossier(code, officer)
    return json_response(200, notes.get(code, officer.sub).model_dump(mode="json"))


@route(bp, "/v1/dossiers/{code}/note", "PUT", summary="Lưu ghi chú riêng của tôi về hồ sơ (rỗng: xóa)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, request=NoteIn, responses={200: notes.Note},
       errors=(404, 422))
def put_note(code: str) -> Any:
    officer = current_principal().profile
    service.visible_dossier(code, officer)
    _, payload = read_json(bp, 32 * 1024)
    body = parse_model(NoteIn, payload)
    return json_response(200, notes.put(code, officer.sub, body.text, service.now()).model_dump(mode="json"))
