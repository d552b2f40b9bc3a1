"""Who is calling, and what may they do: VNeID tokens for officers, hoso's role catalogue,
integration clients (SPEC §1, §6, §7.3, §7.6).

Where the check happens
-----------------------
Every request is authenticated and authorised **in code**, by the ``route`` wrapper of
``chalicelib.api.routing``: before the view runs it calls :func:`authenticate_officer` or
:func:`authenticate_client` according to the route's declared ``Access`` and roles, and puts the
caller where the view finds it (:func:`current_principal`, :func:`current_client`). That code runs
inside the API function itself, so the very same check runs on AWS, under ``chalice.test.Client``
and under ``chalice local`` — and nothing upstream (a gateway, a header, a request context) is
trusted to have done it.

A Chalice built-in authorizer, :data:`officer_authorizer`, is defined here as well, on the
blueprint :data:`bp`: Chalice 1.34 lets a blueprint declare an authorizer that routes reference
(``route(..., authorizer=officer_authorizer)``), deploys it as its own Lambda function once the
blueprint is registered on the app, and both ``chalice.test.Client`` and ``chalice local`` run it.
It verifies the same VNeID token with the same :func:`verify_access_token` at API Gateway, before
the API function is invoked. It is deliberately **not** attached by default:

- a TOKEN authorizer can make API Gateway answer 401 only by raising ``Exception("Unauthorized")``,
  which ``chalice local`` and the test client do not handle (the exception escapes); the portable
  refusal is a deny policy, which API Gateway answers with 403 and its own body. Attached, an
  expired token would get a 403 at the edge instead of 401 ``TOKEN_EXPIRED``, and the single-page
  app could no longer tell "log in again" from "not allowed";
- it cannot see roles (they come from the catalogue and depend on the route), so it never replaces
  the wrapper; and every distinct bad token still invokes it, so it is no shield against load
  (throttling does that).

Attaching it means: pass ``authorizer=officer_authorizer`` to ``route``, register :data:`bp` in
``app.py`` (``app.register_blueprint(auth.bp)``), give the function ``officer_authorizer`` (handler
``chalicelib.auth.officer_authorizer``, no table access, egress to the JWKS) its own entry in the
infrastructure, and map API Gateway's ``ACCESS_DENIED`` response to a 401 in hoso's error shape.

Officers: a VNeID login alone grants nothing — the token proves who the caller is, hoso's role
catalogue (``chalicelib.store.catalogue``) says what they may do. Integration clients (agencies'
systems, specialised software) present ``Bearer <client_id>.<secret>``; the catalogue keeps only a
SHA-256 of the secret, and a client acts only on the procedures it is scoped to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import jwt
from chalice import Blueprint
from chalice.app import AuthRequest, AuthResponse
from pydantic import BaseModel, Field
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib import outbound
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.clients import Capability, ClientKind, Grants
from chalicelib.domain.hmac_auth import verify_signature
from chalicelib.domain.process import ActionKind
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError, conflict, forbidden
from chalicelib.integrations import secrets as integration_secrets
from chalicelib.observability import logger
from chalicelib.services.officer_binding import bind_at_first_login
from chalicelib.settings import get_settings
from chalicelib.store.catalogue import get_officer
from chalicelib.store.models import CatalogueItem

# --- errors -------------------------------------------------------------------------------
# One stable code per situation; the message never says which check failed, and no error
# ever carries the token.


def _auth_required() -> HosoError:
    return HosoError("AUTH_REQUIRED", "Cần đăng nhập (mã xác thực Bearer) để thực hiện thao tác này.", 401)


def _invalid_token() -> HosoError:
    return HosoError("INVALID_TOKEN", "Mã xác thực không hợp lệ. Vui lòng đăng nhập lại.", 401)


def _token_expired() -> HosoError:
    return HosoError("TOKEN_EXPIRED", "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.", 401)


def _issuer_unavailable() -> HosoError:
    return HosoError(
        "AUTH_UNAVAILABLE",
        "Chưa kiểm tra được mã xác thực do dịch vụ VNeID không phản hồi. Vui lòng thử lại sau.",
        503,
    )


def _no_role() -> HosoError:
    return HosoError("NO_ROLE", "Tài khoản chưa được cấp quyền trên hệ thống.", 403)


def _invalid_client() -> HosoError:
    return HosoError("INVALID_CLIENT", "Thông tin xác thực của hệ thống tích hợp không hợp lệ.", 401)


# --- VNeID access tokens ------------------------------------------------------------------

ALGORITHMS = ("RS256", "ES256")  # asymmetric only: never "none", never HS* (key confusion)
LEEWAY_S = 30  # clock skew tolerated on exp, nbf and iat
MAX_TOKEN_CHARS = 8192  # refuse to parse anything bigger
JWKS_TIMEOUT_S = 3.0
JWKS_TTL_S = 600.0  # a key set is reused this long
JWKS_MIN_REFRESH_S = 30.0  # at most one fetch per this interval, whatever kids callers send
JWKS_MAX_STALE_S = 3600.0  # if the issuer is unreachable, keep using the last key set this long
JWKS_MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class Claims:
    """The verified claims of a VNeID access token."""

    sub: str
    name: str  # HoVaTen (VNeID) or name (standard OIDC); "" when absent
    issued_at: int
    expires_at: int
    raw: Mapping[str, Any]


class JwksUnavailableError(Exception):
    """No usable key set: the issuer's JWKS could not be fetched (recently enough)."""


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def fetch_jwks(url: str) -> dict[str, Any]:
    """The issuer's JSON Web Key Set. HTTPS, or plain HTTP to a loopback address (the local
    simulator); a short timeout and a size cap, so a slow or hostile endpoint costs little."""
    parts = urllib.parse.urlsplit(url)
    if not (parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname))):
        raise ValueError("the JWKS URL must use https (plain http only on a loopback address)")
    answer = outbound.call("GET", url, headers={"Accept": "application/json"}, timeout=JWKS_TIMEOUT_S,
                           max_bytes=JWKS_MAX_BYTES)  # fmt: skip
    if answer.status != 200:
        raise ValueError(f"JWKS answered HTTP {answer.status}")
    document = json.loads(answer.body)
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document")
    return document


