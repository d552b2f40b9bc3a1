"""Downloading an applicant's file from the HTTPS address DVCQG gives (DuongDanTaiTepTin).

HTTPS only, no redirects (a redirect could lead to an internal address), a short timeout
and a hard size cap read incrementally — a slow or huge file cannot hold the intake.

The host name is resolved once, here: every address it resolves to must be public (not
private, loopback, link-local, reserved… — ``ipaddress``'s ``is_global``), and the
connection is made to the address that was checked, with the certificate still verified
for the host name (SNI). A second resolution between the check and the connection — DNS
rebinding to an internal address — therefore cannot happen. (The intake contract already
refuses ``localhost`` and internal IP literals; no local simulator serves files over
HTTPS, so there is no loopback exception.)"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_S = 10
CHUNK = 64 * 1024


class DownloadFailed(Exception):
    """The file could not be fetched within the limits."""


def public_addresses(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, if all of them are public; else :class:`DownloadFailed`."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise DownloadFailed(f"cannot resolve: {type(err).__name__}") from None
    addresses = list(dict.fromkeys(str(a[4][0]) for a in answers))
    if not addresses:
        raise DownloadFailed("no address")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise DownloadFailed("the host resolves to an internal address")
    return addresses


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to one already-checked address; TLS and the Host header name the host."""

    def __init__(self, host: str, address: str, port: int, context: ssl.SSLContext, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def fetch(url: str, max_bytes: int, context: Any = None) -> bytes:
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise DownloadFailed("only HTTPS addresses are downloaded")
    if parts.username is not None or parts.password is not None:
        raise DownloadFailed("no credentials in the address")
    try:
        port = parts.port or 443
    except ValueError:
        raise DownloadFailed("invalid port") from None
    address = public_addresses(parts.hostname, port)[0]
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _PinnedHTTPSConnection(parts.hostname, address, port, context or ssl.create_default_context(),
                                        TIMEOUT_S)
    try:
        connection.request("GET", path, headers={"User-Agent": "hoso-intake"})
        answer = connection.getresponse()  # http.client never follows a redirect
        if answer.status != 200:
            raise DownloadFailed(f"HTTP {answer.status}")
        body = bytearray()
        while chunk := answer.read(CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise DownloadFailed("file too large")
        return bytes(body)
    except (http.client.HTTPException, TimeoutError, OSError) as err:
        raise DownloadFailed(type(err).__name__) from None
    finally:
        connection.close()
