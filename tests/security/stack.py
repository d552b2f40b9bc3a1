"""One local stack per test process, shared by the security and fault suites (and with the e2e
tier's, when that one is already running: the app, moto's state and every AWS client live once
per process, so a second stack beside a running one would only fight over the environment).

Callers: an officer of any role with a VNeID token from the simulator, an integration client,
anonymous, and DVCQG signing its requests — each an HTTP session against the stack's API."""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from chalicelib.domain.hmac_auth import sign
from local.simulators import DEFAULT_PORTS
from local.stack import LocalStack

# The keys the e2e tier's stack is started with (tests/e2e/conftest.py): one stack serves both.
HMAC_KEYS = {"dvcqg-2026": "e2e-secret", "dvcqg-2025": "old-secret"}
SIGNING_KEY_ID = "dvcqg-2026"


def running_stack() -> LocalStack | None:
    """The LocalStack already serving in this process (started by another tier's fixture), if any."""
    for obj in gc.get_objects():
        if isinstance(obj, LocalStack) and obj.api_url and obj.dispatcher is not None:
            return obj
    return None


@contextmanager
def shared_stack() -> Iterator[LocalStack]:
    existing = running_stack()
    if existing is not None:
        yield existing
        return
    env = {
        **os.environ,
        "HOSO_API_PORT": "0",
        "MOTO_PORT": "0",
        "HOSO_WEB_PORT": "0",
        "HOSO_DVCQG_HMAC_KEYS": json.dumps(HMAC_KEYS),
        **{f"SIM_{name.upper()}_PORT": "0" for name in DEFAULT_PORTS},
    }
    with LocalStack(env) as started:
        yield started


def simulator_url(stack: LocalStack, name: str) -> str:
    return next(s.url for s in stack.simulators if s.name == name)


class Caller:
    """Someone calling the API: ``authorization`` is the header value (None: anonymous)."""

    def __init__(self, api: str, name: str, authorization: str | None = None, *, sub: str = "",
                 unit_code: str = "") -> None:
        self.api = api
        self.name = name
        self.sub = sub
        self.unit_code = unit_code
        self.session = requests.Session()
        if authorization:
            self.session.headers["Authorization"] = authorization

    def __repr__(self) -> str:
        return f"Caller({self.name})"

    def request(self, method: str, path: str, *, body: Any = None, raw: bytes | None = None,
                headers: dict[str, str] | None = None, params: dict[str, str] | None = None,
                timeout: float = 60) -> requests.Response:
        data = raw if raw is not None else (None if body is None else json.dumps(body, ensure_ascii=False).encode())
        sent = {"Content-Type": "application/json", **(headers or {})} if data is not None else dict(headers or {})
        return self.session.request(method, f"{self.api}{path}", data=data, headers=sent, params=params,
                                    timeout=timeout)

    def get(self, path: str, **params: str) -> requests.Response:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, body: Any = None) -> requests.Response:
        return self.request("POST", path, body=body)

    def act(self, code: str, action: str, **fields: Any) -> requests.Response:
        return self.post(f"/v1/dossiers/{code}/actions", {"action": action, **fields})


def officer(stack: LocalStack, name: str, sub: str, unit_code: str = "") -> Caller:
    """An officer logged in through the VNeID simulator (the account must be known to it)."""
    answer = requests.post(f"{simulator_url(stack, 'vneid')}/_sim/token", json={"sub": sub}, timeout=10)
    answer.raise_for_status()
    return Caller(stack.api_url, name, f"Bearer {answer.json()['access_token']}", sub=sub, unit_code=unit_code)


def signed_headers(raw: bytes, key_id: str = SIGNING_KEY_ID, ts: int | None = None) -> dict[str, str]:
    """DVCQG's HMAC headers (SPEC §7.1) for ``raw``."""
    ts = int(time.time()) if ts is None else ts
    return {"X-Hoso-Key-Id": key_id, "X-Hoso-Timestamp": str(ts),
            "X-Hoso-Signature": sign(HMAC_KEYS[key_id], raw, ts)}


class DvcqgCaller(Caller):
    """DVCQG: no bearer credential, every request signed over its raw body."""

    def request(self, method: str, path: str, *, body: Any = None, raw: bytes | None = None,
                headers: dict[str, str] | None = None, params: dict[str, str] | None = None,
                timeout: float = 60) -> requests.Response:
        data = raw if raw is not None else json.dumps(body if body is not None else {}, ensure_ascii=False).encode()
        return super().request(method, path, raw=data, headers={**signed_headers(data), **(headers or {})},
                               params=params, timeout=timeout)
