"""The whole local stack (moto provisioned from the synthesised template, simulators, seed,
the Chalice app over HTTP, the dispatcher) started once for the e2e tier, on free ports."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from chalicelib.domain.hmac_auth import sign
from local.simulators import DEFAULT_PORTS
from local.simulators.accounts import DEMO_ACCOUNTS
from local.stack import LocalStack

HMAC_KEYS = {"dvcqg-2026": "e2e-secret", "dvcqg-2025": "old-secret"}


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    env = {
        **os.environ,
        "HOSO_API_PORT": "0",
        "MOTO_PORT": "0",
        "HOSO_WEB_PORT": "0",
        "HOSO_DVCQG_HMAC_KEYS": json.dumps(HMAC_KEYS),
        **{f"SIM_{name.upper()}_PORT": "0" for name in DEFAULT_PORTS},
    }
    with LocalStack(env) as running:
        yield running


@pytest.fixture(scope="session")
def api(stack: LocalStack) -> str:
    return stack.api_url


def simulator(stack: LocalStack, name: str) -> str:
    return next(s.url for s in stack.simulators if s.name == name)


def account(role: str, unit_code: str) -> dict[str, str]:
    return next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit_code)


class Officer:
    """An officer's HTTP session with a VNeID token from the simulator."""

    def __init__(self, stack: LocalStack, role: str, unit_code: str) -> None:
        self.account = account(role, unit_code)
        answer = requests.post(f"{simulator(stack, 'vneid')}/_sim/token",
                               json={"SoDinhDanh": self.account["SoDinhDanh"]}, timeout=10)
        answer.raise_for_status()
        self.api = stack.api_url
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    @property
    def sub(self) -> str:
        return self.account["sub"]

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(f"{self.api}{path}", headers=self.headers, params=params, timeout=30)

    def post(self, path: str, body: Any) -> requests.Response:
        return requests.post(f"{self.api}{path}", headers=self.headers, json=body, timeout=30)

    def all_pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a paginated list, following the opaque cursors."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.get(path, **params, limit=100, **({"cursor": cursor} if cursor else {}))
            assert page.status_code == 200, page.text
            items += page.json()["items"]
            cursor = page.json()["cursor"]
            if not cursor:
                return items

    def put(self, path: str, body: Any) -> requests.Response:
        return requests.put(f"{self.api}{path}", headers=self.headers, json=body, timeout=30)

    def act(self, code: str, action: str, **fields: Any) -> requests.Response:
        return self.post(f"/v1/dossiers/{code}/actions", {"action": action, **fields})


def post_signed(api: str, body: dict[str, Any], key_id: str = "dvcqg-2026", ts: int | None = None,
                raw: bytes | None = None, timeout: float = 30) -> requests.Response:
    raw = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    ts = int(time.time()) if ts is None else ts
    headers = {"Content-Type": "application/json", "X-Hoso-Key-Id": key_id, "X-Hoso-Timestamp": str(ts),
               "X-Hoso-Signature": sign(HMAC_KEYS.get(key_id, "unknown"), raw, ts)}
    return requests.post(f"{api}/v1/dvcqg/dossiers", data=raw, headers=headers, timeout=timeout)
