"""JSON and raw bytes over HTTP to the outside parties' gateways (eSign, payment platform,
postal service): short timeouts, no redirects, and one error type for every way a call
can fail, so callers answer the officer "try again later" instead of a 500."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT_S = 10.0
MAX_ANSWER_BYTES = 16 * 1024 * 1024


class GatewayError(Exception):
    """The party could not be reached or answered something unreadable."""


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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect())


def call(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = TIMEOUT_S) -> Answer:
    """One request; any HTTP status is an answer, anything else a :class:`GatewayError`."""
    if not url.startswith(("http://", "https://")):
        raise GatewayError("only http(s) addresses are called")
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310 — scheme checked
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return Answer(answer.status, answer.read(MAX_ANSWER_BYTES), answer.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as err:
        return Answer(err.code, err.read(MAX_ANSWER_BYTES), err.headers.get("Content-Type", "") if err.headers else "")
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise GatewayError(f"{method} {url}: {err}") from None


def post_json(url: str, payload: Any, headers: dict[str, str] | None = None, timeout: float = TIMEOUT_S) -> Answer:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return call("POST", url, data, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, timeout)
