"""The API Gateway built-in authorizer for officers' tokens — defined, not attached (the package's
docstring, ``chalicelib.auth``, says why and what attaching it takes)."""

from __future__ import annotations

from chalice import Blueprint
from chalice.app import AuthRequest, AuthResponse

from chalicelib.auth import tokens
from chalicelib.auth.bearer import bearer
from chalicelib.errors import HosoError
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.authorizer(name="officer_authorizer", ttl_seconds=300)
def officer_authorizer(auth_request: AuthRequest) -> AuthResponse:
    """Let through requests bearing a valid VNeID token; roles are checked by the route wrapper."""
    try:
        claims = tokens.verify_access_token(bearer(auth_request.token, tokens.invalid_token))
    except HosoError as err:
        logger.info("gateway authorizer refused", extra={"error_code": err.code})
        return AuthResponse(routes=[], principal_id="anonymous")
    # The policy is cached per token for ttl_seconds, so it must cover every route.
    return AuthResponse(routes=["*"], principal_id=claims.sub)
