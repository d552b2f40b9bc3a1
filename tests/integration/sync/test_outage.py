"""One destination down while hundreds of steps happen: it gets every step of every dossier
exactly once and in order after it recovers, and the other destinations never wait for it.

Dossiers are opened by the repository; their 550 later steps are written directly in the
repository's layout (events, outbox records, dossier), round by round, and the relay signals
each dossier's latest step of the round. (The relay signals every step; signals of earlier
steps find nothing left to send — the redelivery tests show it — and would only slow this
test down.)"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from chalicelib.domain.dossier import AuditEvent
from chalicelib.store import dossiers
from chalicelib.sync import store
from chalicelib.sync.payloads import progress_record
from tests.integration.sync.conftest import FAST, SLOW, Drained, World
from tests.unit.sync import samples

DOSSIERS = 50
ROUNDS = [samples.FULL[1:6], samples.FULL[6:]]  # after submission: 11 status changes per dossier


@pytest.mark.slow
def test_a_destination_down_gets_everything_once_in_order_after_recovery_and_delays_no_one(world: World) -> None:
    dvcqg = world.sims["dvcqg"]
    dvcqg.mode(down=True)
    base = datetime.now(samples.VN) - timedelta(hours=2)
    current = {d.code: d for d in (world.open(base + timedelta(seconds=i)) for i in range(DOSSIERS))}
    assert len(current) == DOSSIERS
    trails = {code: dossiers.events(code) for code in current}
    waiting = Drained()
    changes = 0
    for moves in ROUNDS:
        for i, code in enumerate(current):
            start = base + timedelta(minutes=current[code].seq, seconds=i)
            current[code], events = samples.walk(current[code], moves, start, gap=timedelta(minutes=1))
            world.write(current[code], events)
            trails[code] += events
            changes += len(events)
        world.relay([(code, dossier.seq) for code, dossier in current.items()])
        # The coordinator and the province hold every step committed so far, DVCQG being down.
        for name in ("coordinator", "province"):
            drained = world.drain(name, FAST)
            assert drained.failed == {}
            for code, events in trails.items():
                received = world.sims[name].record(code)
                assert received is not None and received["progress"] == progress(code, events), (name, code)
        failing = world.drain("dvcqg", SLOW)
        assert len(failing.failed) == failing.handled == DOSSIERS
        waiting.failed.update(failing.failed)
        assert dvcqg.records()["dossiers"] == {}
    assert changes >= 500

    dvcqg.mode(down=False)
    world.fast_forward("dvcqg", waiting)
    recovered = world.drain("dvcqg", FAST)
    assert recovered.failed == {}
    assert recovered.handled == DOSSIERS * len(ROUNDS)  # every signal came back once
    for code, dossier in current.items():
        received = dvcqg.record(code)
        assert received is not None
        assert received["progress"] == progress(code, trails[code])  # every step, once, in order
        assert received["duplicates_ignored"] == 0
        assert received["dossier"]["TrangThaiHoSo"] == "10"
        assert [h["isUpdating"] for h in received["history"] if h["service"] == "DongBoHoSoMC"] == ["False"]
        assert store.get_cursor(code, "dvcqg").acked == dossier.seq == 12
    # One delivery per dossier: the first signal of each sent everything, the other found nothing to do
    # (the dossiers of one SQS batch share a call: counted by the records, chalicelib/sync/deliver.py send_batch).
    for service in ("DongBoHoSoMC", "CapNhatTienDoHoSoMC"):
        sent = Counter(code for call in dvcqg.calls(service) for code in {r["MaHoSo"] for r in call["request"]["data"]})
        assert sent == dict.fromkeys(current, 1), service
    for sim in world.sims.values():
        assert sim.violations() == []


def progress(code: str, events: list[AuditEvent]) -> list[dict[str, str]]:
    return [progress_record(code, e) for e in events]
