"""The ``Authorization: Bearer <credential>`` header officers and integration clients present.

One stable code per situation; the message never says which check failed, and no error ever
carries the credential."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.errors import HosoError


def auth_required() -> HosoError:
    return HosoError("AUTH_REQUIRED", "Cần đăng nhập (mã xác thực Bearer) để thực hiện thao tác này.", 401)


def bearer(authorization: str | None, invalid: Callable[[], HosoError]) -> str:
    """The credential of an ``Authorization: Bearer <credential>`` header."""
    if authorization is None or not authorization.strip():
        raise auth_required()
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential or " " in credential:
        raise invalid()
    return credential
