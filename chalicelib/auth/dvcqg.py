"""DVCQG's requests (SPEC §7.1): HMAC-signed over the raw body (``chalicelib.domain.hmac_auth``),
verified by the route wrapper like every other access kind, before the view runs."""

from __future__ import annotations

import time
from collections.abc import Mapping

from chalicelib.domain.hmac_auth import verify_signature
from chalicelib.integrations import secrets as integration_secrets
from chalicelib.settings import get_settings


def authenticate_dvcqg(headers: Mapping[str, str], raw_body: bytes) -> str:
    """A DVCQG request's HMAC signature over its raw body (chalicelib.domain.hmac_auth): the key
    id that signed it; 401 ``MISSING_SIGNATURE``, ``UNKNOWN_KEY_ID``, ``STALE_TIMESTAMP`` or
    ``BAD_SIGNATURE`` otherwise."""
    keys = integration_secrets.get_json(get_settings().dvcqg_hmac_secret_id)
    return verify_signature(headers, raw_body, keys, time.time())
