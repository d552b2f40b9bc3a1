"""Several dossiers of one SQS batch share their DVCQG calls (the protocol's ``data`` array): one
``DongBoHoSoMC`` per ``isUpdating`` value and one ``CapNhatTienDoHoSoMC``; a dossier the
destination refuses by name fails alone and is retried alone, the others are acknowledged."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.dossier import Dossier
from chalicelib.sync import deliver, store
from tests.integration.sync.conftest import FAST, SLOW, World, expected_progress
from tests.unit.sync import samples


def _walked(world: World, n: int) -> list[Dossier]:
    at = datetime.now(samples.VN) - timedelta(hours=1)
    out = []
    for _ in range(n):
        dossier = world.open(at)
        for i, move in enumerate(samples.FULL[1:3], start=1):
            dossier = world.move(dossier, move, at + timedelta(minutes=i))
        out.append(dossier)
    return out


def _signal_all(world: World, walked: list[Dossier]) -> None:
    world.relay([(d.code, seq) for d in walked for seq in range(1, d.seq + 1)])


def _data(world: World, service: str) -> list[list[str]]:
    return [[r["MaHoSo"] for r in c["request"]["data"]] for c in world.sims["dvcqg"].calls(service)
            if c["error_code"] == 0]


def test_a_batchs_dossiers_share_one_call_per_service(world: World) -> None:
    walked = _walked(world, 3)
    codes = sorted(d.code for d in walked)
    _signal_all(world, walked)
    drained = world.drain("dvcqg", FAST)
    assert drained.failed == {}
    assert drained.batches == 1  # 9 signals of 3 dossiers: one SQS batch
    assert [sorted(c) for c in _data(world, "DongBoHoSoMC")] == [codes]  # one call, 3 records
    (progress,) = _data(world, "CapNhatTienDoHoSoMC")  # one call, every step of the 3 dossiers
    assert sorted(progress) == sorted(c for c in codes for _ in range(3))
    for d in walked:
        assert world.sims["dvcqg"].record(d.code)["progress"] == expected_progress(d.code)
        assert store.get_cursor(d.code, "dvcqg").acked == d.seq
        acked = [e.seq for e in store.ledger(d.code, "dvcqg") if e.service == "CapNhatTienDoHoSoMC"]
        assert acked == [1, 2, 3]


def test_a_refused_dossier_fails_alone_and_is_retried_alone(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    walked = _walked(world, 3)
    bad = walked[1].code
    record = deliver._dossier_record  # noqa: SLF001

    def broken(dossier: Dossier, last_event: Any) -> dict[str, Any]:
        out = record(dossier, last_event)
        return {**out, "KenhThucHien": "9"} if dossier.code == bad else out  # DVCQG refuses the channel

    monkeypatch.setattr(deliver, "_dossier_record", broken)
    _signal_all(world, walked)
    drained = world.drain("dvcqg", SLOW)  # the refused dossier's signals stay away until fast-forwarded
    refused = world.sims["dvcqg"].calls("DongBoHoSoMC")
    assert refused[0]["error_code"] not in (0, "0") and bad in [r["MaHoSo"] for r in refused[0]["request"]["data"]]
    good = sorted(d.code for d in walked if d.code != bad)
    assert [sorted(c) for c in _data(world, "DongBoHoSoMC")] == [good]  # sent again without it
    assert world.sims["dvcqg"].record(bad) is None
    assert store.get_cursor(bad, "dvcqg").acked == 0
    assert len(drained.failed) == 3  # the refused dossier's three signals wait for their retry
    for code in good:
        assert world.sims["dvcqg"].record(code)["progress"] == expected_progress(code)

    monkeypatch.setattr(deliver, "_dossier_record", record)  # corrected: the retry goes alone
    world.fast_forward("dvcqg", drained)
    assert world.drain("dvcqg", FAST).failed == {}
    assert _data(world, "DongBoHoSoMC")[-1] == [bad]
    assert world.sims["dvcqg"].record(bad)["progress"] == expected_progress(bad)
