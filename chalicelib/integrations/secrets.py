"""Secrets Manager access through Powertools' parameters utility (its cache included): keys
rotate, so a value is reused at most ``TTL_S`` seconds; a warm Lambda does not call Secrets
Manager on every request.

The provider is built on first use over :func:`chalicelib.aws.client` (the stage's region and
endpoint: the moto server locally) and kept with its cache in ``_cache`` (a dict, so that the IAM
call recorder, local/aws_calls.py, can give each function its own, as each Lambda has);
:func:`clear_cache` forgets both — the one reset tests and the local stack call after changing the
environment or a secret."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.aws import client

TTL_S = 300
_cache: dict[str, Any] = {}  # "provider": the SecretsProvider and, inside it, the cached values
_lock = threading.Lock()


def _secrets() -> Any:
    with _lock:
        provider = _cache.get("provider")
        if provider is None:
            from aws_lambda_powertools.utilities.parameters import SecretsProvider

            provider = _cache["provider"] = SecretsProvider(boto3_client=client("secretsmanager"))
        return provider


def get_json(secret_id: str) -> Any:
    """The secret's JSON value, fetched again once it is ``TTL_S`` seconds old. Failures are the
    SDK's own (``ClientError``: callers tell a missing secret apart) and ``ValueError`` for a value
    that is not JSON, not Powertools' wrappers of them."""
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError

    try:
        return _secrets().get(secret_id, max_age=TTL_S, transform="json")
    except (GetParameterError, TransformParameterError) as err:
        if isinstance(err.__context__, Exception):
            raise err.__context__ from None
        raise


def clear_cache() -> None:
    with _lock:
        _cache.clear()
