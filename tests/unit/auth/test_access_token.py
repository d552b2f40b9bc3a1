"""Verifying VNeID access tokens: what passes, and every forgery that must not."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from chalicelib.auth import tokens as tokens_auth
from chalicelib.errors import HosoError
from tests.unit.auth.conftest import AUDIENCE, Issuer, JwksServer, public_jwk


def refused(token: str) -> HosoError:
    with pytest.raises(HosoError) as caught:
        tokens_auth.verify_access_token(token)
    err = caught.value
    assert len(token) < 8 or token not in json.dumps(err.body(), ensure_ascii=False)
    return err


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_token_signed_by_the_issuer_gives_its_claims(issuer: Issuer) -> None:
    claims = tokens_auth.verify_access_token(issuer.token("sub-42"))
    assert claims.sub == "sub-42"
    assert claims.name == "Nguyễn Văn An"
    assert claims.expires_at > claims.issued_at
    assert claims.raw["SoDinhDanh"] == "001203004567"


def test_an_audience_list_containing_ours_is_accepted(issuer: Issuer) -> None:
    assert tokens_auth.verify_access_token(issuer.token(aud=["other-app", AUDIENCE])).sub == "vneid-sub-001"


def test_es256_keys_are_accepted(issuer: Issuer, ec_key: Any) -> None:
    issuer.server.document["keys"].append(public_jwk(ec_key, "ec1"))
    token = issuer.token(key=ec_key, kid="ec1", algorithm="ES256")
    assert tokens_auth.verify_access_token(token).sub == "vneid-sub-001"


def test_small_clock_skew_is_tolerated(issuer: Issuer) -> None:
    now = int(time.time())
    assert tokens_auth.verify_access_token(issuer.token(iat=now - 700, exp=now - 10)).sub
    assert tokens_auth.verify_access_token(issuer.token(nbf=now + 10)).sub


def test_alg_none_is_refused(issuer: Issuer) -> None:
    token = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': 'k1'})}.{b64(issuer.claims())}."
    assert refused(token).code == "INVALID_TOKEN"


def test_hs256_signed_with_the_public_key_is_refused(issuer: Issuer) -> None:
    """Key confusion: the RSA public key (as published) used as an HMAC secret."""
    pem = issuer.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64({"alg": "HS256", "typ": "JWT", "kid": "k1"})
    payload = b64(issuer.claims())
    signature = hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    assert refused(token).code == "INVALID_TOKEN"


def test_an_rs256_header_on_an_ec_key_is_refused(issuer: Issuer, ec_key: Any) -> None:
    issuer.server.document["keys"].append(public_jwk(ec_key, "ec1"))
    assert refused(issuer.token(kid="ec1")).code == "INVALID_TOKEN"  # signed RS256 with the RSA key, kid of EC key


def test_an_expired_token_is_refused_as_expired(issuer: Issuer) -> None:
    now = int(time.time())
    err = refused(issuer.token(iat=now - 900, exp=now - 120))
    assert (err.status, err.code) == (401, "TOKEN_EXPIRED")
    assert err.message == "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."


def test_a_token_not_yet_valid_is_refused(issuer: Issuer) -> None:
    assert refused(issuer.token(nbf=int(time.time()) + 300)).code == "INVALID_TOKEN"


def test_a_token_issued_in_the_future_is_refused(issuer: Issuer) -> None:
    now = int(time.time())
    assert refused(issuer.token(iat=now + 300, exp=now + 900)).code == "INVALID_TOKEN"


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "aud", "sub"])
def test_a_token_missing_a_required_claim_is_refused(issuer: Issuer, claim: str) -> None:
    assert refused(issuer.token(**{claim: None})).code == "INVALID_TOKEN"


def test_another_issuer_is_refused(issuer: Issuer) -> None:
    assert refused(issuer.token(iss="https://evil.example")).code == "INVALID_TOKEN"


def test_another_audience_is_refused(issuer: Issuer) -> None:
    assert refused(issuer.token(aud="dvcqg-citizens")).code == "INVALID_TOKEN"


def test_an_empty_subject_is_refused(issuer: Issuer) -> None:
    assert refused(issuer.token(sub=" ")).code == "INVALID_TOKEN"


def test_an_unknown_kid_is_refused(issuer: Issuer) -> None:
    assert refused(issuer.token(kid="k-unknown")).code == "INVALID_TOKEN"


def test_a_missing_kid_is_refused(issuer: Issuer) -> None:
    assert refused(issuer.token(kid=None)).code == "INVALID_TOKEN"


def test_a_key_the_issuer_never_published_is_refused(issuer: Issuer, other_rsa_key: Any) -> None:
    assert refused(issuer.token(key=other_rsa_key)).code == "INVALID_TOKEN"


def test_a_tampered_payload_is_refused(issuer: Issuer) -> None:
    header, _, signature = issuer.token("sub-1").split(".")
    forged = f"{header}.{b64(issuer.claims('sub-admin'))}.{signature}"
    assert refused(forged).code == "INVALID_TOKEN"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "....", "x" * 10_000, "eyJhbGciOiJSUzI1NiJ9.e30"])
def test_garbage_is_refused(issuer: Issuer, garbage: str) -> None:
    err = refused(garbage)
    assert (err.status, err.code) == (401, "INVALID_TOKEN")


def test_error_messages_do_not_tell_which_check_failed(issuer: Issuer) -> None:
    errors = [refused(issuer.token(iss="x")), refused(issuer.token(aud="x")), refused(issuer.token(kid="x"))]
    assert len({(e.code, e.message) for e in errors}) == 1


def test_unknown_kids_cannot_make_us_hammer_the_issuer(issuer: Issuer) -> None:
    for n in range(20):
        refused(issuer.token(kid=f"invented-{n}"))
    assert issuer.server.hits == 1


def test_the_issuer_unreachable_with_no_keys_yet_is_a_503(issuer: Issuer) -> None:
    issuer.server.failing = True
    err = refused(issuer.token())
    assert (err.status, err.code) == (503, "AUTH_UNAVAILABLE")


# --- the key cache, with a clock we control --------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cache(server: JwksServer, clock: Clock) -> tokens_auth.JwksCache:
    return tokens_auth.JwksCache(server.url, clock=clock)


def test_an_unknown_kid_refreshes_once_after_the_minimum_interval(issuer: Issuer, other_rsa_key: Any) -> None:
    clock = Clock()
    keys = cache(issuer.server, clock)
    assert keys.key("k1") is not None
    issuer.server.document["keys"].append(public_jwk(other_rsa_key, "k2"))
    assert keys.key("k2") is None
    clock.now += tokens_auth.JWKS_MIN_REFRESH_S
    assert keys.key("k2") is not None
    assert issuer.server.hits == 2
    clock.now += 1
    assert keys.key("k3") is None
    assert keys.key("k4") is None
    assert issuer.server.hits == 2


def test_keys_are_refetched_after_the_ttl(issuer: Issuer) -> None:
    clock = Clock()
    keys = cache(issuer.server, clock)
    keys.key("k1")
    clock.now += tokens_auth.JWKS_TTL_S - 1
    keys.key("k1")
    assert issuer.server.hits == 1
    issuer.server.document = {"keys": []}  # the issuer withdrew k1
    clock.now += 1
    assert keys.key("k1") is None
    assert issuer.server.hits == 2


def test_stale_keys_serve_while_the_issuer_is_down_then_expire(issuer: Issuer) -> None:
    clock = Clock()
    keys = cache(issuer.server, clock)
    keys.key("k1")
    issuer.server.failing = True
    clock.now += tokens_auth.JWKS_TTL_S + 10
    assert keys.key("k1") is not None
    assert issuer.server.hits == 2
    clock.now += tokens_auth.JWKS_MAX_STALE_S
    with pytest.raises(tokens_auth.JwksUnavailableError):
        keys.key("k1")


def test_odd_keys_in_the_set_are_ignored_not_fatal(rsa_key: Any) -> None:
    good = public_jwk(rsa_key, "good")
    keys = tokens_auth.parse_jwks(
        {
            "keys": [
                good,
                {**good, "kid": "enc", "use": "enc"},
                {**good, "kid": "rs512", "alg": "RS512"},
                {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
                {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
                {**good, "kid": ""},
                "not a key",
            ]
        }
    )
    assert set(keys) == {"good"}


def test_the_jwks_is_fetched_over_https_or_loopback_only() -> None:
    with pytest.raises(ValueError, match="https"):
        tokens_auth.fetch_jwks("http://vneid.example/.well-known/jwks.json")
    with pytest.raises(ValueError, match="https"):
        tokens_auth.fetch_jwks("file:///etc/passwd")


def test_a_non_jwks_document_is_refused(jwks_server: JwksServer) -> None:
    jwks_server.document = {"not": "keys"}
    with pytest.raises(ValueError):
        tokens_auth.fetch_jwks(jwks_server.url)


# --- an ID token is not an access token (issue 11, Low) -------------------------------------


def test_an_id_token_is_refused(issuer: Issuer) -> None:
    # what the VNeID simulator hands the browser as id_token: same issuer, keys, audience and
    # subject as the access token, but no token_use — proof of a login, not a grant to call hoso
    id_token = issuer.token(token_use=None, nonce="n-123")
    with pytest.raises(HosoError) as caught:
        tokens_auth.verify_access_token(id_token)
    assert (caught.value.status, caught.value.code) == (401, "INVALID_TOKEN")
    with pytest.raises(HosoError):
        tokens_auth.verify_access_token(issuer.token(token_use="id"))


def test_an_rfc9068_access_token_is_accepted_by_its_type(issuer: Issuer) -> None:
    import jwt

    token = jwt.encode(issuer.claims(token_use=None), issuer.key, algorithm="RS256",
                       headers={"kid": "k1", "typ": "at+jwt"})  # fmt: skip
    assert tokens_auth.verify_access_token(token).sub == "vneid-sub-001"
    assert tokens_auth.verify_access_token(issuer.token()).sub == "vneid-sub-001"  # token_use: access
