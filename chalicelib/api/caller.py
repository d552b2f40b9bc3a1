"""Who is calling, as far as rate limits are concerned: the client's address.

API Gateway's ``sourceIp`` is the address that opened the connection. Citizens and partners
that reach hoso through the government integration gateway (NGSP/LGSP) all arrive from the
gateway's few addresses, so a limit keyed on ``sourceIp`` alone lets one abuser lock everyone
behind the gateway out. The gateway appends the address it received the request from to
``X-Forwarded-For``; anything to the left of that entry was written by the caller and proves
nothing.

So: only when ``sourceIp`` is one of the trusted proxies (``HOSO_TRUSTED_PROXIES``, CIDRs,
comma-separated; empty by default — then the header is never read) is ``X-Forwarded-For``
consulted, and then from the right: the entries after the last occurrence of ``sourceIp``
(API Gateway's own additions, e.g. CloudFront's edge address) are dropped, entries inside the
trusted networks are skipped (proxy chains), and the first remaining address is the client.
An entry that is not an IP address ends the walk at the proxy's own address, so a caller can
never pick its own key. (API Gateway appends the connection's address itself, so the proxy's
entry is found even when a caller names the proxy in its own header; were it not to, such a
caller would only land in the proxy's own key, which is limited too.) A direct caller (not
from a trusted proxy) is its ``sourceIp`` whatever headers it sends.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from chalicelib.settings import get_settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


def _ip(text: str | None) -> Address | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 2001:db8::/32"`` → networks; ValueError on anything else."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


@lru_cache(maxsize=8)
def _configured(text: str) -> tuple[Network, ...]:
    return parse_networks(text)


def trusted_proxies() -> tuple[Network, ...]:
    return _configured(get_settings().trusted_proxies)


def _trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_address(
    headers: Mapping[str, str] | None,
    request_context: Mapping[str, Any] | None,
    trusted: Iterable[Network] | None = None,
) -> str:
    networks = tuple(trusted_proxies() if trusted is None else trusted)
    identity = (request_context or {}).get("identity") or {}
    source = _ip(identity.get("sourceIp"))
    if source is None:
        return UNKNOWN
    if not _trusted(source, networks):
        return str(source)
    forwarded = _forwarded_for(headers)
    chain = forwarded.split(",") if forwarded else []
    stripped = [entry.strip() for entry in chain]
    if str(source) in stripped:  # API Gateway's own additions come after the proxy's address
        chain = chain[: len(stripped) - 1 - stripped[::-1].index(str(source))]
    for entry in reversed(chain):
        address = _ip(entry)
        if address is None:
            return str(source)
        if not _trusted(address, networks):
            return str(address)
    return str(source)


def _forwarded_for(headers: Mapping[str, str] | None) -> str:
    if not headers:
        return ""
    value = headers.get("x-forwarded-for")
    if value is None:  # a plain dict (tests, other callers) is case-sensitive
        value = next((v for k, v in headers.items() if k.lower() == "x-forwarded-for"), "")
    return str(value)
