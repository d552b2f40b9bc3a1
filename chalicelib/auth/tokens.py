"""VNeID access tokens (SPEC §6): the issuer's keys (fetched, cached, refreshed on rotation, kept
while the issuer is down) and :func:`verify_access_token`, the checks every officer's request
passes (signature, issuer, audience, times, and that it is an access token, not an ID token)."""

from __future__ import annotations

import ipaddress
import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from chalicelib import outbound
from chalicelib.errors import HosoError
from chalicelib.observability import logger
from chalicelib.settings import get_settings

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
        raise _refuse("size", invalid_token())
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _refuse("malformed", invalid_token()) from None
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS:
        raise _refuse("algorithm", invalid_token())
    if not isinstance(kid, str) or not kid:
        raise _refuse("kid missing", invalid_token())
    try:
        key = _jwks_cache().key(kid)
    except JwksUnavailableError:
        raise _refuse("issuer keys unavailable", _issuer_unavailable()) from None
    if key is None:
        raise _refuse("unknown kid", invalid_token())
    if key.algorithm_name != alg:
        raise _refuse("algorithm does not match key", invalid_token())
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
        raise _refuse(type(exc).__name__, invalid_token()) from None
    if not _is_access_token(header, payload):
        raise _refuse("not an access token", invalid_token())
    sub = payload["sub"]
    if not isinstance(sub, str) or not sub.strip():
        raise _refuse("subject", invalid_token())
    name = payload.get("HoVaTen") or payload.get("name") or ""
    return Claims(
        sub=sub,
        name=name if isinstance(name, str) else "",
        issued_at=int(payload["iat"]),
        expires_at=int(payload["exp"]),
        raw=payload,
    )


def invalid_token() -> HosoError:
    return HosoError("INVALID_TOKEN", "Mã xác thực không hợp lệ. Vui lòng đăng nhập lại.", 401)


def _token_expired() -> HosoError:
    return HosoError("TOKEN_EXPIRED", "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.", 401)


def _issuer_unavailable() -> HosoError:
    return HosoError(
        "AUTH_UNAVAILABLE",
        "Chưa kiểm tra được mã xác thực do dịch vụ VNeID không phản hồi. Vui lòng thử lại sau.",
        503,
    )
