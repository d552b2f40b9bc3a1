"""Downloading an applicant's file from the HTTPS address DVCQG gives (DuongDanTaiTepTin).

HTTPS only, no redirects (a redirect could lead to an internal address), a short timeout
and a hard size cap read incrementally — a slow or huge file cannot hold the intake."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

TIMEOUT_S = 10
CHUNK = 64 * 1024


class DownloadFailed(Exception):
    """The file could not be fetched within the limits."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, max_bytes: int, context: Any = None) -> bytes:
    if not url.lower().startswith("https://"):
        raise DownloadFailed("only HTTPS addresses are downloaded")
    opener = urllib.request.build_opener(_NoRedirect(), urllib.request.HTTPSHandler(context=context))
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "hoso-intake"})  # noqa: S310 — HTTPS checked above
        with opener.open(request, timeout=TIMEOUT_S) as r:
            if r.status != 200:
                raise DownloadFailed(f"HTTP {r.status}")
            body = bytearray()
            while chunk := r.read(CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise DownloadFailed("file too large")
            return bytes(body)
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise DownloadFailed(type(err).__name__) from None
