"""Route registration shared by every blueprint.

``route`` wraps a Chalice route so that:
- the route's access rule (``Access``) and models are recorded in ``ROUTES`` — the single
  route table that the OpenAPI document and the authorisation matrix are generated from;
- domain errors become ``{"error_code", "message", "errors"}`` JSON with their status, any
  other exception becomes a logged 500 with no internals leaked;
- every response carries the correlation id.
"""

from __future__ import annotations

import enum
import functools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel

from chalicelib.errors import HosoError
from chalicelib.observability import logger

MAX_BODY_BYTES = 6 * 1024 * 1024  # API Gateway → Lambda payload limit


class Access(enum.StrEnum):
    PUBLIC = "public"  # anyone (health, docs, public lookup)
    DVCQG_HMAC = "dvcqg-hmac"  # DVCQG, HMAC-signed requests (SPEC §7.1)
    CLIENT = "client"  # integration clients (agencies, specialised software)
    OFFICER = "officer"  # officers, VNeID token + hoso role catalogue
    ADMIN = "admin"  # ministry or province administrators
    OPERATOR = "operator"  # operators (sync ledgers, redrive)


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    name: str
    summary: str
    access: Access
    tags: tuple[str, ...]
    request: type[BaseModel] | None
    responses: dict[int, type[BaseModel] | None]
    roles: tuple[str, ...] = ()
    errors: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


ROUTES: list[RouteSpec] = []


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def route(
    bp: Blueprint,
    path: str,
    method: str,
    *,
    summary: str,
    access: Access,
    tags: tuple[str, ...],
    request: type[BaseModel] | None = None,
    responses: dict[int, type[BaseModel] | None] | None = None,
    roles: tuple[str, ...] = (),
    errors: tuple[int, ...] = (),
    content_types: list[str] | None = None,
    authorizer: Any = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        ROUTES.append(
            RouteSpec(
                path=path,
                method=method,
                name=view.__name__,
                summary=summary,
                access=access,
                tags=tags,
                request=request,
                responses=responses or {200: None},
                roles=roles,
                errors=errors,
            )
        )

        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            req = bp.current_request
            correlation_id = (req.headers or {}).get("x-correlation-id") or str(uuid.uuid4())
            logger.set_correlation_id(correlation_id)
            try:
                result = view(*args, **kwargs)
            except HosoError as err:
                logger.info("request refused", extra={"error_code": err.code, "status": err.status})
                result = json_response(err.status, err.body())
            except Exception:  # the one place an unexpected error becomes a 500
                logger.exception("unhandled error")
                result = json_response(
                    500,
                    {"error_code": "INTERNAL", "message": "Lỗi hệ thống, vui lòng thử lại sau."},
                )
            if isinstance(result, Response):
                result.headers["X-Correlation-Id"] = correlation_id
            return result

        kwargs: dict[str, Any] = {"methods": [method]}
        if content_types:
            kwargs["content_types"] = content_types
        if authorizer is not None:
            kwargs["authorizer"] = authorizer
        bp.route(path, **kwargs)(wrapped)
        return wrapped

    return decorator


def read_json(bp: Blueprint, max_bytes: int = MAX_BODY_BYTES) -> tuple[bytes, Any]:
    """The raw body and its parsed JSON; clear errors for empty, oversized or bad JSON."""
    from chalicelib.errors import bad_request, too_large

    raw = bp.current_request.raw_body or b""
    if len(raw) > max_bytes:
        raise too_large()
    if not raw:
        raise bad_request("Thiếu nội dung yêu cầu (JSON).", "EMPTY_BODY")
    try:
        return raw, json.loads(raw)
    except (ValueError, RecursionError):
        raise bad_request("Nội dung yêu cầu không phải JSON hợp lệ.", "INVALID_JSON") from None