def parse_jwks(document: Mapping[str, Any]) -> dict[str, jwt.PyJWK]:
    """Signing keys by kid; keys without a kid, for another use, or of another algorithm are ignored."""
    keys: dict[str, jwt.PyJWK] = {}
    for entry in document.get("keys", []):
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            continue
        try:
            key = jwt.PyJWK(entry)
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):  # a malformed key spoils only itself
            continue
        if key.algorithm_name in ALGORITHMS:
            keys[kid] = key
    return keys


class JwksCache:
    """The issuer's keys, cached in-process.

    Refetched when older than ``JWKS_TTL_S``, and once when a token names an unknown kid (key
    rotation) — but never more than once per ``JWKS_MIN_REFRESH_S``, so tokens with invented kids
    cannot make us hammer the issuer. When the issuer is unreachable the last key set keeps
    serving for ``JWKS_MAX_STALE_S``.
    """

    def __init__(self, url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.url = url
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # last successful fetch
        self._attempted_at: float | None = None  # last attempt, successful or not
        self._lock = threading.Lock()

    def key(self, kid: str) -> jwt.PyJWK | None:
        with self._lock:
            now = self._clock()
            if self._fetched_at is None or now - self._fetched_at >= JWKS_TTL_S or kid not in self._keys:
                self._refresh(now)
            if self._fetched_at is None or now - self._fetched_at >= JWKS_TTL_S + JWKS_MAX_STALE_S:
                raise JwksUnavailableError(self.url)
            return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        if self._attempted_at is not None and now - self._attempted_at < JWKS_MIN_REFRESH_S:
            return
        self._attempted_at = now
        try:
            keys = parse_jwks(fetch_jwks(self.url))
        except (outbound.GatewayError, ValueError) as exc:  # network, TLS, HTTP, JSON: keep old keys
            logger.warning("JWKS fetch failed", extra={"jwks_url": self.url, "error": type(exc).__name__})
            return
        self._keys, self._fetched_at = keys, now


_jwks_lock = threading.Lock()
_jwks: JwksCache | None = None


def _jwks_cache() -> JwksCache:
    """The cache for the configured JWKS URL (a new one if the configuration changed)."""
    global _jwks
    url = get_settings().vneid_jwks_url
    with _jwks_lock:
        if _jwks is None or _jwks.url != url:
            _jwks = JwksCache(url)
        return _jwks


def _refuse(reason: str, error: HosoError) -> HosoError:
    logger.info("access token refused", extra={"reason": reason, "error_code": error.code})
    return error


ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})  # RFC 9068 §2.1


