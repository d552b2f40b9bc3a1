"""The post-deploy smoke test's unit never syncs outward (chalicelib/sync/scope.py): its
dossiers' outbox records produce no message on any sync queue, and nothing can enqueue one;
the same dossier of any other unit is relayed to every destination."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.settings import reset_settings_cache
from chalicelib.sync import queues
from tests.integration.sync.conftest import DESTINATIONS, World
from tests.unit.sync import samples


def _committed(world: World) -> list[tuple[str, int]]:
    at = datetime.now(samples.VN) - timedelta(hours=1)
    dossier = world.open(at)
    dossier = world.move(dossier, samples.FULL[1], at + timedelta(minutes=1))
    return [(dossier.code, seq) for seq in range(1, dossier.seq + 1)]


def _waiting(world: World) -> dict[str, int]:
    return {name: sum(world.counts(world.urls[name])) for name in DESTINATIONS}


def _smoke_unit(monkeypatch: pytest.MonkeyPatch, unit: str) -> None:
    monkeypatch.setenv("HOSO_SMOKE_TEST_UNIT_CODE", unit)
    reset_settings_cache()


def test_a_smoke_test_dossier_produces_no_sync_message(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _smoke_unit(monkeypatch, samples.UNIT)
    signals = _committed(world)
    assert signals[0][0].startswith(samples.UNIT + "-")
    world.relay(signals)
    for name in DESTINATIONS:
        queues.enqueue(name, signals[0][0], len(signals))  # reconciliation / an operator's resync
    assert _waiting(world) == dict.fromkeys(DESTINATIONS, 0)


def test_another_units_dossier_is_relayed_to_every_destination(world: World,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _smoke_unit(monkeypatch, "000.00.00.K99")
    signals = _committed(world)
    world.relay(signals)
    assert _waiting(world) == dict.fromkeys(DESTINATIONS, len(signals))
