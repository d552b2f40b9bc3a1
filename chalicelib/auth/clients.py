"""An integration client's request (SPEC §7.3): ``Authorization: Bearer <client_id>.<secret>``
checked against the catalogue's SHA-256 (the previous key too, during a rotation's grace), and the
procedures the client is scoped to. Kiosks are clients of kind ``kiosk``."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass

from chalicelib.auth.bearer import bearer
from chalicelib.auth.registry import CLIENT_ID_PATTERN, get_client, hash_secret
from chalicelib.domain.clients import Grants
from chalicelib.errors import HosoError
from chalicelib.observability import logger

_CLIENT_ID = re.compile(CLIENT_ID_PATTERN)
MAX_CLIENT_TOKEN_CHARS = 256
_NO_CLIENT_HASH = hash_secret(secrets.token_urlsafe(32))  # compared against when the client is unknown


def _invalid_client() -> HosoError:
    return HosoError("INVALID_CLIENT", "Thông tin xác thực của hệ thống tích hợp không hợp lệ.", 401)


@dataclass(frozen=True)
class ClientPrincipal:
    """An integration client acting now: scoped to its procedures, limited to its grants."""

    client_id: str
    name: str
    procedure_codes: list[str]
    grants: Grants = Grants()
    unit_code: str | None = None  # a kiosk's unit

    @property
    def actor_sub(self) -> str:
        """How the client is named in audit trails (never an officer's subject)."""
        return f"client:{self.client_id}"


def authenticate_client(authorization: str | None) -> ClientPrincipal:
    """The integration client behind ``Authorization: Bearer <client_id>.<secret>``;
    401 ``INVALID_CLIENT`` for an unknown, inactive or wrong credential."""
    token = bearer(authorization, _invalid_client)
    client_id, _, secret = token.partition(".")
    if len(token) > MAX_CLIENT_TOKEN_CHARS or not secret or not _CLIENT_ID.match(client_id):
        raise _invalid_client()
    client = get_client(client_id)
    digest = hash_secret(secret)
    matches = hmac.compare_digest(digest, client.secret_sha256 if client else _NO_CLIENT_HASH)
    if client is not None and not matches and client.previous_valid(dt.datetime.now(dt.UTC)):
        matches = hmac.compare_digest(digest, client.previous_secret_sha256 or _NO_CLIENT_HASH)  # rotation grace
    if client is None or not matches or not client.active:
        logger.info("client refused", extra={"client_id": client_id, "known": client is not None})
        raise _invalid_client()
    return ClientPrincipal(client_id=client.client_id, name=client.name, procedure_codes=list(client.procedure_codes),
                           grants=client.grants, unit_code=client.unit_code)  # fmt: skip


def require_procedure(client: ClientPrincipal, procedure_code: str) -> None:
    """403 ``FORBIDDEN_PROCEDURE`` unless the client is scoped to ``procedure_code``."""
    if procedure_code not in client.procedure_codes:
        raise HosoError("FORBIDDEN_PROCEDURE", "Hệ thống tích hợp không được cấp quyền với thủ tục này.", 403)
