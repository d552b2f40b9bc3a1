"""boto3 clients, built lazily and once per process (each Lambda imports the whole
package, so module-level clients would cost every function's cold start).

The endpoint comes from boto3's own ``AWS_ENDPOINT_URL`` handling: unset on AWS, the
local moto server locally.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from chalicelib.settings import get_settings


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        service,
        region_name=get_settings().region,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=3, read_timeout=10),
    )


def reset_clients() -> None:
    client.cache_clear()
