"""HTTP callers of the benchmark's local stack: officers with VNeID tokens from the simulator,
DVCQG signing its posts (SPEC §7.1). Every request's wall time is kept (the API function's
duration, as the client sees it)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from chalicelib.domain.hmac_auth import sign
from local.simulators.accounts import DEMO_ACCOUNTS
from local.stack import LocalStack

HMAC_KEYS = {"bench-2026": "bench-secret"}

# A result handed over at the desk (POST /v1/dossiers/{code}/delivery): the bare action is refused for
# desk and postal returns. A proxy with an authorisation, so any bench dossier's applicant will do.
DELIVERY: dict[str, Any] = {
    "receiver": {"name": "Trần Văn Nhận", "id_number": "079090009999",
                 "authorisation": "Giấy ủy quyền số 12/UQ, chứng thực tại UBND phường"},
    "id_checked": True, "originals_checked": True}


def simulator(stack: LocalStack, name: str) -> str:
    return next(s.url for s in stack.simulators if s.name == name)


@dataclass
class Timings:
    """Wall time of every API request made through the callers sharing it."""

    seconds: list[float] = field(default_factory=list)

    def mark(self) -> int:
        return len(self.seconds)

    def since(self, mark: int) -> list[float]:
        return self.seconds[mark:]


class Caller:
    def __init__(self, api: str, timings: Timings, authorization: str | None = None, sub: str = "") -> None:
        self.api, self.timings, self.sub = api, timings, sub
        self.session = requests.Session()
        if authorization:
            self.session.headers["Authorization"] = authorization

    def request(self, method: str, path: str, body: Any = None, raw: bytes | None = None,
                headers: dict[str, str] | None = None, **params: str) -> requests.Response:
        data = raw if raw is not None else (None if body is None else json.dumps(body, ensure_ascii=False).encode())
        sent = {"Content-Type": "application/json", **(headers or {})} if data is not None else headers
        started = time.perf_counter()
        answer = self.session.request(method, f"{self.api}{path}", data=data, headers=sent, params=params or None,
                                      timeout=120)
        self.timings.seconds.append(time.perf_counter() - started)
        return answer

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **params: str) -> Any:
        answer = self.request(method, path, body, **params)
        if answer.status_code != status:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def act(self, code: str, action: str, **fields: Any) -> Any:
        return self.ok("POST", f"/v1/dossiers/{code}/actions", {"action": action, **fields})

    def deliver(self, code: str) -> Any:
        return self.ok("POST", f"/v1/dossiers/{code}/delivery", DELIVERY)


def officer(stack: LocalStack, timings: Timings, role: str, unit: str, sub: str | None = None) -> Caller:
    sub = sub or next(a["sub"] for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit)
    answer = requests.post(f"{simulator(stack, 'vneid')}/_sim/token", json={"sub": sub}, timeout=10)
    answer.raise_for_status()
    return Caller(stack.api_url, timings, f"Bearer {answer.json()['access_token']}", sub)


class Dvcqg(Caller):
    def post_dossier(self, body: dict[str, Any]) -> requests.Response:
        raw = json.dumps(body, ensure_ascii=False).encode()
        ts = int(time.time())
        headers = {"X-Hoso-Key-Id": "bench-2026", "X-Hoso-Timestamp": str(ts),
                   "X-Hoso-Signature": sign(HMAC_KEYS["bench-2026"], raw, ts)}
        return self.request("POST", "/v1/dvcqg/dossiers", raw=raw, headers=headers)
