"""The officers' web app on the local stack: ``webapp/dist`` and the hoso API on one origin.

``start_webapp(api_url, issuer)`` serves, on loopback:

* ``/config.json`` — the app's runtime settings (``issuer``: the VNeID issuer, ``client_id``,
  ``api_base``: ``""`` because the API is on this origin, ``scope``);
* ``/v1/*`` — reverse-proxied to the Chalice API (method, path, query, body and headers,
  ``Authorization`` included, answered as the API answers), so the browser never makes a
  cross-origin call to hoso and no CORS is needed;
* everything else from ``webapp/dist`` (``index.html`` for ``/`` and for unknown paths
  without a file extension; hashed ``/assets/*`` cached for a year, the rest not cached),
  with the security headers production sets too.

Production does the same with CloudFront in front of the S3 bucket holding ``webapp/dist``
(infra/webapp.py): a behaviour ``/v1/*`` → the API Gateway origin (all methods, no caching,
every header, query string and cookie forwarded except ``Host``), the default behaviour → S3,
``/config.json`` uploaded next to the files by the deployment with the stage's issuer and
``"api_base": ""``, and these security headers (plus HSTS). The app routes in the URL's hash,
so no SPA rewrite rule (nor error page, which would also rewrite the API's 403/404) is needed.

``ensure_built()`` runs ``npm ci`` (when ``node_modules`` is missing or older than
``package-lock.json``) and ``npm run build`` (when ``dist`` is missing or older than the
sources), like ``local.stack.ensure_template`` does for the CDK template.
"""

from __future__ import annotations

import http.client
import json
import mimetypes
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from chalicelib.observability import logger

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
WEBAPP_DIR: Final = REPO_ROOT / "webapp"
DIST: Final = WEBAPP_DIR / "dist"
DEFAULT_CLIENT_ID: Final = "hoso-officers"
API_PREFIXES: Final = ("/v1/",)
BUILD_SOURCES: Final = ("src", "public", "index.html", "package.json", "package-lock.json", "vite.config.ts",
                        "tsconfig.json")  # fmt: skip
BUILD_TIMEOUT_S: Final = 600
PROXY_TIMEOUT_S: Final = 60
MAX_BODY_BYTES: Final = 12 * 1024 * 1024
# Hop-by-hop headers (RFC 9110 §7.6.1) are never forwarded; Host is the origin's own.
_HOP_BY_HOP: Final = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                                "trailer", "transfer-encoding", "upgrade", "host"})  # fmt: skip


class WebappNotBuiltError(RuntimeError):
    """``webapp/dist`` is missing: the message says how to build it."""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(issuer: str, *storage: str) -> str:
    """What the app may load and call: itself, VNeID's discovery and token endpoints, and the
    storage its presigned uploads go to (S3; moto locally). infra/webapp.py sets the same policy
    on CloudFront."""
    issuer_origin = _origin(issuer)
    storage_origin = "".join(f" {_origin(url)}" for url in storage if url)
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        f"connect-src 'self' {issuer_origin}{storage_origin}",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
        f"form-action 'self' {issuer_origin}",
    ))


