"""Route registration shared by every blueprint.

``route`` wraps a Chalice route so that:
- the route's access rule (``Access``) and models are recorded in ``ROUTES`` — the single
  route table that the OpenAPI document and the authorisation matrix are generated from;
- the access rule is enforced in code before the view runs (``chalicelib.auth``): a VNeID token
  and a role from hoso's catalogue for OFFICER/ADMIN/OPERATOR, a client credential for CLIENT
  and the route's ``Capability`` granted to that client (403 ``FORBIDDEN_CAPABILITY``);
  the caller is then available to the view (``current_principal()``, ``current_client()``).
  and for DVCQG_HMAC the HMAC signature over the raw body (413 first when it is too large). Nothing a client sends
  besides its credential (headers, request context) is trusted;
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
from typing import Any, TypeVar

from chalice import Blueprint, Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chalicelib.auth import caller as caller_auth
from chalicelib.auth import clients as clients_auth
from chalicelib.auth import dvcqg as dvcqg_auth
from chalicelib.auth import officers as officers_auth
from chalicelib.domain.clients import Capability, require_capability
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError, invalid, too_large
from chalicelib.observability import logger

M = TypeVar("M", bound=BaseModel)

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
    capability: Capability | None = None


ROUTES: list[RouteSpec] = []

# Access kinds authenticated with a VNeID token, and the roles each demands by default (in any
# unit; the unit of the dossier at hand is the domain's check). An empty set: any officer with
# a role. Roles declared on a route replace the default and must stay within it.
_OFFICER_ACCESS: dict[Access, frozenset[Role]] = {
    Access.OFFICER: frozenset(),
    Access.ADMIN: frozenset({Role.ADMIN, Role.PROVINCE_ADMIN}),
    Access.OPERATOR: frozenset({Role.OPERATOR, Role.ADMIN}),
}


def _required_roles(access: Access, roles: tuple[str, ...]) -> frozenset[Role]:
    """The roles a route demands; a wrong declaration fails at import, not at request time."""
    declared = frozenset(Role(r) for r in roles)
    if access not in _OFFICER_ACCESS:
        if declared:
            raise ValueError(f"{access.value} routes are not for officers and take no roles")
        return frozenset()
    default = _OFFICER_ACCESS[access]
    if default and not declared <= default:
        raise ValueError(f"{access.value} routes take only the roles {sorted(r.value for r in default)}")
    return declared or default


def _authenticate(access: Access, required: frozenset[Role], capability: Capability | None,
                  request: Request) -> caller_auth.Caller | None:  # fmt: skip
    authorization = (request.headers or {}).get("authorization")
    if access is Access.CLIENT:
        client = clients_auth.authenticate_client(authorization)
        if capability is None:  # unreachable: ``route`` refuses a client route without one
            raise RuntimeError("client route without a capability")
        require_capability(client.grants, capability)
        return client
    if access in _OFFICER_ACCESS:
        return officers_auth.authenticate_officer(authorization, required)
    if access is Access.DVCQG_HMAC:
        raw = request.raw_body or b""
        if len(raw) > MAX_BODY_BYTES:  # refused before its signature is computed
            raise too_large()
        dvcqg_auth.authenticate_dvcqg(request.headers or {}, raw)
    return None  # PUBLIC; DVCQG_HMAC once its signature is verified


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
    capability: Capability | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    required = _required_roles(access, roles)
    if (access is Access.CLIENT) != (capability is not None):
        raise ValueError("a client route declares the capability it needs (and only a client route does)")

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
                capability=capability,
            )
        )

        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            req = bp.current_request
            correlation_id = (req.headers or {}).get("x-correlation-id") or str(uuid.uuid4())
            logger.set_correlation_id(correlation_id)
            try:
                caller = _authenticate(access, required, capability, req)
                with caller_auth.acting_as(caller):
                    result = view(*args, **kwargs)
            except HosoError as err:
                logger.info("request refused", extra={"error_code": err.code, "status": err.status})
                bearer = access is Access.CLIENT or access in _OFFICER_ACCESS
                challenge = {"WWW-Authenticate": 'Bearer realm="hoso"'} if bearer and err.status == 401 else None
                result = json_response(err.status, err.body(), challenge)
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


def parse_model(model: type[M], payload: Any) -> M:
    """``payload`` validated against ``model``; every invalid field reported at once (422 INVALID_DATA)."""
    try:
        return model.model_validate(payload)
    except ValidationError as err:
        raise invalid([FieldError(".".join(str(p) for p in e["loc"]) or "body", "Giá trị không hợp lệ.")
                       for e in err.errors()]) from None
