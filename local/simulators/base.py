"""HTTP plumbing shared by every simulator.

A simulator is a WSGI application (werkzeug routing, requests and responses) served by a
threaded stdlib WSGI server on loopback in a background thread. Every simulator has the
same failure modes (``down``, ``delay_ms``, ``fail_next``) and the same control routes
under ``/_sim/`` (``mode``, ``reset``, ``records``); subclasses add their protocol routes,
their own records and, where the protocol needs them, more modes.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import socketserver
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.types import StartResponse, WSGIEnvironment
from zoneinfo import ZoneInfo

import requests
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

HOST = "127.0.0.1"
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALLBACK_TIMEOUT_S = 10.0

log = logging.getLogger("local.simulators")


class PortBusyError(Exception):
    """The port a simulator should listen on is taken by another program."""

    def __init__(self, name: str, port: int) -> None:
        self.name = name
        self.port = port
        variable = f"SIM_{name.upper()}_PORT"
        super().__init__(
            f"Không khởi động được trình mô phỏng {name}: cổng {port} trên {HOST} đang được chương trình khác "
            f"sử dụng. Hãy dừng chương trình đó hoặc đặt biến {variable} sang cổng khác. / "
            f"Cannot start the {name} simulator: port {port} on {HOST} is already in use. "
            f"Stop that program or set {variable} to another port."
        )


class BadInput(Exception):
    """The request cannot be read (not JSON, not an object): answered with 400."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def now_vn() -> datetime:
    return datetime.now(VN_TZ)


def iso_now() -> str:
    return now_vn().isoformat(timespec="milliseconds")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, headers=headers, content_type="application/json; charset=utf-8")


def html_response(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def read_json(request: Request) -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadInput("Thân yêu cầu rỗng, cần JSON / empty body, JSON expected")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"Thân yêu cầu không phải JSON hợp lệ / body is not valid JSON: {exc}") from None


def read_json_object(request: Request, *, optional: bool = False) -> dict[str, Any]:
    if optional and not request.get_data(cache=True).strip():
        return {}
    data = read_json(request)
    if not isinstance(data, dict):
        raise BadInput("Thân yêu cầu phải là một đối tượng JSON / body must be a JSON object")
    return data


