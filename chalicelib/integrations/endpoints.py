"""Where each sync target is, how to reach it and with which account (SPEC §7.2, §7.11).

A *destination* is one of hoso's three sync channels (``dvcqg``, ``coordinator``,
``province``: a queue and a handler each). A *target* is the system a record is sent to:
``dvcqg``, ``coordinator``, or one province's system ``province-<code>`` (``province-79``).

Settings (stage configuration, infra/config.py):

``HOSO_PROVINCES``
    JSON object, province code (chalicelib/domain/provinces.py) → ``{"url": base URL,
    "secret": Secrets Manager id of ``{"username", "password"}``, "envelope": "direct" |
    "lgsp" (optional, default "direct")}``. A province absent from it receives nothing: its
    dossiers wait (and reach the dead-letter queue) until it is configured.
``HOSO_SYNC_ENVELOPES``
    JSON object, ``dvcqg`` / ``coordinator`` → ``"direct"`` | ``"lgsp"`` (default "direct").

Envelopes: ``direct`` is ``POST {url}/service`` with ``{"session", "madonvi", "service", ...}``;
``lgsp`` is the provinces' integration platform's style, ``POST {url}/{service}?MaDinhDanhDV=
<madonvi>&isUpdating=...`` with the records as a bare JSON array and the session as a bearer
token (chalicelib/integrations/dvcqg.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal

from chalicelib.domain.provinces import PROVINCES
from chalicelib.settings import get_settings

ENVELOPES: Final = ("direct", "lgsp")
PROVINCE_PREFIX: Final = "province-"
Envelope = Literal["direct", "lgsp"]


class EndpointError(ValueError):
    """The endpoint settings are malformed (the message names the culprit)."""


@dataclass(frozen=True)
class Endpoint:
    target: str
    base_url: str
    envelope: Envelope
    secret_id: str | None  # None: the shared credentials secret (HOSO_DVCQG_CREDENTIALS_SECRET_ID)


def province_target(province_code: str) -> str:
    return f"{PROVINCE_PREFIX}{province_code}"


def _object(raw: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError as err:
        raise EndpointError(f"{name} is not JSON: {err}") from None
    if not isinstance(value, dict):
        raise EndpointError(f"{name} must be a JSON object")
    return value


def _envelope(value: Any, where: str) -> Envelope:
    if value is None:
        return "direct"
    if value not in ENVELOPES:
        raise EndpointError(f"{where}: envelope must be one of {list(ENVELOPES)}, not {value!r}")
    return value


def parse_provinces(raw: str) -> dict[str, Endpoint]:
    """``HOSO_PROVINCES`` checked: known province codes, a URL and a secret each, a known envelope."""
    out = {}
    for code, entry in _object(raw, "HOSO_PROVINCES").items():
        where = f"HOSO_PROVINCES[{code!r}]"
        if code not in PROVINCES:
            raise EndpointError(f"{where}: not one of the 34 province codes")
        if not isinstance(entry, dict) or set(entry) - {"url", "secret", "envelope"}:
            raise EndpointError(f'{where}: must be {{"url", "secret", "envelope"?}}')
        url, secret = entry.get("url"), entry.get("secret")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise EndpointError(f"{where}: url must be an http(s) URL")
        if not isinstance(secret, str) or not secret:
            raise EndpointError(f"{where}: secret must name the Secrets Manager secret of its account")
        target = province_target(code)
        out[code] = Endpoint(target, url.rstrip("/"), _envelope(entry.get("envelope"), where), secret)
    return out


def parse_envelopes(raw: str) -> dict[str, Envelope]:
    """``HOSO_SYNC_ENVELOPES`` checked."""
    value = _object(raw, "HOSO_SYNC_ENVELOPES")
    unknown = set(value) - {"dvcqg", "coordinator"}
    if unknown:
        raise EndpointError(f"HOSO_SYNC_ENVELOPES: unknown destinations {sorted(unknown)}")
    return {k: _envelope(v, f"HOSO_SYNC_ENVELOPES[{k!r}]") for k, v in value.items()}


@cache
def _provinces(raw: str) -> dict[str, Endpoint]:
    return parse_provinces(raw)


def provinces() -> dict[str, Endpoint]:
    """The configured provinces' endpoints, by province code."""
    return _provinces(get_settings().provinces)


def endpoint(target: str) -> Endpoint | None:
    """The endpoint of ``target``; None for a province that is not configured."""
    s = get_settings()
    if target.startswith(PROVINCE_PREFIX):
        return provinces().get(target.removeprefix(PROVINCE_PREFIX))
    urls = {"dvcqg": s.dvcqg_base_url, "coordinator": s.coordinator_base_url}
    if target not in urls:
        raise ValueError(f"unknown sync target {target!r}")
    envelope = parse_envelopes(s.sync_envelopes).get(target, "direct")
    return Endpoint(target, urls[target].rstrip("/"), envelope, None)
