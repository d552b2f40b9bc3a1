"""HMAC request signing of DVCQG → hoso calls (SPEC §7.1)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from chalicelib.domain.hmac_auth import sign, verify_signature
from chalicelib.errors import HosoError

KEYS = {"dvcqg-2025": "bí-mật-cũ", "dvcqg-2026": "new-secret-2026"}
BODY = '{"MaHoSoDVCQG":"G22.99-250915-0012","ChuHoSo":"Nguyễn Văn An"}'.encode()
NOW = 1_757_905_800.0


def headers(key_id: str = "dvcqg-2026", timestamp: int | str = int(NOW), body: bytes = BODY) -> dict[str, str]:
    secret = KEYS.get(key_id, "not-a-known-secret")
    return {
        "X-Hoso-Key-Id": key_id,
        "X-Hoso-Timestamp": str(timestamp),
        "X-Hoso-Signature": sign(secret, body, timestamp),
    }


def code_of(hdrs: dict[str, str], body: bytes = BODY, now: float = NOW) -> str:
    with pytest.raises(HosoError) as caught:
        verify_signature(hdrs, body, KEYS, now)
    assert caught.value.status == 401
    return caught.value.code


def test_the_signature_is_lowercase_hex_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(b"new-secret-2026", b"1757905800." + BODY, hashlib.sha256).hexdigest()
    assert sign("new-secret-2026", BODY, 1757905800) == expected == expected.lower()


def test_a_valid_signature_returns_the_key_id() -> None:
    assert verify_signature(headers(), BODY, KEYS, NOW) == "dvcqg-2026"


def test_the_second_key_of_a_rotation_is_accepted_too() -> None:
    assert verify_signature(headers("dvcqg-2025"), BODY, KEYS, NOW) == "dvcqg-2025"


def test_header_names_are_case_insensitive() -> None:
    upper = {k.upper(): v for k, v in headers().items()}
    lower = {k.lower(): v for k, v in headers().items()}
    assert verify_signature(upper, BODY, KEYS, NOW) == "dvcqg-2026"
    assert verify_signature(lower, BODY, KEYS, NOW) == "dvcqg-2026"


def test_an_uppercase_hex_signature_is_the_same_signature() -> None:
    hdrs = headers()
    hdrs["X-Hoso-Signature"] = hdrs["X-Hoso-Signature"].upper()
    assert verify_signature(hdrs, BODY, KEYS, NOW) == "dvcqg-2026"


@pytest.mark.parametrize("missing", ["X-Hoso-Key-Id", "X-Hoso-Timestamp", "X-Hoso-Signature"])
def test_a_missing_header(missing: str) -> None:
    hdrs = headers()
    del hdrs[missing]
    assert code_of(hdrs) == "MISSING_SIGNATURE"
    hdrs[missing] = "  "
    assert code_of(hdrs) == "MISSING_SIGNATURE"


def test_no_headers_at_all() -> None:
    assert code_of({}) == "MISSING_SIGNATURE"


def test_an_unknown_key_id() -> None:
    assert code_of(headers("dvcqg-2099")) == "UNKNOWN_KEY_ID"


@pytest.mark.parametrize("offset", [-301, 301, -10_000, 86_400])
def test_a_stale_timestamp(offset: int) -> None:
    assert code_of(headers(timestamp=int(NOW) + offset)) == "STALE_TIMESTAMP"


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_timestamps_inside_the_window(offset: int) -> None:
    assert verify_signature(headers(timestamp=int(NOW) + offset), BODY, KEYS, NOW) == "dvcqg-2026"


@pytest.mark.parametrize("timestamp", ["1757905800.5", "-1757905800", "1757905800000", "abc", "1e9", "١٧٥٧٩٠٥٨٠٠"])
def test_a_timestamp_that_is_not_whole_unix_seconds(timestamp: str) -> None:
    assert code_of(headers(timestamp=timestamp)) == "STALE_TIMESTAMP"


def test_a_body_changed_after_signing() -> None:
    hdrs = headers()
    assert code_of(hdrs, body=BODY.replace(b"An", "Ân".encode())) == "BAD_SIGNATURE"
    assert code_of(hdrs, body=BODY + b" ") == "BAD_SIGNATURE"


def test_a_signature_made_with_another_keys_secret() -> None:
    hdrs = headers("dvcqg-2025")
    hdrs["X-Hoso-Key-Id"] = "dvcqg-2026"
    assert code_of(hdrs) == "BAD_SIGNATURE"


def test_a_signature_for_another_timestamp() -> None:
    hdrs = headers()
    hdrs["X-Hoso-Timestamp"] = str(int(NOW) + 1)
    assert code_of(hdrs) == "BAD_SIGNATURE"


@pytest.mark.parametrize("signature", ["abc", "g" * 64, "chữ-ký", "0" * 64, "sha256=" + "0" * 64])
def test_malformed_or_wrong_signatures(signature: str) -> None:
    hdrs = headers()
    hdrs["X-Hoso-Signature"] = signature
    assert code_of(hdrs) == "BAD_SIGNATURE"


def test_the_window_is_configurable() -> None:
    hdrs = headers(timestamp=int(NOW) - 100)
    assert verify_signature(hdrs, BODY, KEYS, NOW, window_s=100) == "dvcqg-2026"
    with pytest.raises(HosoError) as caught:
        verify_signature(hdrs, BODY, KEYS, NOW, window_s=99)
    assert caught.value.code == "STALE_TIMESTAMP"


def test_messages_are_vietnamese() -> None:
    with pytest.raises(HosoError) as caught:
        verify_signature(headers(), BODY + b"x", KEYS, NOW)
    assert caught.value.body() == {
        "error_code": "BAD_SIGNATURE",
        "message": "Chữ ký yêu cầu (X-Hoso-Signature) không đúng.",
    }
