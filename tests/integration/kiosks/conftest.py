"""Kiosks against moto (in-process), through hoso's app over ``chalice.test.Client``: the
documents package's world (tables, buckets, the demo catalogue, the VNeID simulator for the
officers' tokens), and a kiosk registered by the ministry's administrator for TP HCM's unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chalicelib.api import kiosk as kiosk_routes
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from tests.integration.documents import conftest as documents
from tests.integration.documents.conftest import World

sims = documents.sims  # the documents package's fixtures
world = documents.world

@pytest.fixture(autouse=True)
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kiosk request of a test falls in the same minute (the limits count per calendar minute)."""
    frozen = dt.datetime.now(dt.UTC)
    monkeypatch.setattr(kiosk_routes, "now", lambda: frozen)


def register(world: World, kiosk_id: str = "kiosk-sanh-a", unit: str = HCMC_UNIT, role: str = "admin",
             admin_unit: str = MINISTRY_UNIT) -> Any:
    return world.call("POST", "/v1/admin/kiosks", role, admin_unit,
                      body={"kiosk_id": kiosk_id, "name": "Ki-ốt sảnh A", "unit_code": unit})


def kiosk_token(world: World, kiosk_id: str = "kiosk-sanh-a", unit: str = HCMC_UNIT) -> str:
    answer = register(world, kiosk_id, unit)
    assert answer.status_code == 201, answer.body
    return str(answer.json_body["token"])


def as_kiosk(world: World, token: str, method: str, path: str, body: Any = None) -> Any:
    return world.call(method, path, body=body, headers={"Authorization": f"Bearer {token}"})
