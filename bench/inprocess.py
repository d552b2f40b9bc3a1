"""An in-process AWS (moto's mock) for the benchmarks that call chalicelib directly, with hoso's
clients, settings and PynamoDB connections reset on the way in and out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from moto import mock_aws

from chalicelib import aws
from chalicelib.settings import reset_settings_cache
from chalicelib.store.models import reset_connections

REGION = "ap-southeast-1"


def _reset() -> None:
    reset_settings_cache()
    aws.reset_clients()
    reset_connections()


@contextmanager
def mocked_aws() -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": REGION})
    os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws():
            _reset()
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        _reset()
