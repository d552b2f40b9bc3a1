"""VNeID as an OpenID Connect issuer (SPEC §7.6): real RS256 tokens, real JWKS, the
authorization-code flow with PKCE (S256 only), and a login page listing demo accounts.

* ``GET /.well-known/openid-configuration``, ``GET /.well-known/jwks.json`` (one RSA key,
  generated at start, ``kid`` in every token header);
* ``GET /oauth2/authorize`` (``response_type=code``, ``client_id``, ``redirect_uri``,
  ``scope`` with ``openid``, ``state``, ``nonce``, ``code_challenge``,
  ``code_challenge_method=S256``) shows the accounts; choosing one (``POST`` of the same
  form plus ``sub``) redirects to ``redirect_uri?code=…&state=…``; codes live 5 minutes and
  work once;
* ``POST /token`` (form: ``grant_type=authorization_code``, ``code``, ``redirect_uri``,
  ``client_id``, ``code_verifier``) → ``{"access_token", "id_token", "token_type": "Bearer",
  "expires_in": 3600}``; errors are OAuth errors (``invalid_grant``, …) with HTTP 400;
* ``GET /userinfo`` with ``Authorization: Bearer <access_token>`` → the claims;
* ``GET /logout`` (``post_logout_redirect_uri``, ``state``) → redirect or a page.

Tokens: ``iss`` = this server's URL, ``aud`` = ``VNEID_CLIENT_ID`` (default
``hoso-officers``), ``exp`` = 1 hour, claims ``sub``, ``SoDinhDanh``, ``HoVaTen``,
``ThuDienTu``, ``SoDienThoai``, ``LoaiTaiKhoan`` ("1": personal account) and ``nonce`` in
the id_token when the request had one. Access tokens also carry ``scope``, ``client_id``,
``jti`` and ``token_use: "access"``.

Accepted ``redirect_uri``: the comma-separated list ``SIM_VNEID_REDIRECT_URIS`` when set,
otherwise any http(s) URL on loopback (127.0.0.1, localhost, ::1). A browser application
(the officers' web app, a public client with PKCE) reads the discovery document and the JWKS
and redeems its code at ``/token`` from its own origin: those answers carry
``Access-Control-Allow-Origin`` for the origins of the accepted redirect URIs (any loopback
origin when no list is set) — simple CORS requests only, so no preflight is needed. Accounts:
:data:`local.simulators.accounts.DEMO_ACCOUNTS`, or the JSON list in the file named by
``SIM_VNEID_ACCOUNTS_FILE``.

Without a browser: ``POST /_sim/token`` ``{"sub": …}`` or ``{"SoDinhDanh": …}`` (optional
``nonce``, ``ttl_s`` — negative mints an already expired token) → the same token answer;
``GET /_sim/accounts`` lists the accounts; ``POST /_sim/accounts`` adds or replaces one.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import time
from typing import Any, Final
from urllib.parse import urlencode, urlsplit, urlunsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from chalicelib.domain.roles import ROLE_LABELS, Role
from local.simulators.base import Simulator, html_response, iso_now, json_response, read_json_object

TOKEN_TTL_S: Final = 3600
CODE_TTL_S: Final = 300
ACCOUNT_TYPE_PERSONAL: Final = "1"
_CHALLENGE: Final = re.compile(r"^[A-Za-z0-9_-]{43}$")
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})
ACCOUNT_FIELDS: Final = ("sub", "SoDinhDanh", "HoVaTen", "ThuDienTu", "SoDienThoai", "role", "unit_code",
                         "province_code")  # fmt: skip
# What a browser application calls from its own origin (CORS answers).
_CORS_PATHS: Final = frozenset({"/.well-known/openid-configuration", "/.well-known/jwks.json", "/token"})
_AUTHORIZE_PARAMS: Final = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
                            "code_challenge", "code_challenge_method")  # fmt: skip


def pkce_challenge(verifier: str) -> str:
    """S256 code challenge of a PKCE code verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _role_label(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    extra = urlencode({k: v for k, v in params.items() if v})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class OAuthError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


class VneidSimulator(Simulator):
    def __init__(self, name: str, client_id: str, accounts: list[dict[str, str]], redirect_uris: list[str]) -> None:
        self.client_id = client_id
        self.redirect_uris = redirect_uris
        self.initial_accounts = [dict(a) for a in accounts]
        self.accounts = {a["sub"]: dict(a) for a in accounts}
        self.codes: dict[str, dict[str, Any]] = {}
        self.issued: list[dict[str, Any]] = []
        self.logouts: list[dict[str, Any]] = []
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_der = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = hashlib.sha256(public_der).hexdigest()[:16]
        super().__init__(name)

    def _dispatch(self, request: Request) -> Response:
        response = super()._dispatch(request)
        origin = request.headers.get("Origin", "")
        if request.path in _CORS_PATHS and origin and self._origin_allowed(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers.add("Vary", "Origin")
        return response

    def _origin_allowed(self, origin: str) -> bool:
        """An origin a registered redirect URI lives on (any loopback origin without a list)."""
        if self.redirect_uris:
            return origin in {_origin(uri) for uri in self.redirect_uris}
        return self._redirect_allowed(origin + "/") and _origin(origin) == origin

    def routes(self) -> list[Rule]:
        return [
            Rule("/.well-known/openid-configuration", endpoint="discovery", methods=["GET"]),
            Rule("/.well-known/jwks.json", endpoint="jwks", methods=["GET"]),
            Rule("/oauth2/authorize", endpoint="authorize", methods=["GET", "POST"]),
            Rule("/token", endpoint="token", methods=["POST"]),
            Rule("/userinfo", endpoint="userinfo", methods=["GET", "POST"]),
            Rule("/logout", endpoint="logout", methods=["GET"]),
            Rule("/_sim/token", endpoint="sim_token", methods=["POST"]),
            Rule("/_sim/accounts", endpoint="sim_accounts", methods=["GET", "POST"]),
        ]

    # --- discovery -----------------------------------------------------------------------
    def on_discovery(self, request: Request) -> Response:
        return json_response(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/oauth2/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/.well-known/jwks.json",
                "end_session_endpoint": f"{self.url}/logout",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["none"],
                "scopes_supported": ["openid", "profile"],
                "claims_supported": ["sub", "SoDinhDanh", "HoVaTen", "ThuDienTu", "SoDienThoai", "LoaiTaiKhoan"],
            }
        )

    def on_jwks(self, request: Request) -> Response:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return json_response({"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]})

    # --- authorization code flow --------------------------------------------------------
    def on_authorize(self, request: Request) -> Response:
        params = request.form if request.method == "POST" else request.args
        client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
        if client_id != self.client_id:
            return self._error_page(f"Ứng dụng (client_id) {client_id!r} chưa được đăng ký với VNeID")
        if not self._redirect_allowed(redirect_uri):
            return self._error_page(f"Địa chỉ chuyển hướng {redirect_uri!r} không được phép")
        state = params.get("state", "")
        try:
            self._check_authorize(params)
        except OAuthError as exc:
            return _redirect(_with_query(redirect_uri, {"error": exc.error, "error_description": exc.description,
                                                        "state": state}))  # fmt: skip
        if request.method == "GET":
            return html_response(self._login_page(params))
        if params.get("cancel"):
            denied = {"error": "access_denied", "error_description": "Người dùng đã hủy đăng nhập", "state": state}
            return _redirect(_with_query(redirect_uri, denied))
        sub = params.get("sub", "")
        with self.lock:
            if sub not in self.accounts:
                return html_response(self._login_page(params, "Tài khoản không tồn tại"), 400)
            code = secrets.token_urlsafe(32)
            self.codes[code] = {
                "sub": sub,
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "challenge": params["code_challenge"],
                "nonce": params.get("nonce") or None,
                "expires": time.monotonic() + CODE_TTL_S,
            }
        return _redirect(_with_query(redirect_uri, {"code": code, "state": state}))

    def _check_authorize(self, params: MultiDict[str, str]) -> None:
        if params.get("response_type") != "code":
            raise OAuthError("unsupported_response_type", "Chỉ hỗ trợ response_type=code")
        if "openid" not in params.get("scope", "").split():
            raise OAuthError("invalid_scope", "scope phải có openid")
        if params.get("code_challenge_method") != "S256" or not _CHALLENGE.match(params.get("code_challenge", "")):
            raise OAuthError("invalid_request", "Bắt buộc PKCE: code_challenge (S256) và code_challenge_method=S256")

    def _redirect_allowed(self, uri: str) -> bool:
        if self.redirect_uris:
            return uri in self.redirect_uris
        parts = urlsplit(uri)
        return parts.scheme in ("http", "https") and parts.hostname in _LOOPBACK

    def on_token(self, request: Request) -> Response:
        form = request.form
        try:
            if form.get("grant_type") != "authorization_code":
                raise OAuthError("unsupported_grant_type", "Chỉ hỗ trợ grant_type=authorization_code")
            with self.lock:
                grant = self.codes.pop(form.get("code", ""), None)
            if grant is None or grant["expires"] < time.monotonic():
                raise OAuthError("invalid_grant", "Mã xác thực (code) không hợp lệ, đã dùng hoặc đã hết hạn")
            if form.get("client_id") != grant["client_id"]:
                raise OAuthError("invalid_client", "client_id không khớp với mã xác thực")
            if form.get("redirect_uri") != grant["redirect_uri"]:
                raise OAuthError("invalid_grant", "redirect_uri không khớp với yêu cầu xác thực")
            verifier = form.get("code_verifier", "")
            if not 43 <= len(verifier) <= 128 or pkce_challenge(verifier) != grant["challenge"]:
                raise OAuthError("invalid_grant", "code_verifier không khớp với code_challenge (PKCE)")
        except OAuthError as exc:
            return json_response({"error": exc.error, "error_description": exc.description}, 400)
        with self.lock:
            account = self.accounts.get(grant["sub"])
            if account is None:
                return json_response({"error": "invalid_grant", "error_description": "Tài khoản không còn"}, 400)
            return json_response(self._tokens(account, grant["nonce"], TOKEN_TTL_S, "authorization_code"))

    def _tokens(self, account: dict[str, str], nonce: str | None, ttl_s: int, via: str) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": self.client_id,
            "sub": account["sub"],
            "iat": now,
            "exp": now + ttl_s,
            "auth_time": now,
            "SoDinhDanh": account["SoDinhDanh"],
            "HoVaTen": account["HoVaTen"],
            "ThuDienTu": account.get("ThuDienTu", ""),
            "SoDienThoai": account.get("SoDienThoai", ""),
            "LoaiTaiKhoan": ACCOUNT_TYPE_PERSONAL,
        }
        id_claims = {**claims, "nonce": nonce} if nonce else claims
        access_claims = {**claims, "scope": "openid profile", "client_id": self.client_id,
                         "jti": secrets.token_hex(16), "token_use": "access"}  # fmt: skip
        headers = {"kid": self.kid}
        self.issued.append({"at": iso_now(), "sub": account["sub"], "via": via, "ttl_s": ttl_s})
        return {
            "access_token": jwt.encode(access_claims, self.key, algorithm="RS256", headers=headers),
            "id_token": jwt.encode(id_claims, self.key, algorithm="RS256", headers=headers),
            "token_type": "Bearer",
            "expires_in": ttl_s,
            "scope": "openid profile",
        }

    def on_userinfo(self, request: Request) -> Response:
        auth = request.headers.get("Authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        try:
            claims = jwt.decode(
                token, self.key.public_key(), algorithms=["RS256"], audience=self.client_id, issuer=self.url
            )
        except jwt.PyJWTError as exc:
            return _bearer_error(f"Access token không hợp lệ: {exc}")
        if claims.get("token_use") != "access":
            return _bearer_error("Chỉ chấp nhận access token")
        keep = ("sub", "SoDinhDanh", "HoVaTen", "ThuDienTu", "SoDienThoai", "LoaiTaiKhoan")
        return json_response({k: claims[k] for k in keep if k in claims})

    def on_logout(self, request: Request) -> Response:
        target = request.args.get("post_logout_redirect_uri", "")
        with self.lock:
            self.logouts.append({"at": iso_now(), "redirect": target})
        if target and self._redirect_allowed(target):
            return _redirect(_with_query(target, {"state": request.args.get("state", "")}))
        return html_response(_page("Đã đăng xuất", "<p>Bạn đã đăng xuất khỏi VNeID (mô phỏng).</p>"))

    # --- pages -------------------------------------------------------------------------------
    def _login_page(self, params: MultiDict[str, str], problem: str = "") -> str:
        e = html.escape
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{e(params.get(name, ""))}">' for name in _AUTHORIZE_PARAMS
        )
        groups: dict[str, list[str]] = {}
        with self.lock:
            for account in self.accounts.values():
                label = f"{account['HoVaTen']} — {_role_label(account.get('role', ''))}"
                button = (
                    f'<li><button type="submit" name="sub" value="{e(account["sub"])}">{e(label)}</button> '
                    f"<small>Số định danh {e(account['SoDinhDanh'])}</small></li>"
                )
                groups.setdefault(account.get("unit_code", ""), []).append(button)
        sections = "".join(f"<h2>Đơn vị {e(unit)}</h2><ul>{''.join(items)}</ul>" for unit, items in groups.items())
        alert = f'<p role="alert"><strong>{e(problem)}</strong></p>' if problem else ""
        body = (
            f"<p>Chọn tài khoản để đăng nhập vào ứng dụng <code>{e(params.get('client_id', ''))}</code>.</p>"
            f'{alert}<form method="post" action="/oauth2/authorize">{hidden}{sections}'
            '<p><button type="submit" name="cancel" value="1">Hủy</button></p></form>'
        )
        return _page("Đăng nhập bằng tài khoản định danh điện tử VNeID (mô phỏng)", body)

    def _error_page(self, message: str) -> Response:
        return html_response(_page("Yêu cầu đăng nhập không hợp lệ", f'<p role="alert">{html.escape(message)}</p>'),
                             400)  # fmt: skip

    # --- control -------------------------------------------------------------------------
    def on_sim_token(self, request: Request) -> Response:
        body = read_json_object(request)
        ttl = body.get("ttl_s", TOKEN_TTL_S)
        nonce = body.get("nonce")
        if not isinstance(ttl, int) or isinstance(ttl, bool) or not (nonce is None or isinstance(nonce, str)):
            return self.error(400, "BAD_REQUEST", "ttl_s phải là số nguyên, nonce là chuỗi")
        with self.lock:
            account = self._find(body)
            if account is None:
                return self.error(404, "NOT_FOUND", "Không có tài khoản với sub/SoDinhDanh này")
            return json_response(self._tokens(account, nonce, ttl, "sim"))

    def _find(self, body: dict[str, Any]) -> dict[str, str] | None:
        if "sub" in body:
            return self.accounts.get(body["sub"])
        return next((a for a in self.accounts.values() if a["SoDinhDanh"] == body.get("SoDinhDanh")), None)

    def on_sim_accounts(self, request: Request) -> Response:
        if request.method == "GET":
            with self.lock:
                return json_response(list(self.accounts.values()))
        account = read_json_object(request)
        problems = validate_account(account)
        if problems:
            return self.error(400, "BAD_ACCOUNT", "Tài khoản không hợp lệ", errors=problems)
        with self.lock:
            self.accounts[account["sub"]] = account
        return json_response(account, 201)

    def snapshot(self) -> dict[str, Any]:
        return {"issued": self.issued, "logouts": self.logouts, "pending_codes": len(self.codes)}

    def clear(self) -> None:
        self.issued.clear()
        self.logouts.clear()
        self.codes.clear()
        self.accounts = {a["sub"]: dict(a) for a in self.initial_accounts}


def validate_account(account: Any) -> list[str]:
    """Problems of an account record (fields of ``DEMO_ACCOUNTS``; all strings; 12-digit SoDinhDanh)."""
    if not isinstance(account, dict):
        return ["Tài khoản phải là một đối tượng JSON"]
    problems = [f"{k}: không có trong danh sách trường" for k in account if k not in ACCOUNT_FIELDS]
    problems += [f"{k}: phải là chuỗi" for k, v in account.items() if not isinstance(v, str)]
    for required in ("sub", "SoDinhDanh", "HoVaTen"):
        if not account.get(required):
            problems.append(f"{required}: bắt buộc")
    number = account.get("SoDinhDanh")
    if isinstance(number, str) and number and not (len(number) == 12 and number.isdigit()):
        problems.append("SoDinhDanh: phải gồm đúng 12 chữ số")
    return problems


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def _redirect(location: str) -> Response:
    return Response("", status=302, headers={"Location": location, "Cache-Control": "no-store"})


def _bearer_error(description: str) -> Response:
    return json_response(
        {"error": "invalid_token", "error_description": description},
        401,
        {"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1.5rem;max-width:48rem}}button{{margin:.2rem 0;padding:.3rem .6rem}}</style>
</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"""
