"""Every call hoso makes to an outside party over HTTP goes through here: DVCQG, the coordinator
and the provinces, the population database, eSign, the payment platform, the postal service,
messaging, e-receipt providers, the agencies, VNeID's keys, the language model, the files
DVCQG names.

- **Timeouts**: ``connect_timeout`` to open the connection, ``timeout`` for each read.
- **No redirects**: a 3xx is an answer like any other status, never followed (a redirect could
  lead to an internal address).
- **Size cap**: the answer is read in chunks and refused past ``max_bytes``.
- **Where it connects**: the host name is resolved once, here; every address must be public
  (not private, loopback, link-local, reserved… — ``ipaddress``'s ``is_global``) and the
  connection goes to the address that was checked (TLS still verified for the host name), so
  DNS rebinding between the check and the connection cannot happen. The one exception is the
  setting ``HOSO_OUTBOUND_PRIVATE_HOSTS`` (``host`` or ``host:port``, comma-separated): the
  local stack and the tests list their simulators there (127.0.0.1); a deployment's
  configuration refuses it (``infra/config.py``). ``private_allowed=False`` ignores it.
- **Retries**: idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are tried again, after a
  short backoff, when the connection was refused or reset before an answer; never a POST.
- **One log line per call**: destination (scheme, host, port), method, status or error,
  duration — never the path, the query or a body (they may carry personal data).

Any HTTP status is an :class:`Answer`; anything else (unreachable, timeout, refused address,
oversized or cut answer) is a :class:`GatewayError`."""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from chalicelib.observability import logger
from chalicelib.settings import get_settings

TIMEOUT_S: Final = 10.0
CONNECT_TIMEOUT_S: Final = 3.0
MAX_ANSWER_BYTES: Final = 16 * 1024 * 1024
IDEMPOTENT: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
ATTEMPTS: Final = 3  # of an idempotent call whose connection was refused or reset
BACKOFF_S: Final = 0.2  # before the second attempt; doubled before each next one
CHUNK: Final = 64 * 1024


class GatewayError(Exception):
    """The party could not be reached or answered something unreadable."""

    def __init__(self, message: str, *, timeout: bool = False) -> None:
        super().__init__(message)
        self.timeout = timeout


class AddressRefused(GatewayError):
    """The address names an internal host (or is not an http(s) address hoso calls)."""


class AnswerTooLarge(GatewayError):
    """The answer is longer than the call's ``max_bytes``."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise GatewayError(f"answer is not JSON (HTTP {self.status})") from None


def _allowed_private(host: str, port: int) -> bool:
    """``host`` (on ``port``) is listed in ``HOSO_OUTBOUND_PRIVATE_HOSTS`` (``name`` or ``name:port``)."""
    for entry in filter(None, (e.strip().lower() for e in get_settings().outbound_private_hosts.split(","))):
        name, has_port, only_port = entry.partition(":")
        if name == host.lower() and (not has_port or only_port == str(port)):
            return True
    return False


def checked_address(host: str, port: int, *, private_allowed: bool = True) -> str:
    """The address to connect to: ``host`` resolved once, every answer public (or the host listed
    in ``HOSO_OUTBOUND_PRIVATE_HOSTS`` when ``private_allowed``)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise GatewayError(f"cannot resolve: {type(err).__name__}") from None
    addresses = list(dict.fromkeys(str(a[4][0]) for a in answers))
    if not addresses:
        raise GatewayError("no address")
    if private_allowed and _allowed_private(host, port):
        return addresses[0]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise AddressRefused("the host resolves to an internal address")
    return addresses[0]


