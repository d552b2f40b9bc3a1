"""HMAC request signing of DVCQG → hoso calls (SPEC §7.1).

The caller sends three headers (names are case-insensitive):

* ``X-Hoso-Key-Id`` — which shared secret signed the request (several may be active, so
  secrets can be rotated without downtime);
* ``X-Hoso-Timestamp`` — Unix time in whole seconds;
* ``X-Hoso-Signature`` — lowercase hex of HMAC-SHA256(secret, ``timestamp + "." + raw body``).

:func:`verify_signature` accepts a request only when the key is known, the timestamp is
within ``window_s`` (300 s) of our clock and the signature matches (compared in constant
time). Failures are 401 with distinct, stable codes: ``MISSING_SIGNATURE``,
``UNKNOWN_KEY_ID``, ``STALE_TIMESTAMP``, ``BAD_SIGNATURE``.

Replay: inside the window a captured request can be sent again verbatim; that is harmless
because intake is idempotent on ``MaHoSoDVCQG`` (same reference + same body → the same
answer, another body → 409). Outside the window the timestamp check rejects it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

from chalicelib.errors import HosoError

KEY_ID_HEADER = "X-Hoso-Key-Id"
TIMESTAMP_HEADER = "X-Hoso-Timestamp"
SIGNATURE_HEADER = "X-Hoso-Signature"
DEFAULT_WINDOW_S = 300

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")


def sign(secret: str, raw_body: bytes, timestamp: int | str) -> str:
    """The signature of ``raw_body`` at ``timestamp``: lowercase hex HMAC-SHA256."""
    message = f"{timestamp}.".encode() + raw_body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _fail(code: str, message: str) -> HosoError:
    return HosoError(code, message, 401)


def verify_signature(
    headers: Mapping[str, str],
    raw_body: bytes,
    keys: Mapping[str, str],
    now: float,
    window_s: int = DEFAULT_WINDOW_S,
) -> str:
    """Check the request's signature headers; return the key id that signed it.

    ``keys`` maps key ids to secrets (every active key); ``now`` is the current Unix time.
    Raises :class:`HosoError` 401 with one of the stable codes of this module.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    key_id = (lowered.get(KEY_ID_HEADER.lower()) or "").strip()
    timestamp = (lowered.get(TIMESTAMP_HEADER.lower()) or "").strip()
    signature = (lowered.get(SIGNATURE_HEADER.lower()) or "").strip()
    if not key_id or not timestamp or not signature:
        raise _fail(
            "MISSING_SIGNATURE",
            f"Thiếu chữ ký yêu cầu: cần các tiêu đề {KEY_ID_HEADER}, {TIMESTAMP_HEADER} và {SIGNATURE_HEADER}.",
        )
    secret = keys.get(key_id)
    if secret is None:
        raise _fail("UNKNOWN_KEY_ID", "Mã khóa ký (X-Hoso-Key-Id) không được hệ thống chấp nhận.")
    if not _TIMESTAMP.fullmatch(timestamp) or abs(now - int(timestamp)) > window_s:
        raise _fail(
            "STALE_TIMESTAMP",
            f"Thời điểm ký (X-Hoso-Timestamp) phải là giây Unix, lệch không quá {window_s} giây so với hiện tại.",
        )
    expected = sign(secret, raw_body, timestamp).encode("ascii")
    provided = signature.lower().encode("utf-8") if _SIGNATURE.fullmatch(signature) else b""
    if not hmac.compare_digest(expected, provided):
        raise _fail("BAD_SIGNATURE", "Chữ ký yêu cầu (X-Hoso-Signature) không đúng.")
    return key_id
