"""The simulators over real HTTP on loopback (ports picked by the OS), with a small receiving
server standing in for hoso and for every callback target."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from local.simulators import DEFAULT_PORTS, start_simulators


class Receiver:
    """Records every request it gets and answers ``status`` with ``answer`` (JSON)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 200
        self.answer: Any = {"error_code": 0}
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - stdlib naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._changed:
                    receiver.received.append({"path": self.path, "headers": dict(self.headers), "raw": body})
                    receiver._changed.notify_all()
                    status, answer = receiver.status, receiver.answer
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def reset(self) -> None:
        with self._changed:
            self.received.clear()
            self.status, self.answer = 200, {"error_code": 0}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sims(receiver: Receiver) -> Iterator[dict[str, str]]:
    env = {f"SIM_{name.upper()}_PORT": "0" for name in DEFAULT_PORTS}
    env["HOSO_API_URL"] = receiver.url
    servers = start_simulators(env)
    yield {s.name: s.url for s in servers}
    for server in servers:
        server.stop()


@pytest.fixture(autouse=True)
def _clean(sims: dict[str, str], receiver: Receiver) -> None:
    for url in sims.values():
        requests.post(f"{url}/_sim/reset", timeout=5).raise_for_status()
    receiver.reset()
