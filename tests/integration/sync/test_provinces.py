"""34 provinces (issue 17 item 5, SPEC §7.11) and the protocol as deployed systems speak it
(item 8): each dossier reaches its own province only, a ministry-level dossier none; a
province that is down parks its records (no DLQ, no head-of-line blocking) while the others'
arrive, and gets them when it is back; the LGSP envelope and "00" for success."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.catalogue import Unit
from chalicelib.domain.dossier import Dossier
from chalicelib.integrations import dvcqg
from chalicelib.settings import reset_settings_cache
from chalicelib.store import catalogue, dossiers
from chalicelib.sync import store
from chalicelib.sync.deliver import deliver
from chalicelib.sync.handler import Backoff
from tests.integration.sync.conftest import FAST, PROVINCE_SIMS, SLOW, World, expected_progress, province_secret
from tests.unit.sync import samples

UNITS = {"01": samples.UNIT, "79": "000.00.13.H29", "48": "000.00.13.H30", "": "000.00.00.G12"}


def recent() -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def received(world: World, province: str, at: datetime) -> Dossier:
    """A dossier of the unit of ``province`` ("" the ministry), submitted and received."""
    unit = UNITS[province]
    catalogue.put_unit(Unit(code=unit, name=f"Đơn vị {unit}", province_code=province))

    ref = f"G22.99-{uuid.uuid4().hex[:11]}"
    new = samples.new_dossier("", at, unit_code=unit, province_code=province, dvcqg_ref=ref)
    dossier = dossiers.create(*samples.apply(new, samples.SUBMIT, at))
    dossier = world.move(dossier, samples.RECEIVE, at + timedelta(minutes=1))
    world.relay([(dossier.code, 1), (dossier.code, 2)])
    return dossier


def where(world: World, code: str) -> list[str]:
    """The provinces whose simulator has ``code``."""
    return [p for p, name in PROVINCE_SIMS.items() if world.sims[name].record(code) is not None]


def test_each_dossier_reaches_its_own_province_only(world: World) -> None:
    at = recent()
    mine = {p: received(world, p, at + timedelta(minutes=5 * i)) for i, p in enumerate(UNITS)}
    assert world.drain("province", FAST).failed == {}
    for province, dossier in mine.items():
        assert where(world, dossier.code) == ([province] if province else [])
        if province:
            record = world.sims[PROVINCE_SIMS[province]].record(dossier.code)
            assert record["progress"] == expected_progress(dossier.code)
            assert record["dossier"]["SoBienNhan"] == dossier.code  # the receipt's number
    assert all(world.sims[name].violations() == [] for name in PROVINCE_SIMS.values())
    assert store.get_cursor(mine[""].code, "province").acked == 0  # nothing for the ministry's


def test_a_province_that_is_down_delays_no_other_and_gets_its_dossiers_back(
        world: World, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    hcmc = world.sims["province-79"]
    hcmc.mode(down=True)
    at = recent()
    waiting = [received(world, "79", at), received(world, "79", at + timedelta(minutes=2))]
    others = [received(world, "01", at + timedelta(minutes=4)), received(world, "48", at + timedelta(minutes=6))]
    # The records of 79 come first in the queue; the others are delivered in the same drain.
    drained = world.drain("province", Backoff(base_s=0, cap_s=0), max_batches=3)
    assert drained.failed == {}  # parked, never failed: nothing grows towards the DLQ
    for dossier in others:
        assert where(world, dossier.code) == [_province(dossier)]
    assert all(where(world, d.code) == [] for d in waiting)
    down = store.get_down("province-79")
    assert down is not None and down.failures >= 1
    calls_while_down = len(hcmc.calls())
    assert calls_while_down == 0  # 503 before the protocol: the simulator records no call
    assert world.counts(world.dlqs["province"]) == (0, 0)
    parked = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"SyncParked"' in line]
    assert parked and all(doc["destination"] == "province" for doc in parked)

    hcmc.mode(down=False)
    assert world.drain("province", FAST).failed == {}
    for dossier in waiting:
        assert where(world, dossier.code) == ["79"]
        assert hcmc.record(dossier.code)["progress"] == expected_progress(dossier.code)
    assert store.get_down("province-79") is None  # its first answer closed the circuit
    assert hcmc.violations() == []


def _province(dossier: Dossier) -> str:
    return next(p for p, unit in UNITS.items() if unit == dossier.unit_code)


def test_an_open_circuit_keeps_the_province_untried_until_it_passes(world: World) -> None:
    hcmc = world.sims["province-79"]
    hcmc.mode(down=True)
    first = received(world, "79", recent())
    drained = world.drain("province", SLOW, max_batches=1)  # parked for 10 minutes, circuit open as long
    assert drained.failed == {}
    hcmc.mode(down=False)
    second = received(world, "79", recent() + timedelta(minutes=3))
    world.drain("province", SLOW, max_batches=1)
    assert where(world, second.code) == [] and hcmc.calls() == []  # not even tried: the circuit is open
    store.mark_down("province-79", until=datetime.now(UTC), failures=1, at=datetime.now(UTC))  # time passes
    assert deliver("province", first.code, available=lambda target: True).steps == 2
    assert where(world, first.code) == ["79"]


def test_a_province_without_an_endpoint_is_not_sent_anything(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_PROVINCES", json.dumps({"01": {"url": world.sims["province"].url,
                                                            "secret": province_secret("01")}}))  # fmt: skip
    reset_settings_cache()
    dossier = received(world, "48", recent())
    with pytest.raises(dvcqg.NotConfigured):
        deliver("province", dossier.code)
    drained = world.drain("province", FAST, max_batches=1)
    assert len(drained.failed) == 2  # left to SQS's retries and at last the DLQ, for a redrive once configured


def test_the_lgsp_envelope_per_destination_and_per_province(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_SYNC_ENVELOPES", json.dumps({"coordinator": "lgsp"}))
    monkeypatch.setenv("COORDINATOR_BASE_URL", world.sims["coordinator"].url + "/lgsp")
    monkeypatch.setenv("HOSO_PROVINCES", json.dumps({
        code: {"url": world.sims[name].url + ("/lgsp" if code == "48" else ""), "secret": province_secret(code),
               **({"envelope": "lgsp"} if code == "48" else {})}
        for code, name in PROVINCE_SIMS.items()}))  # fmt: skip
    reset_settings_cache()
    for name in ("coordinator", "province-48"):
        world.sims[name].mode(envelope="lgsp")
    danang, hanoi = received(world, "48", recent()), received(world, "01", recent() + timedelta(minutes=1))
    assert deliver("coordinator", danang.code).steps == 2
    assert deliver("province", danang.code).steps == 2
    assert deliver("province", hanoi.code).steps == 2  # Hà Nội keeps the direct envelope
    for name, code in (("coordinator", danang.code), ("province-48", danang.code), ("province", hanoi.code)):
        sim = world.sims[name]
        assert sim.record(code)["progress"] == expected_progress(code)
        assert sim.violations() == []
    assert {c["envelope"] for c in world.sims["province-48"].calls()} == {"lgsp"}
    assert {c["envelope"] for c in world.sims["province"].calls()} == {"direct"}
    request = next(c["request"] for c in world.sims["province-48"].calls("DongBoHoSoMC"))
    assert (request["madonvi"], request["isUpdating"]) == ("000.00.00.G12", "False")


def test_success_written_00_is_success(world: World) -> None:
    world.sims["dvcqg"].mode(success_code="00")
    dossier = received(world, "01", recent())
    assert world.drain("dvcqg", FAST).failed == {}
    assert world.sims["dvcqg"].record(dossier.code)["progress"] == expected_progress(dossier.code)
    assert all(e.answer["error_code"] == "00" for e in store.ledger(dossier.code, "dvcqg"))
    assert world.counts(world.dlqs["dvcqg"]) == (0, 0)


def test_a_dossier_whose_province_changes_reaches_the_new_province_from_the_start(world: World) -> None:
    dossier = received(world, "48", recent())
    assert world.drain("province", FAST).failed == {}
    assert where(world, dossier.code) == ["48"]
    catalogue.put_unit(Unit(code=dossier.unit_code, name="Đơn vị chuyển tỉnh", province_code="79"))
    dossier = world.move(dossier, samples.TRANSFER, recent() + timedelta(minutes=10))
    world.relay([(dossier.code, 3)])
    assert world.drain("province", FAST).failed == {}
    record = world.sims["province-79"].record(dossier.code)
    assert record["progress"] == expected_progress(dossier.code)  # every step, not only the last
    assert [h["isUpdating"] for h in record["history"] if h["service"] == "DongBoHoSoMC"] == ["False"]
    assert world.sims["province-79"].violations() == []
    assert store.get_cursor(dossier.code, "province").target == "province-79"
