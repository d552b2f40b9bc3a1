"""The route wrapper verifies DVCQG's HMAC signature like every other access kind, without HTTP:
``chalicelib.api.routing._authenticate`` on a DVCQG_HMAC route, the key ring from the secret
(chalicelib.auth.dvcqg.authenticate_dvcqg), the view never reached when it fails."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.api import routing
from chalicelib.api.routing import Access
from chalicelib.domain.hmac_auth import KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from chalicelib.errors import HosoError
from chalicelib.integrations import secrets

KEYS = {"dvcqg-1": "secret-one"}
BODY = b'{"MaHoSoDVCQG": "DVCQG-1"}'


@pytest.fixture
def key_ring(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    fetched: list[str] = []

    def get_json(secret_id: str) -> dict[str, str]:
        fetched.append(secret_id)
        return KEYS

    monkeypatch.setattr(secrets, "get_json", get_json)
    return fetched


def _request(body: bytes, headers: dict[str, str]) -> Any:
    return SimpleNamespace(raw_body=body, headers=headers)


def _signed(body: bytes, key_id: str = "dvcqg-1", secret: str = KEYS["dvcqg-1"]) -> dict[str, str]:
    ts = int(time.time())
    return {KEY_ID_HEADER: key_id, TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: sign(secret, body, ts)}


def _refusal(request: Any) -> tuple[int, str]:
    with pytest.raises(HosoError) as caught:
        routing._authenticate(Access.DVCQG_HMAC, frozenset(), None, request)
    return caught.value.status, caught.value.code


def test_a_signed_request_passes(key_ring: list[str]) -> None:
    assert routing._authenticate(Access.DVCQG_HMAC, frozenset(), None, _request(BODY, _signed(BODY))) is None
    assert key_ring


def test_unsigned_unknown_key_and_bad_signature_are_refused_before_the_view(key_ring: list[str]) -> None:
    assert _refusal(_request(BODY, {})) == (401, "MISSING_SIGNATURE")
    assert _refusal(_request(BODY, _signed(BODY, key_id="other"))) == (401, "UNKNOWN_KEY_ID")
    assert _refusal(_request(BODY, _signed(BODY, secret="not-the-secret"))) == (401, "BAD_SIGNATURE")
    assert _refusal(_request(BODY + b" ", _signed(BODY))) == (401, "BAD_SIGNATURE")


def test_a_body_over_the_limit_is_refused_before_its_signature_is_computed(key_ring: list[str]) -> None:
    big = b"x" * (routing.MAX_BODY_BYTES + 1)
    assert _refusal(_request(big, _signed(big)))[0] == 413
    assert key_ring == []


def test_a_public_route_checks_no_signature(key_ring: list[str]) -> None:
    assert routing._authenticate(Access.PUBLIC, frozenset(), None, _request(BODY, {})) is None
    assert key_ring == []
