"""Secrets through Powertools' parameters utility: cached ``TTL_S`` seconds, a rotated key seen
once the cache is older or cleared, and the SDK's own errors for a missing or malformed secret."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from chalicelib.aws import client, reset_clients
from chalicelib.integrations import secrets


@pytest.fixture
def manager() -> Iterator[object]:
    with mock_aws():
        reset_clients()
        secrets.clear_cache()
        sm = client("secretsmanager")
        sm.create_secret(Name="hoso/test/key", SecretString=json.dumps({"key": "old"}))
        yield sm
        secrets.clear_cache()
        reset_clients()


def _rotate(sm: object, value: str) -> None:
    sm.put_secret_value(SecretId="hoso/test/key", SecretString=json.dumps({"key": value}))  # type: ignore[attr-defined]


def test_a_value_is_reused_until_the_cache_is_cleared(manager: object) -> None:
    assert secrets.get_json("hoso/test/key") == {"key": "old"}
    _rotate(manager, "new")
    assert secrets.get_json("hoso/test/key") == {"key": "old"}  # within TTL_S: no call to Secrets Manager
    secrets.clear_cache()
    assert secrets.get_json("hoso/test/key") == {"key": "new"}


def test_a_rotated_key_is_read_once_the_cached_value_is_older_than_the_ttl(
    manager: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(secrets, "TTL_S", 0)  # every cached value is already too old
    assert secrets.get_json("hoso/test/key") == {"key": "old"}
    _rotate(manager, "new")
    assert secrets.get_json("hoso/test/key") == {"key": "new"}


def test_a_missing_secret_is_the_sdks_resource_not_found(manager: object) -> None:
    with pytest.raises(ClientError) as raised:
        secrets.get_json("hoso/test/absent")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_secret_that_is_not_json_is_a_value_error(manager: object) -> None:
    manager.create_secret(Name="hoso/test/text", SecretString="not json")  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        secrets.get_json("hoso/test/text")