def post_json(url: str, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST ``body`` as JSON; answer ``{"status": int | None, "body": ...}`` (status None: no answer)."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    all_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return post_bytes(url, data, all_headers)


def post_bytes(url: str, data: bytes, headers: dict[str, str]) -> dict[str, Any]:
    try:
        resp = requests.post(url, data=data, headers=headers, timeout=CALLBACK_TIMEOUT_S)
    except requests.RequestException as exc:
        log.warning("POST %s failed: %s", url, exc)
        return {"status": None, "body": f"Không gửi được / could not send: {exc}"}
    try:
        answer: Any = resp.json()
    except ValueError:
        answer = resp.text
    return {"status": resp.status_code, "body": answer}


@dataclass
class Mode:
    """Failure modes every simulator has; subclasses add fields (same types: bool, int, int | None, str)."""

    down: bool = False  # answer 503 to every protocol route
    delay_ms: int = 0  # wait this long before answering a protocol route
    fail_next: int = 0  # answer 500 to the next N failable protocol calls


def _value_fits(kind: str, value: Any, choices: tuple[str, ...] | None) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind == "int | None":
        return value is None or (isinstance(value, int) and not isinstance(value, bool))
    if kind == "str":
        return isinstance(value, str) and (choices is None or value in choices)
    raise TypeError(f"mode field type {kind} is not supported")


class Simulator:
    """Base WSGI application. Protocol routes come from :meth:`routes`; ``Rule(endpoint="x")``
    is handled by ``on_x(request, **arguments)``. State is guarded by ``self.lock``."""

    mode_class: ClassVar[type[Mode]] = Mode
    # Endpoints that fail_next counts (None: every protocol route).
    failable: ClassVar[frozenset[str] | None] = None
    # Routes outside /_sim/ that failure modes leave alone (pages for people).
    inspection: ClassVar[frozenset[str]] = frozenset()
    # Keys of POST /_sim/mode that are one-off actions, not lasting modes.
    mode_actions: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, name: str) -> None:
        self.name = name
        self.url = ""
        self.lock = threading.RLock()
        self.mode = self.mode_class()
        control = [
            Rule("/_sim/mode", endpoint="sim_mode", methods=["GET", "POST"]),
            Rule("/_sim/reset", endpoint="sim_reset", methods=["POST"]),
            Rule("/_sim/records", endpoint="sim_records", methods=["GET"]),
        ]
        self._map = Map([*control, *self.routes()], strict_slashes=False)

    # --- what subclasses provide -------------------------------------------------------
    def routes(self) -> list[Rule]:
        return []

    def snapshot(self) -> dict[str, Any]:
        """Everything recorded so far (called with the lock held)."""
        return {}

    def clear(self) -> None:
        """Forget everything recorded (called with the lock held)."""

    def close(self) -> None:
        """Stop background work (timers) when the server stops."""

    def apply_mode_action(self, key: str, value: Any) -> str | None:
        """Run a one-off action of POST /_sim/mode; answer an error message or None."""
        return f"{key}: không hỗ trợ / not supported"

    def error(self, status: int, code: str, message: str, **extra: Any) -> Response:
        return json_response({"error_code": code, "message": message, **extra}, status)

    # --- WSGI --------------------------------------------------------------------------
    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        request = Request(environ)
        response = self._dispatch(request)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        adapter = self._map.bind_to_environ(request.environ)
        try:
            endpoint, arguments = adapter.match()
        except NotFound:
            return self.error(404, "NOT_FOUND", f"Không có đường dẫn {request.path} / no such path")
        except MethodNotAllowed:
            return self.error(405, "METHOD_NOT_ALLOWED", f"Không hỗ trợ {request.method} / method not allowed")
        except HTTPException as exc:
            return exc.get_response(request.environ)
        if not request.path.startswith("/_sim/") and endpoint not in self.inspection:
            refusal = self._failure_mode(endpoint)
            if refusal is not None:
                return refusal
        try:
            return getattr(self, f"on_{endpoint}")(request, **arguments)
        except BadInput as exc:
            return self.error(400, "BAD_REQUEST", exc.message)
        except Exception:
            log.exception("simulator %s failed on %s %s", self.name, request.method, request.path)
            return self.error(500, "INTERNAL", "Lỗi nội bộ của trình mô phỏng / simulator error")

    def _failure_mode(self, endpoint: str) -> Response | None:
        with self.lock:
            mode = self.mode
            if mode.down:
                return self.error(503, "UNAVAILABLE", "Hệ thống đang tạm ngừng phục vụ (mô phỏng) / service down")
            fail = mode.fail_next > 0 and (self.failable is None or endpoint in self.failable)
            if fail:
                self.mode = dataclasses.replace(mode, fail_next=mode.fail_next - 1)
        if mode.delay_ms:
            time.sleep(mode.delay_ms / 1000)
        if fail:
            return self.error(500, "INTERNAL", "Lỗi hệ thống (mô phỏng fail_next) / simulated failure")
        return None

    # --- control routes ----------------------------------------------------------------
    def on_sim_mode(self, request: Request) -> Response:
        if request.method == "POST":
            errors = self._update_mode(read_json_object(request))
            if errors:
                return self.error(400, "BAD_MODE", "Chế độ không hợp lệ / invalid mode", errors=errors)
        with self.lock:
            return json_response(dataclasses.asdict(self.mode))

    def _update_mode(self, body: dict[str, Any]) -> list[str]:
        fields = {f.name: f for f in dataclasses.fields(self.mode)}
        errors: list[str] = []
        changes: dict[str, Any] = {}
        for key, value in body.items():
            spec = fields.get(key)
            if key in self.mode_actions:
                continue
            if spec is None:
                errors.append(f"{key}: không có chế độ này / unknown mode")
            elif not _value_fits(str(spec.type), value, spec.metadata.get("choices")):
                errors.append(f"{key}: giá trị {value!r} không hợp lệ (kiểu {spec.type}) / invalid value")
            else:
                changes[key] = value
        if errors:
            return errors
        with self.lock:
            for key in self.mode_actions & body.keys():
                problem = self.apply_mode_action(key, body[key])
                if problem:
                    errors.append(problem)
            if not errors:
                self.mode = dataclasses.replace(self.mode, **changes)
        return errors

    def on_sim_reset(self, request: Request) -> Response:
        with self.lock:
            self.clear()
            self.mode = self.mode_class()
        return json_response({"reset": True})

    def on_sim_records(self, request: Request) -> Response:
        with self.lock:
            return json_response(self.snapshot())


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)


class _ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host name (a DNS lookup); loopback needs none.
        socketserver.TCPServer.server_bind(self)
        self.server_name = HOST
        self.server_port = self.server_address[1]
        self.setup_environ()


@dataclass
class RunningServer:
    """A simulator listening on ``url`` in a background thread."""

    name: str
    url: str
    _simulator: Simulator = field(repr=False)
    _server: _ThreadedServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._simulator.close()


def serve(simulator: Simulator, port: int) -> RunningServer:
    """Listen on ``HOST:port`` (0: a free port) and serve ``simulator`` in a daemon thread."""
    try:
        server = _ThreadedServer((HOST, port), _QuietHandler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortBusyError(simulator.name, port) from None
        raise
    server.set_app(simulator)
    simulator.url = f"http://{HOST}:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"sim-{simulator.name}", daemon=True
    )
    thread.start()
    return RunningServer(simulator.name, simulator.url, simulator, server, thread)