class _Pinned(http.client.HTTPConnection):
    """HTTP to one already-checked address; the Host header names the host."""

    def __init__(self, host: str, port: int, address: str, connect_timeout: float, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address, self._connect_timeout = address, connect_timeout

    def _open(self) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), self._connect_timeout)
        sock.settimeout(self.timeout)
        return sock

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedTLS(_Pinned):
    """HTTPS to one already-checked address; TLS (SNI, certificate) and Host name the host."""

    default_port = 443

    def __init__(self, host: str, port: int, address: str, connect_timeout: float, timeout: float,
                 context: ssl.SSLContext) -> None:  # fmt: skip
        super().__init__(host, port, address, connect_timeout, timeout)
        self._tls = context

    def connect(self) -> None:
        self.sock = self._tls.wrap_socket(self._open(), server_hostname=self.host)


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str

    @property
    def destination(self) -> str:  # what the log names: never the path or query
        return f"{self.scheme}://{self.host}:{self.port}"


def _target(url: str) -> _Target:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("only http(s) addresses are called")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("no credentials in the address")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("invalid port") from None
    return _Target(scheme, parts.hostname, port, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))


def _once(method: str, target: _Target, body: bytes | None, headers: dict[str, str], timeout: float,
          connect_timeout: float, max_bytes: int, private_allowed: bool,
          tls: ssl.SSLContext | None) -> Answer:  # fmt: skip
    host, port = target.host, target.port
    address = checked_address(host, port, private_allowed=private_allowed)
    connection = (_PinnedTLS(host, port, address, connect_timeout, timeout, tls or ssl.create_default_context())
                  if target.scheme == "https" else _Pinned(host, port, address, connect_timeout, timeout))  # fmt: skip
    try:
        connection.request(method, target.path, body, {"User-Agent": "hoso", **headers})
        answer = connection.getresponse()  # http.client never follows a redirect
        content = bytearray()
        while chunk := answer.read(CHUNK):
            content += chunk
            if len(content) > max_bytes:
                raise AnswerTooLarge(f"answer over {max_bytes} bytes")
        return Answer(answer.status, bytes(content), answer.headers.get("Content-Type", ""))
    except TimeoutError:
        raise GatewayError(f"{method} {target.destination}: timeout", timeout=True) from None
    except (http.client.HTTPException, OSError) as err:
        raise GatewayError(f"{method} {target.destination}: {type(err).__name__}") from err
    finally:
        connection.close()


def call(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = TIMEOUT_S, *, connect_timeout: float = CONNECT_TIMEOUT_S,
         max_bytes: int = MAX_ANSWER_BYTES, attempts: int | None = None, private_allowed: bool = True,
         tls: ssl.SSLContext | None = None) -> Answer:  # fmt: skip
    """One request (module doc); ``attempts`` defaults to :data:`ATTEMPTS` for an idempotent
    method and is always 1 for any other."""
    method = method.upper()
    tries = 1 if method not in IDEMPOTENT else (ATTEMPTS if attempts is None else max(1, attempts))
    target = _target(url)
    attempt = 0
    while True:
        attempt += 1
        started = time.monotonic()
        try:
            answer = _once(method, target, body, headers or {}, timeout, min(connect_timeout, timeout), max_bytes,
                           private_allowed, tls)  # fmt: skip
        except GatewayError as err:
            retry = attempt < tries and isinstance(err.__cause__, ConnectionError)
            logger.warning("outbound call failed", extra={
                "destination": target.destination, "method": method, "error": type(err.__cause__ or err).__name__,
                "timeout": err.timeout, "attempt": attempt, "retrying": retry,
                "duration_ms": round((time.monotonic() - started) * 1000)})  # fmt: skip
            if not retry:
                raise
            time.sleep(BACKOFF_S * 2 ** (attempt - 1))
            continue
        logger.info("outbound call", extra={
            "destination": target.destination, "method": method, "status": answer.status, "attempt": attempt,
            "duration_ms": round((time.monotonic() - started) * 1000)})  # fmt: skip
        return answer


def post_json(url: str, payload: Any, headers: dict[str, str] | None = None, timeout: float = TIMEOUT_S) -> Answer:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return call("POST", url, data, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, timeout)
