"""A record the destination keeps refusing: retried, then parked in the DLQ after
``maxReceiveCount`` receives with the failure metric raised each time, and sent on once the
data is fixed and an operator redrives the DLQ."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from chalicelib.sync import redrive, store
from tests.integration.sync.conftest import FAST, MAX_RECEIVE, World, expected_progress, metric_values
from tests.unit.sync import samples


def test_a_poison_record_goes_to_the_dlq_and_is_redriven_once_fixed(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    at = datetime.now(samples.VN) - timedelta(hours=1)
    good = world.open(at)
    bad = world.open(at + timedelta(seconds=1))
    # DVCQG refuses the dossier: a citizen's personal number must have 12 digits.
    broken = bad.model_copy(update={"applicant": bad.applicant.model_copy(update={"id_number": "0010900123"})})
    world.write(broken, [])
    world.relay([(good.code, 1), (bad.code, 1)])

    drained = world.drain("dvcqg", FAST)  # as Lambda's poller: the poison comes back until SQS parks it
    assert drained.handled == 1 + MAX_RECEIVE
    assert len(drained.failed) == 1  # the poison: every one of its receives failed
    assert world.counts(world.urls["dvcqg"]) == (0, 0)  # nothing left in the queue: it is in the DLQ
    assert world.counts(world.dlqs["dvcqg"]) == (1, 0)
    assert metric_values(capsys.readouterr().out, "SyncFailed", "dvcqg") == [1.0] * MAX_RECEIVE
    sim = world.sims["dvcqg"]
    assert sim.record(good.code)["progress"] == expected_progress(good.code)
    assert sim.record(bad.code) is None
    # the bad record's field, wherever it stood in the call it shared with the good one (send_batch)
    assert {re.sub(r"^data\[\d+\]", "data[]", v["field"]) for v in sim.violations()} == {"data[].SoGiayToChuHoSo"}
    assert store.get_cursor(bad.code, "dvcqg").acked == 0

    world.write(bad, [])  # the data fixed
    result = redrive.redrive("dvcqg")
    assert (result.moved, result.remaining) == (1, 0)
    assert world.drain("dvcqg", FAST).failed == {}
    assert sim.record(bad.code)["progress"] == expected_progress(bad.code)
    assert store.get_cursor(bad.code, "dvcqg").acked == 1
    assert world.counts(world.dlqs["dvcqg"]) == (0, 0)
