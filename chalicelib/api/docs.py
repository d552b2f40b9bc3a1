"""``GET /openapi.json`` and ``GET /docs``: the published API."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.openapi import build_openapi, registered, render_docs_page
from chalicelib.api.routing import Access, json_response, route

bp = Blueprint(__name__)


@route(bp, "/openapi.json", "GET", summary="Tài liệu OpenAPI 3.1 của API", access=Access.PUBLIC, tags=("Tài liệu",))
def openapi_document() -> Any:
    return json_response(200, build_openapi(registered(bp.current_app)))


@route(bp, "/docs", "GET", summary="Trang tài liệu API cho người đọc", access=Access.PUBLIC, tags=("Tài liệu",))
def docs_page() -> Any:
    return Response(
        body=render_docs_page(build_openapi(registered(bp.current_app))),
        status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
