"""The coordinator's redirected desk intake (SPEC §7.7): the return URL of the deep link.

A desk officer arrives from the coordinator at ``#/tiep-nhan?thutuc=…&donvi=…&thamchieu=…&quaylai=…``
and, once the dossier is received, is sent back to ``quaylai`` with the dossier code. hoso sends
officers only to the origins of the stage's allow-list (``HOSO_COORDINATOR_RETURN_ORIGINS``), never
to a site a link names: an address with credentials, backslashes, spaces or another origin is refused.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

MAX_RETURN_URL = 2000
_DEFAULT_PORTS = {"http": 80, "https": 443}
_FORBIDDEN_CHARACTERS = frozenset("\\ \t\r\n")


class ReturnUrlRefused(ValueError):
    """The return URL is not an absolute http(s) address on an allowed origin."""


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` (lower case, default port left out) of a plain absolute http(s) URL."""
    if not url or len(url) > MAX_RETURN_URL or any(c in _FORBIDDEN_CHARACTERS or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    shown_port = f":{port}" if port is not None and port != _DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{shown_port}"


def parse_origins(text: str) -> frozenset[str]:
    """The allow-list setting: comma-separated origins (``https://dieuphoi.example.gov.vn``)."""
    origins: set[str] = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        origin = origin_of(item)
        if origin is None or origin != item.rstrip("/").lower():
            raise ValueError(f"not an origin (scheme://host[:port]): {item!r}")
        origins.add(origin)
    return frozenset(origins)


def check_return_url(url: str, allowed: frozenset[str]) -> str:
    """``url`` itself when its origin is on the allow-list; otherwise :class:`ReturnUrlRefused`."""
    origin = origin_of(url)
    if origin is None or origin not in allowed:
        raise ReturnUrlRefused(url)
    return url


def return_target(url: str, dossier_code: str, reference: str | None) -> str:
    """The return URL with ``mahoso`` (and ``thamchieu``, when the link gave one) added to its query."""
    parts = urlsplit(url)
    added = urlencode({"mahoso": dossier_code, **({"thamchieu": reference} if reference else {})})
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