def _is_access_token(header: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
    """An access token says so: ``token_use: "access"`` (VNeID, and its simulator) or the RFC 9068
    header ``typ: at+jwt``. An ID token — same issuer, same keys, same audience, and handed to the
    browser — says neither, and is refused: it proves a login to the app, not a grant to call hoso."""
    typ = header.get("typ")
    return payload.get("token_use") == "access" or (isinstance(typ, str) and typ.lower() in ACCESS_TOKEN_TYPES)


def verify_access_token(token: str) -> Claims:
    """Verify a VNeID access token (signature against the issuer's JWKS, iss, aud, exp, nbf, iat,
    and that it is an access token, not an ID token).

    Raises ``HosoError`` 401 ``INVALID_TOKEN`` / ``TOKEN_EXPIRED``, or 503 ``AUTH_UNAVAILABLE``
    when the issuer's keys cannot be had.
    """
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise _refuse("size", _invalid_token())
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _refuse("malformed", _invalid_token()) from None
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS:
        raise _refuse("algorithm", _invalid_token())
    if not isinstance(kid, str) or not kid:
        raise _refuse("kid missing", _invalid_token())
    try:
        key = _jwks_cache().key(kid)
    except JwksUnavailableError:
        raise _refuse("issuer keys unavailable", _issuer_unavailable()) from None
    if key is None:
        raise _refuse("unknown kid", _invalid_token())
    if key.algorithm_name != alg:
        raise _refuse("algorithm does not match key", _invalid_token())
    settings = get_settings()
    try:
        payload = jwt.decode(
            token,
            key.key,
            algorithms=[alg],
            audience=settings.vneid_audience,
            issuer=settings.vneid_issuer,
            leeway=LEEWAY_S,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise _refuse("expired", _token_expired()) from None
    except jwt.PyJWTError as exc:
        raise _refuse(type(exc).__name__, _invalid_token()) from None
    if not _is_access_token(header, payload):
        raise _refuse("not an access token", _invalid_token())
    sub = payload["sub"]
    if not isinstance(sub, str) or not sub.strip():
        raise _refuse("subject", _invalid_token())
    name = payload.get("HoVaTen") or payload.get("name") or ""
    return Claims(
        sub=sub,
        name=name if isinstance(name, str) else "",
        issued_at=int(payload["iat"]),
        expires_at=int(payload["exp"]),
        raw=payload,
    )


def _bearer(authorization: str | None, invalid: Callable[[], HosoError]) -> str:
    """The credential of an ``Authorization: Bearer <credential>`` header."""
    if authorization is None or not authorization.strip():
        raise _auth_required()
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential or " " in credential:
        raise invalid()
    return credential


# --- officers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """An officer acting now: who VNeID says they are, and what hoso's catalogue lets them do."""

    sub: str
    name: str
    profile: OfficerProfile

    @property
    def roles(self) -> set[Role]:
        return self.profile.roles


def authenticate_officer(authorization: str | None, any_of: Collection[Role] = ()) -> Principal:
    """The officer behind an ``Authorization`` header.

    401 without a valid VNeID token; 403 ``NO_ROLE`` without an active profile holding at least
    one role; 403 ``FORBIDDEN`` if ``any_of`` is given and the officer holds none of those roles
    in any unit.
    """
    claims = verify_access_token(_bearer(authorization, _invalid_token))
    profile = get_officer(claims.sub)
    if profile is None:
        profile = bind_at_first_login(claims.sub, claims.raw)
    if profile is None or not profile.active or not profile.assignments:
        logger.info("officer without role", extra={"sub": claims.sub, "known": profile is not None})
        raise _no_role()
    if any_of and not profile.roles & set(any_of):
        raise forbidden()
    return Principal(sub=claims.sub, name=profile.name, profile=profile)


def require_role_in_unit(principal: Principal, roles: Collection[Role], unit_code: str) -> None:
    """403 ``FORBIDDEN_UNIT`` unless the officer holds one of ``roles`` in ``unit_code``."""
    if not principal.profile.roles_in(unit_code) & set(roles):
        raise HosoError("FORBIDDEN_UNIT", "Bạn không có vai trò phù hợp tại đơn vị xử lý hồ sơ này.", 403)


def require_province(principal: Principal, province_code: str) -> None:
    """Administration of a province: the ministry admin everywhere, a province admin only in
    their own province. 403 ``FORBIDDEN_PROVINCE`` otherwise."""
    roles = principal.roles
    if Role.ADMIN in roles:
        return
    own = principal.profile.province_code
    if Role.PROVINCE_ADMIN in roles and own and own == province_code:
        return
    raise HosoError("FORBIDDEN_PROVINCE", "Bạn chỉ được quản trị dữ liệu của tỉnh mình.", 403)


# --- integration clients ------------------------------------------------------------------

CLIENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
_CLIENT_ID = re.compile(CLIENT_ID_PATTERN)
MAX_CLIENT_TOKEN_CHARS = 256


class IntegrationClient(BaseModel):
    """An integration client as the catalogue keeps it (``CLIENT#<id>`` / ``META``).

    What it may do is its ``kind`` and the ``capabilities`` (client routes), ``actions`` and
    ``leader_actions`` (process actions, specialised software only) an administrator granted it
    (``chalicelib.domain.clients``). A client stored without a kind may do nothing.

    Key rotation: the secret replaced by :func:`rotate_client` stays valid until
    ``previous_valid_until`` (a grace period for the client to deploy its new key); a second
    rotation within that period retires the older key at once. Every change after creation is a
    conditional write on the record as it was read (:func:`_replace_client`), so a rotation
    racing a revocation cannot bring a revoked client back."""

    client_id: str = Field(pattern=CLIENT_ID_PATTERN)
    name: str
    procedure_codes: list[str] = Field(default_factory=list)
    secret_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    active: bool = True
    kind: ClientKind | None = None
    capabilities: list[Capability] = Field(default_factory=list)
    actions: list[ActionKind] = Field(default_factory=list)
    leader_actions: bool = False
    unit_code: str | None = Field(None, description="A kiosk's unit (the one it serves); None for other kinds")
    created_at: dt.datetime | None = None
    rotated_at: dt.datetime | None = None
    previous_secret_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    previous_valid_until: dt.datetime | None = None
    revoked_at: dt.datetime | None = None

    def previous_valid(self, now: dt.datetime) -> bool:
        return (self.previous_secret_sha256 is not None and self.previous_valid_until is not None
                and now < self.previous_valid_until)

    @property
    def grants(self) -> Grants:
        return Grants(kind=self.kind, capabilities=frozenset(self.capabilities), actions=frozenset(self.actions),
                      leader_actions=self.leader_actions)  # fmt: skip


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


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


_NO_CLIENT_HASH = hash_secret(secrets.token_urlsafe(32))  # compared against when the client is unknown


def _client_item(client: IntegrationClient) -> CatalogueItem:
    return CatalogueItem(pk=f"CLIENT#{client.client_id}", sk="META", data=client.model_dump(mode="json"),
                         gsi1pk="TYPE#client", gsi1sk=client.client_id)  # fmt: skip


def put_client(client: IntegrationClient) -> None:
    """Create or replace a client, unconditionally (seeding and tests only; the admin routes
    use :func:`create_client` and the conditional changes below)."""
    _client_item(client).save()


def _read_client(client_id: str) -> tuple[IntegrationClient, Any] | None:
    """The client and its stored ``data`` exactly as read (what a conditional replace compares)."""
    try:
        item = CatalogueItem.get(f"CLIENT#{client_id}", "META", consistent_read=True)
    except DoesNotExist:
        return None
    return IntegrationClient.model_validate(item.data), item.data


def _client_to_change(client_id: str, *, active: bool) -> tuple[IntegrationClient, Any]:
    """The client as read for a conditional replace: 404 if unknown; with ``active``, 409
    ``CLIENT_REVOKED`` if it was revoked."""
    read = _read_client(client_id)
    if read is None:
        raise _unknown_client()
    if active and not read[0].active:
        raise _revoked()
    return read


def get_client(client_id: str) -> IntegrationClient | None:
    read = _read_client(client_id)
    return read[0] if read else None


def _changed_meanwhile() -> HosoError:
    return conflict("Hệ thống tích hợp vừa được thay đổi bởi thao tác khác; vui lòng tải lại và thử lại.",
                    "CLIENT_CHANGED")  # fmt: skip


def _replace_client(client: IntegrationClient, read_data: Any) -> None:
    """Store ``client`` only if its record is still what was read (409 ``CLIENT_CHANGED`` otherwise)."""
    try:
        _client_item(client).save(condition=CatalogueItem.data == read_data)
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise _changed_meanwhile() from None
        raise


def create_client(client_id: str, name: str, procedure_codes: list[str], now: dt.datetime | None = None, *,
                  kind: ClientKind, capabilities: Collection[Capability], actions: Collection[ActionKind] = (),
                  leader_actions: bool = False, unit_code: str | None = None) -> str:  # fmt: skip
    """Register a new client and return its bearer token ``<client_id>.<secret>`` — shown once,
    never stored (the catalogue keeps its SHA-256). 409 ``CLIENT_EXISTS`` if the id is taken.
    The grants are checked by the caller (``chalicelib.domain.clients.check_grants``)."""
    secret = secrets.token_urlsafe(32)
    client = IntegrationClient(
        client_id=client_id, name=name, procedure_codes=procedure_codes, secret_sha256=hash_secret(secret),
        created_at=now, kind=kind, capabilities=sorted(set(capabilities)), actions=sorted(set(actions)),
        leader_actions=leader_actions, unit_code=unit_code,
    )
    try:
        _client_item(client).save(condition=CatalogueItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise conflict("Mã hệ thống tích hợp đã tồn tại.", "CLIENT_EXISTS") from None
        raise
    return f"{client_id}.{secret}"


def authenticate_dvcqg(headers: Mapping[str, str], raw_body: bytes) -> str:
    """A DVCQG request's HMAC signature over its raw body (chalicelib.domain.hmac_auth): the key
    id that signed it; 401 ``MISSING_SIGNATURE``, ``UNKNOWN_KEY_ID``, ``STALE_TIMESTAMP`` or
    ``BAD_SIGNATURE`` otherwise."""
    keys = integration_secrets.get_json(get_settings().dvcqg_hmac_secret_id)
    return verify_signature(headers, raw_body, keys, time.time())


def authenticate_client(authorization: str | None) -> ClientPrincipal:
    """The integration client behind ``Authorization: Bearer <client_id>.<secret>``;
    401 ``INVALID_CLIENT`` for an unknown, inactive or wrong credential."""
    token = _bearer(authorization, _invalid_client)
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


def list_clients() -> list[IntegrationClient]:
    """Every integration client, by id (the ``TYPE#client`` index, no Scan)."""
    return [IntegrationClient.model_validate(i.data) for i in CatalogueItem.by_kind.query("TYPE#client")]


def _unknown_client() -> HosoError:
    return HosoError("NOT_FOUND", "Không tìm thấy hệ thống tích hợp.", 404)


def _revoked() -> HosoError:
    return conflict("Hệ thống tích hợp đã bị thu hồi quyền truy cập, không thể thay đổi.", "CLIENT_REVOKED")


def rotate_client(client_id: str, grace: dt.timedelta, now: dt.datetime) -> tuple[IntegrationClient, str]:
    """A new secret for ``client_id``: returns the client and its new bearer token (shown once).
    The old secret keeps working for ``grace``. 404 unknown client, 409 ``CLIENT_REVOKED``, 409
    ``CLIENT_CHANGED`` if the client changed since it was read (e.g. revoked meanwhile)."""
    client, data = _client_to_change(client_id, active=True)
    secret = secrets.token_urlsafe(32)
    rotated = client.model_copy(update={
        "secret_sha256": hash_secret(secret),
        "rotated_at": now,
        "previous_secret_sha256": client.secret_sha256 if grace > dt.timedelta(0) else None,
        "previous_valid_until": now + grace if grace > dt.timedelta(0) else None,
    })
    _replace_client(rotated, data)
    return rotated, f"{client_id}.{secret}"


def revoke_client(client_id: str, now: dt.datetime) -> IntegrationClient:
    """Refuse every key of ``client_id`` from now on (current and in grace). 404 unknown client;
    409 ``CLIENT_CHANGED`` if it changed since it was read (the administrator revokes again)."""
    client, data = _client_to_change(client_id, active=False)
    revoked = client.model_copy(update={
        "active": False, "revoked_at": client.revoked_at or now,
        "previous_secret_sha256": None, "previous_valid_until": None,
    })
    _replace_client(revoked, data)
    return revoked


def set_grants(client_id: str, kind: ClientKind, capabilities: Collection[Capability],
               actions: Collection[ActionKind], leader_actions: bool) -> IntegrationClient:  # fmt: skip
    """Replace what ``client_id`` may do (checked by the caller). 404 unknown, 409 ``CLIENT_REVOKED``
    / ``CLIENT_CHANGED``."""
    client, data = _client_to_change(client_id, active=True)
    updated = client.model_copy(update={"kind": kind, "capabilities": sorted(set(capabilities)),
                                        "actions": sorted(set(actions)), "leader_actions": leader_actions})
    _replace_client(updated, data)
    return updated


def require_procedure(client: ClientPrincipal, procedure_code: str) -> None:
    """403 ``FORBIDDEN_PROCEDURE`` unless the client is scoped to ``procedure_code``."""
    if procedure_code not in client.procedure_codes:
        raise HosoError("FORBIDDEN_PROCEDURE", "Hệ thống tích hợp không được cấp quyền với thủ tục này.", 403)


# --- the caller of the current request ----------------------------------------------------

Caller = Principal | ClientPrincipal
_caller: ContextVar[Caller | None] = ContextVar("hoso_caller", default=None)


@contextmanager
def acting_as(caller: Caller | None) -> Iterator[None]:
    """Make ``caller`` the current caller for the duration of a request (the route wrapper)."""
    token = _caller.set(caller)
    if caller is not None:
        who = f"officer:{caller.sub}" if isinstance(caller, Principal) else f"client:{caller.client_id}"
        logger.append_keys(caller=who)
    try:
        yield
    finally:
        _caller.reset(token)
        logger.remove_keys(["caller"])


def current_principal() -> Principal:
    """The officer of the current request; only on OFFICER, ADMIN and OPERATOR routes."""
    caller = _caller.get()
    if not isinstance(caller, Principal):
        raise RuntimeError("current_principal() is only available in a route with officer access")
    return caller


def current_client() -> ClientPrincipal:
    """The integration client of the current request; only on CLIENT routes."""
    caller = _caller.get()
    if not isinstance(caller, ClientPrincipal):
        raise RuntimeError("current_client() is only available in a route with client access")
    return caller


# --- API Gateway built-in authorizer (see the module docstring) ---------------------------

bp = Blueprint(__name__)


@bp.authorizer(name="officer_authorizer", ttl_seconds=300)
def officer_authorizer(auth_request: AuthRequest) -> AuthResponse:
    """Let through requests bearing a valid VNeID token; roles are checked by the route wrapper."""
    try:
        claims = verify_access_token(_bearer(auth_request.token, _invalid_token))
    except HosoError as err:
        logger.info("gateway authorizer refused", extra={"error_code": err.code})
        return AuthResponse(routes=[], principal_id="anonymous")
    # The policy is cached per token for ttl_seconds, so it must cover every route.
    return AuthResponse(routes=["*"], principal_id=claims.sub)
