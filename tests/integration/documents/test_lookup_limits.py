"""The public lookup's limits behind the government integration gateway (issue 11, Medium 10):
every citizen arriving through the gateway has the gateway's source address, so a limit keyed
on it let one abuser lock every citizen out; the limit is keyed on the client address the
trusted gateway forwards (a header a caller adds itself changes nothing), and a dossier's
token cannot be guessed faster by spreading the guesses over many addresses."""

from __future__ import annotations

import time
import types
import urllib.parse

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.api import caller
from chalicelib.documents import lookup
from chalicelib.settings import reset_settings_cache
from tests.integration.documents.conftest import World

GATEWAY = "198.51.100.7"


@pytest.fixture(autouse=True)
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits count per calendar minute: every request of a test falls in the same one (on a
    loaded machine a test's requests could otherwise straddle a minute and start a fresh count)."""
    frozen = time.time()
    monkeypatch.setattr(lookup, "time", types.SimpleNamespace(time=lambda: frozen))


@pytest.fixture
def behind_gateway(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("HOSO_TRUSTED_PROXIES", f"{GATEWAY}/32")
    reset_settings_cache()
    caller._configured.cache_clear()
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", GATEWAY)
    return world


def _lookup(world: World, code: str, token: str, forwarded: str | None = None) -> int:
    """``forwarded``: the header as the gateway sends it; API Gateway appends the address the
    connection came from (here the gateway's) before Lambda sees it, as on AWS."""
    source = LambdaEventConverter.LOCAL_SOURCE_IP
    headers = {"X-Forwarded-For": f"{forwarded}, {source}"} if forwarded is not None else None
    path = f"/v1/public/dossiers/{urllib.parse.quote(code, safe='')}?token={token}"
    return int(world.call("GET", path, headers=headers).status_code)


def test_one_abuser_behind_the_gateway_does_not_lock_other_citizens_out(behind_gateway: World) -> None:
    world = behind_gateway
    dossier = world.desk_dossier()
    token = lookup.token_for(dossier.code)
    for _ in range(lookup.LIMIT_PER_MINUTE):
        assert _lookup(world, dossier.code, token, "203.0.113.66") == 200
    assert _lookup(world, dossier.code, token, "203.0.113.66") == 429
    # the abuser's own forged entries, left of what the gateway appended, change nothing
    assert _lookup(world, dossier.code, token, "10.9.9.9, 203.0.113.66") == 429
    assert _lookup(world, dossier.code, token, f"{GATEWAY}, 203.0.113.66") == 429
    # another citizen through the same gateway still has its own budget
    assert _lookup(world, dossier.code, token, "203.0.113.67") == 200


def test_a_direct_caller_cannot_buy_a_fresh_budget_with_the_header(world: World,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "203.0.113.70")
    dossier = world.desk_dossier()
    token = lookup.token_for(dossier.code)
    for i in range(lookup.LIMIT_PER_MINUTE):
        assert _lookup(world, dossier.code, token, f"192.0.2.{i}") == 200
    assert _lookup(world, dossier.code, token, "192.0.2.200") == 429


def test_guessing_one_dossier_s_token_from_many_addresses_is_limited(behind_gateway: World) -> None:
    world = behind_gateway
    dossier = world.desk_dossier()
    token = lookup.token_for(dossier.code)
    wrong = "ZZZZZZZZ" if token != "ZZZZZZZZ" else "00000000"
    for i in range(lookup.CODE_LIMIT_PER_MINUTE):
        assert _lookup(world, dossier.code, wrong, f"203.0.{i // 250}.{i % 250 + 1}") == 404
    assert _lookup(world, dossier.code, token, "203.0.113.99") == 429  # a fresh address, the same dossier
    other = world.desk_dossier()
    assert _lookup(world, other.code, lookup.token_for(other.code), "203.0.113.99") == 200
