"""The published API as an OpenAPI 3.1 document, generated from the route table and the
pydantic models — so it cannot drift from the code (a test also compares it with the
committed ``docs/openapi.json``)."""

from __future__ import annotations

import enum
import html
import re
import typing
from typing import Any

from pydantic import BaseModel

from chalicelib.api.routing import ROUTES, Access

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error_code", "message"],
    "properties": {
        "error_code": {"type": "string", "description": "Mã lỗi ổn định cho máy"},
        "message": {"type": "string", "description": "Thông báo tiếng Việt cho người"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

SECURITY_SCHEMES = {
    "dvcqgHmac": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Hoso-Signature",
        "description": "HMAC-SHA256(secret, timestamp + '.' + body), lowercase hex, with headers "
        "X-Hoso-Key-Id and X-Hoso-Timestamp (±300 s).",
    },
    "vneid": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "VNeID access token"},
    "client": {"type": "http", "scheme": "bearer", "description": "Integration client token"},
}

_SECURITY = {
    Access.PUBLIC: [],
    Access.DVCQG_HMAC: [{"dvcqgHmac": []}],
    Access.CLIENT: [{"client": []}],
    Access.OFFICER: [{"vneid": []}],
    Access.ADMIN: [{"vneid": []}],
    Access.OPERATOR: [{"vneid": []}],
}

_STATUS_TEXT = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
    413: "Payload Too Large", 422: "Unprocessable Content", 429: "Too Many Requests",
    503: "Service Unavailable",
}


class SchemaNameCollision(ValueError):
    """Two different classes would be published under the same component name: one schema
    would silently overwrite the other, and clients would be generated from the wrong one."""


def named_types(model: type[BaseModel]) -> list[type]:
    """``model`` and every model or enum its fields reach: each becomes a component schema
    named after its class."""
    found: list[type] = []

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, (BaseModel, enum.Enum)):
            if annotation in found:
                return
            found.append(annotation)
            if issubclass(annotation, BaseModel):
                for field in annotation.model_fields.values():
                    walk(field.annotation)
            return
        for arg in typing.get_args(annotation):
            walk(arg)

    walk(model)
    return found


def _claim(name: str, owner: type, owners: dict[str, type]) -> None:
    claimed = owners.setdefault(name, owner)
    if claimed is not owner:
        raise SchemaNameCollision(
            f"component schema {name!r} is claimed by {claimed.__module__}.{claimed.__qualname__} "
            f"and {owner.__module__}.{owner.__qualname__}: rename one of them"
        )


def _ref(model: type[BaseModel], components: dict[str, Any], owners: dict[str, type]) -> dict[str, str]:
    for owner in named_types(model):
        _claim(owner.__name__, owner, owners)
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        components[name] = sub
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def registered(app: Any) -> set[tuple[str, str]]:
    """(path, method) of every route a Chalice app serves."""
    return {(path, method) for path, methods in app.routes.items() for method in methods}


def build_openapi(served: set[tuple[str, str]]) -> dict[str, Any]:
    """The document of the routes in ``served`` (a blueprint imported but not registered in
    the app — a test's, say — is not part of the published API)."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    owners: dict[str, type] = {}
    paths: dict[str, Any] = {}
    for spec in sorted(ROUTES, key=lambda r: (r.path, r.method)):
        if (spec.path, spec.method) not in served:
            continue
        op: dict[str, Any] = {
            "operationId": spec.name,
            "summary": spec.summary,
            "tags": list(spec.tags),
            "security": _SECURITY[spec.access],
            "x-hoso-access": spec.access.value,
            "responses": {},
        }
        if spec.roles:
            op["x-hoso-roles"] = list(spec.roles)
        if spec.capability is not None:  # the integration client's capability the route needs
            op["x-hoso-capability"] = spec.capability.value
        params = re.findall(r"{(\w+)}", spec.path)
        if params:
            op["parameters"] = [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params
            ]
        if spec.request is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(spec.request, components, owners)}},
            }
        for status, model in sorted(spec.responses.items()):
            resp: dict[str, Any] = {"description": _STATUS_TEXT.get(status, str(status))}
            if model is not None:
                resp["content"] = {"application/json": {"schema": _ref(model, components, owners)}}
            op["responses"][str(status)] = resp
        error_statuses = set(spec.errors) | ({400, 413, 422} if spec.request else set())
        if spec.access is not Access.PUBLIC:
            error_statuses |= {401, 403}
        for status in sorted(error_statuses - set(spec.responses)):
            op["responses"][str(status)] = {
                "description": _STATUS_TEXT.get(status, str(status)),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        paths.setdefault(spec.path, {})[spec.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hoso — HTTT giải quyết thủ tục hành chính cấp bộ",
            "version": "1.0.0",
            "description": "API công bố của hệ thống: tiếp nhận hồ sơ từ Cổng DVCQG, xử lý hồ sơ, "
            "tích hợp liên thông và phần mềm chuyên ngành.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": dict(sorted(components.items())), "securitySchemes": SECURITY_SCHEMES},
    }


def render_docs_page(spec: dict[str, Any]) -> str:
    """A self-contained, readable HTML page (no CDN: it must work on a closed network)."""
    rows = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            responses = ", ".join(op["responses"])
            rows.append(
                f"<section><h2><code>{method.upper()} {html.escape(path)}</code></h2>"
                f"<p>{html.escape(op['summary'])}</p>"
                f"<p>Quyền truy cập: <strong>{html.escape(op['x-hoso-access'])}</strong>"
                f" · Mã phản hồi: {html.escape(responses)}</p></section>"
            )
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(spec['info']['title'])}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.5}"
        "section{border-top:1px solid #ccc;padding:.5rem 0}code{background:#f3f3f3;padding:0 .2rem}</style>"
        f"</head><body><main><h1>{html.escape(spec['info']['title'])}</h1>"
        f"<p>{html.escape(spec['info']['description'])}</p>"
        "<p>Tài liệu máy đọc: <a href='/openapi.json'>/openapi.json</a> (OpenAPI 3.1)</p>"
        + "".join(rows)
        + "</main></body></html>"
    )
