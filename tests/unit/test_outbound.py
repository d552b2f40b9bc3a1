"""The one outbound HTTP client (chalicelib/outbound.py): redirects never followed, answers capped,
internal addresses refused unless the stage allows the host, timeouts, retries of idempotent calls
only, and a log line that names the destination but never the path or a body."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalicelib import outbound
from chalicelib.settings import reset_settings_cache


class Server:
    """A loopback server: each request is recorded and answered by ``reply`` (status, headers, body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.reply: tuple[int, dict[str, str], bytes] = (200, {}, b"{}")
        self.delay_s = 0.0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                owner.requests.append((self.command, self.path))
                time.sleep(owner.delay_s)
                status, headers, body = owner.reply
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer  # noqa: N815 — http.server's naming

            def log_message(self, *args: object) -> None:
                return None

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.http.shutdown()
    s.http.server_close()


@pytest.fixture
def allowance(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def allow(hosts: str) -> None:
        monkeypatch.setenv("HOSO_OUTBOUND_PRIVATE_HOSTS", hosts)
        reset_settings_cache()

    yield allow
    monkeypatch.undo()
    reset_settings_cache()


def test_an_answer_of_any_status_is_returned(server: Server) -> None:
    server.reply = (404, {"Content-Type": "application/json"}, b'{"error": "none"}')
    answer = outbound.call("GET", f"{server.url}/a?b=1")
    assert (answer.status, answer.json(), answer.content_type) == (404, {"error": "none"}, "application/json")
    assert server.requests == [("GET", "/a?b=1")]


def test_a_redirect_is_an_answer_never_followed(server: Server) -> None:
    server.reply = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    assert outbound.call("GET", f"{server.url}/go").status == 302
    assert server.requests == [("GET", "/go")]


def test_an_answer_over_the_cap_is_refused(server: Server) -> None:
    server.reply = (200, {}, b"x" * 100)
    assert outbound.call("GET", server.url, max_bytes=100).body == b"x" * 100
    with pytest.raises(outbound.AnswerTooLarge):
        outbound.call("GET", server.url, max_bytes=99)


def test_a_slow_answer_times_out(server: Server) -> None:
    server.delay_s = 1.0
    with pytest.raises(outbound.GatewayError) as raised:
        outbound.call("POST", server.url, b"{}", timeout=0.2)
    assert raised.value.timeout


class Network:
    """``getaddrinfo`` answers ``addresses``; ``create_connection`` records the address and refuses."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *addresses: str) -> None:
        self.connected: list[tuple[str, int]] = []

        def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                    for a in addresses]

        def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
            self.connected.append(address)
            raise ConnectionRefusedError("refused in this test")

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", create_connection)
        monkeypatch.setattr(outbound.time, "sleep", lambda s: None)


@pytest.mark.parametrize("addresses", [
    ["10.0.0.5"], ["127.0.0.1"], ["169.254.169.254"], ["192.168.1.10"], ["::1"], ["fd00::1"],
    ["::ffff:127.0.0.1"], ["100.64.0.1"], ["93.184.216.34", "10.0.0.5"],
], ids=lambda a: "+".join(a))
def test_a_host_resolving_to_an_internal_address_is_never_connected_to(
        monkeypatch: pytest.MonkeyPatch, allowance: Any, addresses: list[str]) -> None:
    allowance("")
    network = Network(monkeypatch, *addresses)
    with pytest.raises(outbound.AddressRefused):
        outbound.call("GET", "https://api.example.vn/v1")
    assert network.connected == []


def test_the_stage_allowance_names_the_host_and_port_it_lets_through(
        monkeypatch: pytest.MonkeyPatch, allowance: Any) -> None:
    network = Network(monkeypatch, "127.0.0.1")
    allowance("sim.local:8101")
    with pytest.raises(outbound.AddressRefused):
        outbound.call("POST", "http://sim.local:8102/x", b"")
    with pytest.raises(outbound.AddressRefused):  # the caller may refuse every internal host
        outbound.call("POST", "http://sim.local:8101/x", b"", private_allowed=False)
    with pytest.raises(outbound.GatewayError):
        outbound.call("POST", "http://sim.local:8101/x", b"")
    assert network.connected == [("127.0.0.1", 8101)]


def test_only_idempotent_calls_are_retried_and_connect_to_the_checked_address(monkeypatch: pytest.MonkeyPatch) -> None:
    network = Network(monkeypatch, "93.184.216.34")
    with pytest.raises(outbound.GatewayError):
        outbound.call("GET", "https://api.example.vn/v1")
    assert network.connected == [("93.184.216.34", 443)] * outbound.ATTEMPTS
    network.connected.clear()
    with pytest.raises(outbound.GatewayError):
        outbound.call("POST", "https://api.example.vn/v1", b"{}")
    assert network.connected == [("93.184.216.34", 443)]
    network.connected.clear()
    with pytest.raises(outbound.GatewayError):
        outbound.call("PUT", "https://api.example.vn/v1", b"{}", attempts=1)
    assert network.connected == [("93.184.216.34", 443)]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://a.example/x", "https://user:pw@a.example/x"])
def test_only_plain_http_s_addresses_are_called(url: str) -> None:
    with pytest.raises(outbound.AddressRefused):
        outbound.call("GET", url)


def test_the_log_names_the_destination_never_the_path_query_or_body(
        server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(outbound.logger, "info", lambda msg, extra: lines.append((msg, extra)))
    outbound.post_json(f"{server.url}/citizens/001090012345?so=001090012345", {"ho_ten": "NGUYỄN VĂN AN"})
    ((message, extra),) = lines
    assert message == "outbound call" and extra["destination"] == server.url and extra["status"] == 200
    assert "001090012345" not in repr(extra) and "NGUYỄN" not in repr(extra)
