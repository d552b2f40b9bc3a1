"""Downloading an applicant's file from the HTTPS address DVCQG gives (DuongDanTaiTepTin).

HTTPS only, through :mod:`chalicelib.outbound` (no redirects, a short timeout, a hard size cap
read incrementally, the host resolved once and every address it resolves to checked public
before the connection goes to that very address — DNS rebinding cannot reach an internal one),
tried once (the intake waits for it), and with no allowance for internal hosts even on the local
stack: no local simulator serves files over HTTPS, and the intake contract already refuses
``localhost`` and internal IP literals."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from chalicelib import outbound

TIMEOUT_S = 10


class DownloadFailed(Exception):
    """The file could not be fetched within the limits."""


def fetch(url: str, max_bytes: int, context: Any = None) -> bytes:
    """The file's bytes; ``context``: the TLS context (tests trust their own certificate)."""
    if urlsplit(url).scheme.lower() != "https":
        raise DownloadFailed("only HTTPS addresses are downloaded")
    try:
        answer = outbound.call("GET", url, timeout=TIMEOUT_S, max_bytes=max_bytes, attempts=1,
                               private_allowed=False, tls=context)  # fmt: skip
    except outbound.GatewayError as err:
        raise DownloadFailed(str(err)) from None
    if answer.status != 200:
        raise DownloadFailed(f"HTTP {answer.status}")
    return answer.body
