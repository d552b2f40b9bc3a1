"""The DVCQG file downloader checks where a host name *resolves* and connects to the address
it checked (issue 11, low: "checks IP literals only"; DNS rebinding between check and connect)."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from chalicelib.integrations import downloads

PUBLIC = "93.184.216.34"
HOST = "files.dvcqg.example"


class Network:
    """``getaddrinfo`` answers from a table (each call the next answer: a rebinding resolver);
    ``create_connection`` records where it was asked to connect, and reaches ``route`` if set."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.resolved = 0
        self.connected: list[tuple[str, int]] = []
        self.route: tuple[str, int] | None = None
        real_connect, real_getaddrinfo = socket.create_connection, socket.getaddrinfo

        def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
            if self.route is not None and host == self.route[0]:  # the test's own route to its server
                return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[no-any-return]
            addresses = self.answers[min(self.resolved, len(self.answers) - 1)]
            self.resolved += 1
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                    for a in addresses]

        def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
            self.connected.append(address)
            if self.route is None:
                raise ConnectionRefusedError("no route in this test")
            return real_connect(self.route, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", create_connection)


@pytest.mark.parametrize("addresses", [
    ["10.0.0.5"], ["127.0.0.1"], ["169.254.169.254"], ["192.168.1.10"], ["::1"], ["fd00::1"],
    ["::ffff:127.0.0.1"], ["0.0.0.0"],  # noqa: S104 — an address resolved to, not bound
    ["100.64.0.1"], [PUBLIC, "10.0.0.5"],
], ids=lambda a: "+".join(a))
def test_a_host_resolving_to_an_internal_address_is_never_connected_to(
        monkeypatch: pytest.MonkeyPatch, addresses: list[str]) -> None:
    network = Network(monkeypatch, addresses)
    with pytest.raises(downloads.DownloadFailed):
        downloads.fetch(f"https://{HOST}/tep/1.pdf", 1024)
    assert network.connected == []


def test_the_connection_goes_to_the_address_checked_not_a_second_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    network = Network(monkeypatch, [PUBLIC], ["169.254.169.254"])  # rebinding: the second answer is internal
    with pytest.raises(downloads.DownloadFailed):
        downloads.fetch(f"https://{HOST}/tep/1.pdf", 1024)
    assert network.resolved == 1 and network.connected == [(PUBLIC, 443)]


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[tuple[str, int], ssl.SSLContext]]:
    """An HTTPS server with a certificate for HOST; the client context trusts that certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 — http.server's naming
            body = f"%PDF-1.4 host={self.headers['Host']} path={self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    serving = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    serving.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = serving.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    yield ("127.0.0.1", server.server_address[1]), client
    server.shutdown()
    server.server_close()


def test_a_public_host_is_fetched_over_tls_verified_for_its_name(
        monkeypatch: pytest.MonkeyPatch, tls_server: tuple[tuple[str, int], ssl.SSLContext]) -> None:
    route, context = tls_server
    network = Network(monkeypatch, [PUBLIC])
    network.route = route  # the checked public address, reached (in this test) at the local server
    body = downloads.fetch(f"https://{HOST}/tep/1.pdf?v=2", 1024, context)
    assert body == f"%PDF-1.4 host={HOST} path=/tep/1.pdf?v=2".encode()
    assert network.connected == [(PUBLIC, 443)]
    with pytest.raises(downloads.DownloadFailed):
        downloads.fetch(f"https://{HOST}/tep/1.pdf", 10, context)  # over the size cap
    with pytest.raises(downloads.DownloadFailed):  # the certificate is checked for the host name
        downloads.fetch("https://other.dvcqg.example/tep/1.pdf", 1024, context)
