"""Client of DVCQG's synchronisation protocol (SPEC §7.2), for the targets that speak it: the
national portal (``dvcqg``), the coordination system (``coordinator``) and each province's
system (``province-<code>``, SPEC §7.11), each at its own configured endpoint
(:mod:`chalicelib.integrations.endpoints`).

Protocol, ``direct`` envelope: ``POST {base}/login`` ``{"username", "password"}`` →
``{"error_code": 0, "session"}``; ``POST {base}/service`` ``{"session", "madonvi", "service",
...}`` → ``{"error_code": 0, ...}``. ``lgsp`` envelope (a province's integration platform): the
same login; ``POST {base}/{service}?MaDinhDanhDV=<madonvi>&isUpdating=...`` (every field but
``data`` as a query parameter) with ``data`` as the bare JSON array body and the session as
``Authorization: Bearer``. Success is any integer-valued zero ``error_code`` (``0``, ``"0"``,
``"00"``: deployed systems answer each).

Sessions: one per target per process (a Lambda sandbox keeps it between invocations),
obtained on first use. A call answered ``error_code`` 401 (session unknown or expired) logs in
again and repeats that call once — a session expiring in the middle of a batch costs one
extra login, nothing else.

Failures: any other non-zero ``error_code``, an HTTP 5xx, an answer that is not the protocol's
JSON, a timeout or a network error raises :class:`SyncFailed`; the caller leaves the record to
be retried. ``TraCuuHoSo`` answering 404 is not a failure: the destination has no such dossier.

Credentials: a province's own secret (``HOSO_PROVINCES``), ``{"username", "password"}``; for
``dvcqg`` and ``coordinator`` the secret ``HOSO_DVCQG_CREDENTIALS_SECRET_ID``::

    {"username": "...", "password": "...",                      # used by both
     "coordinator": {"username": "...", "password": "..."}}     # optional, the coordinator's own
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from dataclasses import dataclass
from typing import Any, Final

from chalicelib import outbound
from chalicelib.integrations import secrets
from chalicelib.integrations.endpoints import PROVINCE_PREFIX, Endpoint, endpoint
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.sync.destinations import SYNC, SYNC_TITLES

DESTINATIONS: Final = SYNC  # ("dvcqg", "coordinator", "province"): chalicelib.sync.destinations
DESTINATION_NAMES: Final = SYNC_TITLES

CALL_TIMEOUT_S: Final = 8.0  # each read (chalicelib.outbound: the connection gets at most its own 3 s)
SESSION_EXPIRED: Final = 401
NOT_FOUND: Final = 404
MAX_ANSWER_BYTES: Final = 8 * 1024 * 1024


class SyncFailed(Exception):
    """A call to a destination did not succeed; the record must be sent again later."""

    def __init__(
        self,
        destination: str,
        service: str,
        reason: str,
        *,
        error_code: Any = None,
        http_status: int | None = None,
        details: Any = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(f"{destination} {service}: {reason}")
        self.destination = destination
        self.service = service
        self.reason = reason
        self.error_code = error_code
        self.http_status = http_status
        self.details = details
        self.unreachable = unreachable  # no answer from the destination (down, timeout, 5xx)


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


class NotConfigured(Exception):
    """A province without an endpoint in ``HOSO_PROVINCES``: its dossiers wait until it has one."""


def target_endpoint(target: str) -> Endpoint:
    found = endpoint(target)
    if found is None:
        raise NotConfigured(f"{target}: no endpoint in HOSO_PROVINCES")
    return found


def credentials(target: str) -> Credentials:
    """The account of ``target``: its own secret, or its entry of the shared secret (module doc)."""
    own_secret = target_endpoint(target).secret_id
    secret = secrets.get_json(own_secret or get_settings().dvcqg_credentials_secret_id)
    if not isinstance(secret, dict):
        raise SyncFailed(target, "login", "the credentials secret is not a JSON object")
    own = None if own_secret else secret.get(target)
    pair = own if isinstance(own, dict) else secret
    username, password = pair.get("username"), pair.get("password")
    if not isinstance(username, str) or not username or not isinstance(password, str) or not password:
        raise SyncFailed(target, "login", "no username/password for this destination in the credentials secret")
    return Credentials(username, password)


def base_url(target: str) -> str:
    return target_endpoint(target).base_url


def is_zero(code: Any) -> bool:
    """An integer-valued zero: ``0``, ``"0"``, ``"00"``, ``" 0 "`` (not ``False``, ``""``, ``0.5``)."""
    return _as_int(code) == 0


def is_ok(answer: dict[str, Any]) -> bool:
    return is_zero(answer.get("error_code"))


class SyncClient:
    """One destination's endpoint and session. Thread-safe; use :func:`client_for`."""

    def __init__(self, destination: str, timeout_s: float = CALL_TIMEOUT_S) -> None:
        self.destination = destination
        self.timeout_s = timeout_s
        self._session: str | None = None
        self._lock = threading.Lock()

    # --- HTTP --------------------------------------------------------------------------
    def _post(self, path: str, body: Any, service: str, *, query: dict[str, str] | None = None,
              session: str | None = None) -> dict[str, Any]:  # fmt: skip
        url = base_url(self.destination) + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if session is not None:
            headers["Authorization"] = f"Bearer {session}"
        try:  # any status is an answer: a 4xx/5xx body may still be the protocol's answer
            answer = outbound.call("POST", url, data, headers, self.timeout_s, max_bytes=MAX_ANSWER_BYTES)
        except outbound.GatewayError as err:
            reason = "timeout" if err.timeout else f"network error: {type(err.__cause__ or err).__name__}"
            raise SyncFailed(self.destination, service, reason, unreachable=True) from err
        status, raw = answer.status, answer.body
        if status >= 500:
            raise SyncFailed(self.destination, service, f"HTTP {status}", http_status=status, details=_text(raw),
                             unreachable=True)  # fmt: skip
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise SyncFailed(self.destination, service, f"HTTP {status}: the answer is not JSON",
                             http_status=status) from None  # fmt: skip
        if not isinstance(answer, dict) or "error_code" not in answer:
            raise SyncFailed(self.destination, service, f"HTTP {status}: the answer has no error_code",
                             http_status=status)  # fmt: skip
        return answer

    # --- session -------------------------------------------------------------------------
    def _login(self) -> str:
        account = credentials(self.destination)
        answer = self._post("/login", {"username": account.username, "password": account.password}, "login")
        session = answer.get("session")
        if not is_ok(answer) or not isinstance(session, str) or not session:
            raise SyncFailed(self.destination, "login", "login refused", error_code=answer.get("error_code"),
                             details=answer.get("message"))  # fmt: skip
        logger.info("sync session opened", extra={"destination": self.destination})
        return session

    def _current_session(self, renew: bool, stale: str | None) -> str:
        with self._lock:
            # Another thread may have renewed it already: renew only the session that failed.
            if self._session is None or (renew and self._session == stale):
                self._session = self._login()
            return self._session

    # --- calls ---------------------------------------------------------------------------
    def call(self, service: str, fields: dict[str, Any], *, accept: frozenset[int] = frozenset()) -> dict[str, Any]:
        """``POST /service``; renews the session once on 401. ``accept``: non-zero codes that are
        answers rather than failures (``TraCuuHoSo``'s 404)."""
        session = self._current_session(False, None)
        lgsp = target_endpoint(self.destination).envelope == "lgsp"
        for attempt in (1, 2):
            if lgsp:
                query = {"MaDinhDanhDV": get_settings().ministry_unit_code,
                         **{k: str(v) for k, v in fields.items() if k != "data"}}  # fmt: skip
                answer = self._post(f"/{service}", fields.get("data", []), service, query=query, session=session)
            else:
                envelope = {"session": session, "madonvi": get_settings().ministry_unit_code, "service": service,
                            **fields}  # fmt: skip
                answer = self._post("/service", envelope, service)
            code = answer.get("error_code")
            if _as_int(code) == SESSION_EXPIRED and attempt == 1:
                logger.info("sync session expired, logging in again", extra={"destination": self.destination})
                session = self._current_session(True, session)
                continue
            if is_ok(answer) or _as_int(code) in accept:
                return answer
            raise SyncFailed(self.destination, service, f"error_code {code}: {answer.get('message', '')}",
                             error_code=code, details=answer.get("errors"))  # fmt: skip
        raise AssertionError("unreachable: the second attempt returns or raises")

    def send(self, request: dict[str, Any]) -> dict[str, Any]:
        """A call built by :mod:`chalicelib.sync.payloads` (``{"service": ..., <fields>}``)."""
        fields = {k: v for k, v in request.items() if k != "service"}
        return self.call(str(request["service"]), fields)

    def look_up(self, code: str) -> dict[str, Any] | None:
        """``TraCuuHoSo``: ``{"HoSo": <dossier record>, "TienDo": [<progress records>]}``, or None
        if the destination has no such dossier."""
        answer = self.call("TraCuuHoSo", {"MaHoSo": code}, accept=frozenset({NOT_FOUND}))
        if not is_ok(answer):
            return None
        data = answer.get("data")
        if not isinstance(data, dict):
            raise SyncFailed(self.destination, "TraCuuHoSo", "the answer has no data object")
        return data


def _as_int(value: Any) -> int | None:
    """The integer an ``error_code`` stands for: an int, or a string of decimal digits (a sign
    and surrounding blanks allowed); None for anything else (booleans, floats, text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return None


_INTEGER: Final = re.compile(r"[+-]?[0-9]+")


def _text(raw: bytes) -> str:
    return raw[:500].decode("utf-8", errors="replace")


_clients: dict[str, SyncClient] = {}
_clients_lock = threading.Lock()


def client_for(destination: str) -> SyncClient:
    """The process-wide client of the target ``destination`` (``dvcqg``, ``coordinator``,
    ``province-<code>``); its session is reused across invocations."""
    if destination not in DESTINATIONS[:2] and not destination.startswith(PROVINCE_PREFIX):
        raise ValueError(f"unknown sync target {destination!r}")
    with _clients_lock:
        if destination not in _clients:
            _clients[destination] = SyncClient(destination)
        return _clients[destination]


def reset_clients() -> None:
    """Forget every session (tests and the local stack change endpoints and credentials)."""
    with _clients_lock:
        _clients.clear()
