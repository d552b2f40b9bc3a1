"""The officers' virtual assistant (FR-22): questions about procedures and the dossier in front of
the officer, answered from hoso's catalogue and the dossier's data, with citations."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.api.text import Line
from chalicelib.auth.caller import current_principal
from chalicelib.domain.assistant import MAX_QUESTION, Answer, ProcedureSheet
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.services import assistant

bp = Blueprint(__name__)
TAGS = ("Trợ lý ảo",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)


class QuestionIn(BaseModel):
    model_config = {"extra": "forbid"}

    question: Line = Field(min_length=2, max_length=MAX_QUESTION, description="Câu hỏi bằng tiếng Việt")
    dossier_code: str | None = Field(None, min_length=1, max_length=64,
                                     description="Mã hồ sơ đang xem: hỏi về hồ sơ này (thiếu gì, bước tiếp, còn bao "
                                                 "lâu, hồ sơ tương tự)")


@route(bp, "/v1/assistant/questions", "POST",
       summary="Hỏi trợ lý ảo về thủ tục (giấy tờ, phí, thời hạn, căn cứ, quy trình) hoặc về hồ sơ đang xem (FR-22)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, request=QuestionIn, responses={200: Answer},
       errors=(404, 422))
def ask() -> Any:
    _, payload = read_json(bp, 8 * 1024)
    body = parse_model(QuestionIn, payload)
    answer = assistant.ask(body.question.strip(), body.dossier_code, current_principal().profile)
    return json_response(200, answer.model_dump(mode="json"))


@route(bp, "/v1/assistant/procedures/{code}", "GET",
       summary="Mọi dữ kiện danh mục của một thủ tục mà trợ lý ảo trích dẫn (thành phần, phí, thời hạn, căn cứ, "
               "quy trình)",
       access=Access.OFFICER, roles=ROLES, tags=TAGS, responses={200: ProcedureSheet}, errors=(404,))
def procedure_sheet(code: str) -> Any:
    return json_response(200, assistant.sheet(code).model_dump(mode="json"))
