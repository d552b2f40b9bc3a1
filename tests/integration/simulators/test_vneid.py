"""VNeID as an OIDC issuer (SPEC §7.6): PKCE code flow, tokens verified against the JWKS."""

from __future__ import annotations

import secrets
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from chalicelib.domain.roles import PROCESSING_ROLES, Role
from local.simulators.accounts import DEMO_ACCOUNTS, DEMO_UNITS
from local.simulators.vneid import pkce_challenge

CLIENT = "hoso-officers"
REDIRECT = "http://127.0.0.1:5173/auth/callback"


class FormReader(HTMLParser):
    """The hidden inputs and the account buttons of the login page."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.accounts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"] or ""] = a.get("value") or ""
        if tag == "button" and a.get("name") == "sub":
            self.accounts.append(a.get("value") or "")


def authorize_params(verifier: str, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": CLIENT,
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "st-123",
        "nonce": "n-456",
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
        **extra,
    }


def get_code(url: str, verifier: str, sub: str) -> str:
    page = requests.get(f"{url}/oauth2/authorize", params=authorize_params(verifier), timeout=5)
    assert page.status_code == 200
    form = FormReader()
    form.feed(page.text)
    assert sub in form.accounts
    chosen = requests.post(f"{url}/oauth2/authorize", data={**form.hidden, "sub": sub}, allow_redirects=False,
                           timeout=5)  # fmt: skip
    assert chosen.status_code == 302
    location = urlsplit(chosen.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["st-123"]
    return query["code"][0]


def exchange(url: str, code: str, verifier: str) -> requests.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": CLIENT,
            "code_verifier": verifier}  # fmt: skip
    return requests.post(f"{url}/token", data=form, timeout=5)


def verify(url: str, token: str) -> dict[str, Any]:
    jwks = jwt.PyJWKClient(f"{url}/.well-known/jwks.json")
    key = jwks.get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=CLIENT, issuer=url,
                      options={"require": ["exp", "iat", "iss", "aud", "sub"]})  # fmt: skip


def test_discovery_document(sims: dict[str, str]) -> None:
    url = sims["vneid"]
    config = requests.get(f"{url}/.well-known/openid-configuration", timeout=5).json()
    assert config["issuer"] == url
    assert config["jwks_uri"] == f"{url}/.well-known/jwks.json"
    assert config["authorization_endpoint"] == f"{url}/oauth2/authorize"
    assert config["code_challenge_methods_supported"] == ["S256"]


def test_pkce_code_flow_gives_tokens_that_verify_against_the_jwks(sims: dict[str, str]) -> None:
    url = sims["vneid"]
    account = DEMO_ACCOUNTS[7]
    verifier = secrets.token_urlsafe(48)
    answer = exchange(url, get_code(url, verifier, account["sub"]), verifier)
    assert answer.status_code == 200
    tokens = answer.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600

    claims = verify(url, tokens["id_token"])
    assert claims["sub"] == account["sub"] and claims["nonce"] == "n-456"
    assert claims["exp"] - claims["iat"] == 3600
    for name in ("SoDinhDanh", "HoVaTen", "ThuDienTu", "SoDienThoai"):
        assert claims[name] == account[name]
    assert claims["LoaiTaiKhoan"]
    assert jwt.get_unverified_header(tokens["id_token"])["kid"]
    access = verify(url, tokens["access_token"])
    assert access["sub"] == account["sub"] and access["token_use"] == "access"

    info = requests.get(f"{url}/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=5)
    assert info.status_code == 200 and info.json()["HoVaTen"] == account["HoVaTen"]
    with_id_token = requests.get(f"{url}/userinfo", headers={"Authorization": f"Bearer {tokens['id_token']}"},
                                 timeout=5)  # fmt: skip
    assert with_id_token.status_code == 401
    assert requests.get(f"{url}/userinfo", timeout=5).status_code == 401

    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(tokens["id_token"], jwt.PyJWKClient(f"{url}/.well-known/jwks.json")
                   .get_signing_key_from_jwt(tokens["id_token"]).key, algorithms=["RS256"], audience="other-app")
    issued = requests.get(f"{url}/_sim/records", timeout=5).json()["issued"]
    assert [(i["sub"], i["via"]) for i in issued] == [(account["sub"], "authorization_code")]


def test_wrong_verifier_and_reused_code_are_refused(sims: dict[str, str]) -> None:
    url = sims["vneid"]
    verifier = secrets.token_urlsafe(48)
    wrong = exchange(url, get_code(url, verifier, DEMO_ACCOUNTS[0]["sub"]), secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"

    code = get_code(url, verifier, DEMO_ACCOUNTS[0]["sub"])
    assert exchange(url, code, verifier).status_code == 200
    reused = exchange(url, code, verifier)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_bad_authorization_requests(sims: dict[str, str]) -> None:
    url = sims["vneid"]
    verifier = secrets.token_urlsafe(48)
    no_pkce = {k: v for k, v in authorize_params(verifier).items() if not k.startswith("code_challenge")}
    answer = requests.get(f"{url}/oauth2/authorize", params=no_pkce, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["invalid_request"]

    plain = authorize_params(verifier, code_challenge_method="plain")
    answer = requests.get(f"{url}/oauth2/authorize", params=plain, allow_redirects=False, timeout=5)
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["invalid_request"]

    for bad in ({"client_id": "stranger"}, {"redirect_uri": "https://evil.example/cb"}):
        page = requests.get(f"{url}/oauth2/authorize", params=authorize_params(verifier, **bad), timeout=5)
        assert page.status_code == 400 and "Location" not in page.headers

    cancel = requests.post(f"{url}/oauth2/authorize", data={**authorize_params(verifier), "cancel": "1"},
                           allow_redirects=False, timeout=5)  # fmt: skip
    assert parse_qs(urlsplit(cancel.headers["Location"]).query)["error"] == ["access_denied"]


def test_sim_token_without_a_browser(sims: dict[str, str]) -> None:
    url = sims["vneid"]
    account = DEMO_ACCOUNTS[-1]
    by_sub = requests.post(f"{url}/_sim/token", json={"sub": account["sub"]}, timeout=5).json()
    assert verify(url, by_sub["access_token"])["SoDinhDanh"] == account["SoDinhDanh"]
    by_number = requests.post(f"{url}/_sim/token", json={"SoDinhDanh": account["SoDinhDanh"]}, timeout=5).json()
    assert verify(url, by_number["id_token"])["sub"] == account["sub"]
    assert requests.post(f"{url}/_sim/token", json={"sub": "nobody"}, timeout=5).status_code == 404

    expired = requests.post(f"{url}/_sim/token", json={"sub": account["sub"], "ttl_s": -60}, timeout=5).json()
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(url, expired["access_token"])


def test_accounts_can_be_listed_and_added_until_reset(sims: dict[str, str]) -> None:
    url = sims["vneid"]
    listed = requests.get(f"{url}/_sim/accounts", timeout=5).json()
    assert listed == DEMO_ACCOUNTS
    newcomer = {"sub": "new-officer", "SoDinhDanh": "001200012399", "HoVaTen": "Trịnh Văn Mới", "role": "desk",
                "unit_code": "000.00.13.H26", "province_code": "01"}  # fmt: skip
    assert requests.post(f"{url}/_sim/accounts", json=newcomer, timeout=5).status_code == 201
    assert requests.post(f"{url}/_sim/token", json={"sub": "new-officer"}, timeout=5).status_code == 200
    bad = requests.post(f"{url}/_sim/accounts", json={"sub": "x", "SoDinhDanh": "12", "HoVaTen": 5}, timeout=5)
    assert bad.status_code == 400
    requests.post(f"{url}/_sim/reset", timeout=5).raise_for_status()
    assert requests.post(f"{url}/_sim/token", json={"sub": "new-officer"}, timeout=5).status_code == 404


def test_logout_redirects_to_loopback_only(sims: dict[str, str]) -> None:
    url = sims["vneid"]
    back = requests.get(f"{url}/logout", params={"post_logout_redirect_uri": REDIRECT, "state": "s"},
                        allow_redirects=False, timeout=5)  # fmt: skip
    assert back.status_code == 302 and back.headers["Location"] == f"{REDIRECT}?{urlencode({'state': 's'})}"
    page = requests.get(f"{url}/logout", params={"post_logout_redirect_uri": "https://evil.example/"},
                        allow_redirects=False, timeout=5)  # fmt: skip
    assert page.status_code == 200 and "Đã đăng xuất" in page.text


def test_demo_accounts_cover_every_role_in_both_provinces() -> None:
    units = {u["code"]: u for u in DEMO_UNITS}
    assert len({a["sub"] for a in DEMO_ACCOUNTS}) == len({a["SoDinhDanh"] for a in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        assert len(account["SoDinhDanh"]) == 12 and account["SoDinhDanh"].isdigit()
        assert not account["HoVaTen"].isascii()
        assert units[account["unit_code"]]["province_code"] == account["province_code"]
        Role(account["role"])
    for province in ("01", "79"):
        roles = {a["role"] for a in DEMO_ACCOUNTS if a["province_code"] == province}
        assert roles == {r.value for r in PROCESSING_ROLES} | {"province_admin"}
    ministry = {a["role"] for a in DEMO_ACCOUNTS if a["province_code"] == ""}
    assert ministry == {r.value for r in PROCESSING_ROLES} | {"admin", "operator"}
