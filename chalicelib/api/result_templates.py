"""Result templates as administered, versioned data (issue 17 item 6): read the template a
procedure's results are drawn up from, publish its next version (the ministry's administrator).
Rules and use cases: ``chalicelib.documents.templates``."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.documents import templates
from chalicelib.services import admin_access
from chalicelib.services.dossiers import now

bp = Blueprint(__name__)
TAGS = ("Quản trị",)
PATH = "/v1/admin/result-templates/{procedure_code}"


@route(bp, PATH, "GET",
       summary="Mẫu kết quả giải quyết đang áp dụng của một thủ tục (phiên bản 0: mẫu có sẵn) và các phiên bản đã "
               "ban hành",
       access=Access.ADMIN, roles=("admin", "province_admin"), tags=TAGS, responses={200: templates.CurrentTemplate},
       errors=(404,))
def get_result_template(procedure_code: str) -> Any:
    return json_response(200, templates.show(procedure_code).model_dump(mode="json"))


@route(bp, PATH, "POST",
       summary="Ban hành phiên bản mới của mẫu kết quả (đã kiểm tra; không sửa được sau khi ban hành)",
       access=Access.ADMIN, roles=("admin",), tags=TAGS, request=templates.TemplateIn,
       responses={201: templates.PublishedTemplate}, errors=(403, 404, 409, 422))
def publish_result_template(procedure_code: str) -> Any:
    _, payload = read_json(bp, 64 * 1024)
    body = parse_model(templates.TemplateIn, payload)
    actor = admin_access.Administrator.of(current_principal().profile)
    published = templates.publish(actor, procedure_code, body, now())
    return json_response(201, published.model_dump(mode="json"))