def security_headers(issuer: str, *storage: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(issuer, *storage),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


# --- building -----------------------------------------------------------------------------------
def _newest_mtime(root: Path, names: tuple[str, ...]) -> float:
    newest = 0.0
    for name in names:
        path = root / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            newest = max([newest, *(f.stat().st_mtime for f in path.rglob("*") if f.is_file())])
    return newest


def build_is_stale(webapp_dir: Path = WEBAPP_DIR) -> bool:
    index = webapp_dir / "dist" / "index.html"
    return not index.is_file() or index.stat().st_mtime < _newest_mtime(webapp_dir, BUILD_SOURCES)


def _npm(args: list[str], webapp_dir: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise WebappNotBuiltError("Không tìm thấy npm (Node.js) để dựng ứng dụng web / npm (Node.js) is not installed")
    done = subprocess.run(  # noqa: S603 - npm from PATH with fixed arguments
        [npm, *args], cwd=webapp_dir, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        output = done.stderr or done.stdout
        raise WebappNotBuiltError(f"npm {' '.join(args)} failed (exit {done.returncode}):\n{output}")


def ensure_built(webapp_dir: Path = WEBAPP_DIR) -> Path:
    """``webapp/dist``, installing and building first when it is missing or out of date."""
    modules = webapp_dir / "node_modules" / ".package-lock.json"
    lock = webapp_dir / "package-lock.json"
    if not modules.is_file() or modules.stat().st_mtime < lock.stat().st_mtime:
        logger.info("Web app: npm ci")
        _npm(["ci", "--no-audit", "--no-fund"], webapp_dir)
    if build_is_stale(webapp_dir):
        logger.info("Web app: npm run build")
        _npm(["run", "build"], webapp_dir)
    return webapp_dir / "dist"


# --- serving ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WebappSettings:
    dist: Path
    api: tuple[str, int]  # host, port of the Chalice API
    config_json: bytes
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    server: _WebappServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        logger.debug("Web app: " + format % args)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
        self._route()

    def do_HEAD(self) -> None:  # noqa: N802
        self._route()

    def do_POST(self) -> None:  # noqa: N802
        self._route()

    def do_PUT(self) -> None:  # noqa: N802
        self._route()

    def do_PATCH(self) -> None:  # noqa: N802
        self._route()

    def do_DELETE(self) -> None:  # noqa: N802
        self._route()

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._route()

    def _route(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith(API_PREFIXES):
            self._proxy()
        elif self.command not in ("GET", "HEAD"):
            self._send(405, b"", "text/plain; charset=utf-8", {"Allow": "GET, HEAD"})
        elif path == "/config.json":
            self._send(200, self.server.settings.config_json, "application/json", {"Cache-Control": "no-store"})
        else:
            self._static(path)

    def _static(self, path: str) -> None:
        dist = self.server.settings.dist
        relative = path.lstrip("/") or "index.html"
        target = (dist / relative).resolve()
        if not target.is_relative_to(dist.resolve()) or (target.exists() and not target.is_file()):
            target = dist / "index.html"
        if not target.is_file():
            if Path(relative).suffix:  # a missing asset
                self._send(404, b"Not found", "text/plain; charset=utf-8")
                return
            target = dist / "index.html"
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml", "application/json"):
            kind += "; charset=utf-8"
        immutable = target.parent.name == "assets"
        cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
        self._send(200, target.read_bytes(), kind, {"Cache-Control": cache})

    def _proxy(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(413, json.dumps({"error_code": "PAYLOAD_TOO_LARGE",
                                        "message": "Dữ liệu gửi lên vượt quá kích thước cho phép."}).encode(),
                       "application/json")  # fmt: skip
            return
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        host, port = self.server.settings.api
        connection = http.client.HTTPConnection(host, port, timeout=PROXY_TIMEOUT_S)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        except OSError as exc:
            logger.warning("Web app: the API did not answer", extra={"path": self.path, "error": str(exc)})
            message = {"error_code": "API_UNAVAILABLE", "message": "Không kết nối được máy chủ API. Vui lòng thử lại."}
            self._send(502, json.dumps(message, ensure_ascii=False).encode(), "application/json; charset=utf-8")
            return
        finally:
            connection.close()
        passed = {k: v for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP | {"content-length", "date",
                                                                                         "server"}}  # fmt: skip
        self._send(answer.status, data, None, passed)

    def _send(self, status: int, body: bytes, content_type: str | None, extra: dict[str, str] | None = None) -> None:
        headers = {**self.server.settings.headers, **(extra or {})}
        if content_type is not None:
            headers["Content-Type"] = content_type
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the browser went elsewhere before the answer came


class _WebappServer(ThreadingHTTPServer):
    """A thread per connection (HTTP/1.1 keep-alive); on stop it closes the connections
    browsers keep open and waits for their threads, so stopping leaves no thread behind."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], settings: WebappSettings) -> None:
        self.settings = settings
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            open_ones = list(self._connections)
        for connection in open_ones:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class RunningWebapp:
    """The web app's server, running in a background thread."""

    name = "webapp"

    def __init__(self, server: _WebappServer) -> None:
        self._server = server
        host, port = server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="hoso-webapp", daemon=True)  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)


def start_webapp(
    api_url: str,
    issuer: str,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    client_id: str = DEFAULT_CLIENT_ID,
    dist: Path = DIST,
    storage_url: str = "",
) -> RunningWebapp:
    """Serve ``dist`` and proxy ``/v1/*`` to ``api_url`` on ``host:port`` (0: any free port);
    ``storage_url`` is where the browser posts presigned uploads (the S3 endpoint)."""
    if not (dist / "index.html").is_file():
        raise WebappNotBuiltError(
            f"{dist}/index.html không có: chạy `npm ci && npm run build` trong webapp/ "
            f"(hoặc local.webapp.ensure_built()) / the web app is not built: run `npm ci && npm run build` in webapp/"
        )
    api = urlsplit(api_url)
    if api.scheme != "http" or not api.hostname or not api.port:
        raise ValueError(f"api_url must be http://host:port, got {api_url!r}")
    config = {"issuer": issuer.rstrip("/"), "client_id": client_id, "api_base": "", "scope": "openid profile"}
    settings = WebappSettings(
        dist=dist,
        api=(api.hostname, api.port),
        config_json=json.dumps(config, ensure_ascii=False).encode(),
        headers=security_headers(issuer, storage_url),
    )
    return RunningWebapp(_WebappServer((host, port), settings))
