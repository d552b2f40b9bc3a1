"""Secrets Manager access with a short in-process cache (keys rotate; a cold Lambda
must not call Secrets Manager on every request)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from chalicelib.aws import client

TTL_S = 300
_cache: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def get_json(secret_id: str) -> Any:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(secret_id)
        if hit and now - hit[0] < TTL_S:
            return hit[1]
    value = json.loads(client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])
    with _lock:
        _cache[secret_id] = (now, value)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()
