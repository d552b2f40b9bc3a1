"""The unit's e-receipt provider over HTTP (docs/ereceipts.md is the contract).

One adapter for every provider: ``POST /v1/receipts`` (issue), ``POST /v1/receipts/{lookup}/cancel``,
``POST /v1/receipts/{lookup}/replace`` and ``GET /v1/receipts?date=yyyyMMdd`` (the day's receipts,
for the reconciliation). Every request carries ``X-Client-Id`` and ``X-Signature`` (lowercase hex
HMAC-SHA256 of ``METHOD\\nPATH\\nBODY`` under the credential's key); issue and replace carry
``Idempotency-Key`` (the receipt's id): the provider answers a repeated key with the receipt it
already issued, so a retry after a lost answer never issues two.

The same outbound style as the other adapters (``chalicelib.outbound``): short timeouts,
no redirects, answers above :data:`MAX_ANSWER_BYTES` refused; a call that cannot reach the
provider or meets a 5xx is tried :data:`ATTEMPTS` times with a short backoff, then
:class:`ProviderUnavailable` (the queue retries later). A 4xx is :class:`ProviderRefused`.

Configuration per unit (``HOSO_ERECEIPT_UNITS``, JSON ``{"<unit>": {"endpoint", "credential"}}``);
a unit without an entry uses ``ERECEIPT_BASE_URL`` with the credential ``default``. Credentials
are entries of the ``ereceipt-credentials`` secret: ``{"<credential>": {"client_id", "key"}}``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import outbound
from chalicelib.integrations import secrets
from chalicelib.settings import get_settings

TIMEOUT_S: Final = 8.0
ATTEMPTS: Final = 3
BACKOFF_S: Final = 0.2
MAX_ANSWER_BYTES: Final = 4 * 1024 * 1024  # a receipt's PDF and XML are tens of KB


class ProviderUnavailable(Exception):
    """The provider could not be reached, timed out or kept answering 5xx."""


class ProviderRefused(Exception):
    """The provider refused the request (4xx): ``code`` its error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class ProviderConfig:
    endpoint: str
    credential: str


@dataclass(frozen=True)
class Issued:
    """What the provider answers for a receipt."""

    number: str
    template: str
    series: str
    issued_at: str  # yyyyMMddHHmmss, Asia/Ho_Chi_Minh
    lookup_code: str
    amount: int
    status: str
    payment_ref: str
    pdf: bytes
    xml: bytes


def config_for(unit_code: str) -> ProviderConfig:
    settings = get_settings()
    entry = units().get(unit_code)
    if entry is not None:
        return entry
    return ProviderConfig(settings.ereceipt_base_url, "default")


def units() -> dict[str, ProviderConfig]:
    """The units' own providers (``HOSO_ERECEIPT_UNITS``); a malformed setting is an error, never
    a silent fall-back to the default provider (the receipt waits in the queue, then its DLQ)."""
    try:
        value = json.loads(get_settings().ereceipt_units or "{}")
    except ValueError:
        value = None
    entries = value.items() if isinstance(value, dict) else None
    if entries is None or not all(isinstance(e, dict) and str(e.get("endpoint", "")).startswith(("http://", "https://"))
                                  for _, e in entries):
        raise ProviderUnavailable('HOSO_ERECEIPT_UNITS must be {"<unit>": {"endpoint": "https://…", "credential"}}')
    return {str(unit): ProviderConfig(str(e["endpoint"]), str(e.get("credential") or "default")) for unit, e in entries}


def sign(key: str, method: str, path: str, body: bytes) -> str:
    return hmac.new(key.encode(), method.encode() + b"\n" + path.encode() + b"\n" + body, hashlib.sha256).hexdigest()


