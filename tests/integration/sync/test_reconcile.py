"""Reconciliation: recently changed dossiers compared with what DVCQG really holds
(``TraCuuHoSo``); drift is re-synced and reported."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.dossier import Dossier
from chalicelib.store import dossiers
from chalicelib.sync import store
from chalicelib.sync.deliver import deliver
from chalicelib.sync.reconcile import reconcile
from tests.integration.sync.conftest import FAST, World, expected_progress
from tests.unit.sync import samples


def test_drift_is_found_reported_and_resynced(world: World) -> None:
    at = datetime.now(samples.VN) - timedelta(hours=1)
    names = ("intact", "lost_steps", "lost_dossier", "lagging", "stale_status")
    codes = {}
    for i, name in enumerate(names):
        dossier = world.open(at + timedelta(seconds=i))
        for k, move in enumerate(samples.FULL[1:4], start=1):
            dossier = world.move(dossier, move, at + timedelta(minutes=k, seconds=i))
        deliver("dvcqg", dossier.code)
        codes[name] = dossier.code
    sim = world.sims["dvcqg"].simulator
    with sim.lock:  # DVCQG loses data on its side
        sim.dossiers[codes["lost_steps"]]["progress"] = sim.dossiers[codes["lost_steps"]]["progress"][:2]
        del sim.dossiers[codes["lost_dossier"]]
        sim.dossiers[codes["stale_status"]]["dossier"]["TrangThaiHoSo"] = "2"
    lagging = world.move(world_dossier(codes["lagging"]), samples.ASSIGN, at + timedelta(minutes=30))
    assert lagging.seq == 5  # committed, its message not handled yet

    report = reconcile()
    assert report.checked == len(names)
    assert {d.code: d.kind for d in report.drifted} == {
        codes["lost_steps"]: "missing", codes["lost_dossier"]: "unknown", codes["stale_status"]: "status"}  # fmt: skip
    assert report.lagging == [codes["lagging"]]
    assert report.resynced == 4 and report.errors == []
    assert store.get_cursor(codes["lost_steps"], "dvcqg").acked == 2
    lost = store.get_cursor(codes["lost_dossier"], "dvcqg")
    assert (lost.acked, lost.seen) == (0, False)
    assert [a["action"] for a in store.audits(codes["lost_steps"])] == ["reconcile_missing"]

    assert world.drain("dvcqg", FAST).failed == {}
    for code in codes.values():
        received = world.sims["dvcqg"].record(code)
        assert received["progress"] == expected_progress(code), code
        assert received["dossier"]["TrangThaiHoSo"] == str(world_dossier(code).status)
    assert world.sims["dvcqg"].violations() == []
    again = reconcile()
    assert (again.checked, again.drifted, again.lagging, again.resynced) == (len(names), [], [], 0)


def test_only_recently_changed_dossiers_are_checked(world: World) -> None:
    dossier = world.open(datetime.now(samples.VN) - timedelta(hours=1))
    deliver("dvcqg", dossier.code)
    later = datetime.now(UTC) + timedelta(hours=3)
    assert reconcile(later - timedelta(hours=1), clock=lambda: later).checked == 0
    assert reconcile().checked == 1


def test_a_destination_that_does_not_answer_is_reported(world: World) -> None:
    dossier = world.open(datetime.now(samples.VN) - timedelta(hours=1))
    deliver("dvcqg", dossier.code)
    world.sims["dvcqg"].mode(down=True)
    report = reconcile()
    assert report.errors == [{"code": dossier.code, "reason": "HTTP 503"}]
    assert report.resynced == 0


def world_dossier(code: str) -> Dossier:
    found = dossiers.get(code)
    assert found is not None
    return found