class Provider:
    def __init__(self, config: ProviderConfig, sleep: Any = time.sleep) -> None:
        self.config = config
        self._sleep = sleep

    def _credential(self) -> dict[str, str]:
        try:
            every = secrets.get_json(get_settings().ereceipt_secret_id)
        except (BotoCoreError, ClientError, ValueError) as err:
            raise ProviderUnavailable(f"the e-receipt secret cannot be read: {err}") from None
        found = every.get(self.config.credential) if isinstance(every, dict) else None
        if not isinstance(found, dict) or not found.get("key"):
            raise ProviderUnavailable(f"no credential {self.config.credential!r} in the e-receipt secret")
        return {"client_id": str(found.get("client_id", "hoso")), "key": str(found["key"])}

    def _call(self, method: str, path: str, payload: Any = None, key: str | None = None) -> dict[str, Any]:
        credential = self._credential()
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        headers = {"X-Client-Id": credential["client_id"],
                   "X-Signature": sign(credential["key"], method, path.split("?")[0], body)}
        if payload is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        if key:
            headers["Idempotency-Key"] = key
        url = self.config.endpoint.rstrip("/") + path
        problem = ""
        for attempt in range(ATTEMPTS):
            if attempt:
                self._sleep(BACKOFF_S * 2 ** (attempt - 1))
            try:
                answer = outbound.call(method, url, body or None, headers, TIMEOUT_S)
            except outbound.GatewayError as err:
                problem = str(err)
                continue
            if answer.status >= 500:
                problem = f"HTTP {answer.status}"
                continue
            if len(answer.body) >= MAX_ANSWER_BYTES:
                raise ProviderUnavailable(f"answer larger than {MAX_ANSWER_BYTES} bytes")
            try:
                data = answer.json()
            except outbound.GatewayError as err:
                raise ProviderUnavailable(str(err)) from None
            if not isinstance(data, dict):
                raise ProviderUnavailable("answer is not a JSON object")
            if answer.status >= 400:
                raise ProviderRefused(answer.status, str(data.get("error_code", "")), str(data.get("message", "")))
            return data
        raise ProviderUnavailable(f"{method} {path}: {problem}")

    def issue(self, request: dict[str, Any], key: str) -> Issued:
        return _issued(self._call("POST", "/v1/receipts", request, key))

    def replace(self, lookup_code: str, request: dict[str, Any], key: str) -> Issued:
        return _issued(self._call("POST", f"/v1/receipts/{lookup_code}/replace", request, key))

    def cancel(self, lookup_code: str, reason: str) -> str:
        answer = self._call("POST", f"/v1/receipts/{lookup_code}/cancel", {"reason": reason})
        receipt = answer.get("receipt")
        return str(receipt.get("status", "")) if isinstance(receipt, dict) else ""

    def day(self, date: str) -> list[dict[str, Any]]:
        """The receipts the provider issued on ``date`` (yyyyMMdd) for this client."""
        receipts = self._call("GET", f"/v1/receipts?date={date}").get("receipts")
        return [r for r in receipts if isinstance(r, dict)] if isinstance(receipts, list) else []


def _issued(answer: dict[str, Any]) -> Issued:
    receipt = answer.get("receipt")
    if not isinstance(receipt, dict):
        raise ProviderUnavailable("answer without a receipt")
    try:
        return Issued(number=str(receipt["number"]), template=str(receipt["template"]),
                      series=str(receipt["series"]), issued_at=str(receipt["issued_at"]),
                      lookup_code=str(receipt["lookup_code"]), amount=int(receipt["amount"]),
                      status=str(receipt.get("status", "issued")), payment_ref=str(receipt.get("payment_ref", "")),
                      pdf=base64.b64decode(str(answer.get("pdf", "")), validate=True),
                      xml=base64.b64decode(str(answer.get("xml", "")), validate=True))
    except (KeyError, ValueError, TypeError, binascii.Error) as err:
        raise ProviderUnavailable(f"malformed receipt in the answer: {err}") from None


def connect(unit_code: str) -> Provider:
    return Provider(config_for(unit_code))
