"""Delivery to one destination through the SQS handler: order, exactly-once in effect, sessions,
leases, backoff, and how failures are told apart."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib.domain.dossier import Dossier
from chalicelib.integrations import dvcqg
from chalicelib.integrations.dvcqg import SyncFailed, client_for
from chalicelib.settings import reset_settings_cache
from chalicelib.store import dossiers
from chalicelib.sync import store
from chalicelib.sync.deliver import LEASE_S, UnknownDossier, deliver
from chalicelib.sync.handler import Backoff, handle_batch
from chalicelib.sync.payloads import dossier_record, progress_record
from local.simulators.base import serve
from local.simulators.dvcqg import DvcqgSimulator
from tests.integration.sync.conftest import FAST, SLOW, World, expected_progress, metric_values
from tests.unit.sync import samples


def recent() -> datetime:
    return datetime.now(samples.VN) - timedelta(hours=1)


def walked(world: World, moves: list[samples.Move], start: datetime | None = None) -> Dossier:
    at = start or recent()
    dossier = world.open(at)
    for i, move in enumerate(moves, start=1):
        dossier = world.move(dossier, move, at + timedelta(minutes=i))
    return dossier


def failures(result: dict[str, Any]) -> list[str]:
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def test_first_sync_then_updates_each_step_in_the_ledger(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    dossier = walked(world, samples.FULL[1:3])
    world.relay([(dossier.code, seq) for seq in (1, 2, 3)])
    assert world.drain("dvcqg", FAST).failed == {}
    dvcqg_sim = world.sims["dvcqg"]
    received = dvcqg_sim.record(dossier.code)
    assert received["progress"] == expected_progress(dossier.code)
    assert received["dossier"]["TrangThaiHoSo"] == "4"

    dossier = world.move(dossier, samples.ASSIGN, recent() + timedelta(minutes=10))
    dossier = world.move(dossier, samples.REQUEST_SUPPLEMENT, recent() + timedelta(minutes=11))
    world.relay([(dossier.code, 4), (dossier.code, 5)])
    assert world.drain("dvcqg", FAST).failed == {}
    received = dvcqg_sim.record(dossier.code)
    assert received["progress"] == expected_progress(dossier.code)
    assert [h["isUpdating"] for h in received["history"] if h["service"] == "DongBoHoSoMC"] == ["False", "True"]
    assert received["dossier"]["TrangThaiHoSo"] == "5"
    assert received["dossier"]["GhiChu"] == samples.REQUEST_SUPPLEMENT.note

    cursor = store.get_cursor(dossier.code, "dvcqg")
    assert (cursor.acked, cursor.seen) == (5, True)
    steps = [e for e in store.ledger(dossier.code, "dvcqg") if e.service == "CapNhatTienDoHoSoMC"]
    assert [(e.seq, e.status, e.sends) for e in steps] == [(1, "1", 1), (2, "2", 1), (3, "4", 1), (4, "4", 1),
                                                           (5, "5", 1)]  # fmt: skip
    assert all(e.first_acked_at and e.answer["error_code"] == 0 for e in steps)
    assert all(0 < e.lag_ms < 3_600_000 + 60_000 for e in steps)  # committed about an hour ago
    snapshots = [e for e in store.ledger(dossier.code, "dvcqg") if e.service == "DongBoHoSoMC"]
    assert [(e.seq, e.status) for e in snapshots] == [(3, "4"), (5, "5")]
    # Metrics: steps acknowledged and their lag, per destination.
    out = capsys.readouterr().out
    assert sum(metric_values(out, "SyncDelivered", "dvcqg")) == 5
    assert len(metric_values(out, "SyncLag", "dvcqg")) == 5
    assert world.sims["coordinator"].record(dossier.code) is None  # its own queue, not drained here


def test_a_redelivered_batch_changes_nothing(world: World) -> None:
    dossier = walked(world, samples.FULL[1:4])
    messages = world.messages("coordinator", [(dossier.code, seq) for seq in (1, 2, 3, 4)])
    event = world.event("coordinator", messages)
    assert failures(handle_batch("coordinator", event, backoff=FAST)) == []
    sim = world.sims["coordinator"]
    before = (sim.records(), store.ledger(dossier.code), store.get_cursor(dossier.code, "coordinator"))
    assert failures(handle_batch("coordinator", event, backoff=FAST)) == []  # the very same batch again
    after = (sim.records(), store.ledger(dossier.code), store.get_cursor(dossier.code, "coordinator"))
    assert after == before
    assert sim.record(dossier.code)["progress"] == expected_progress(dossier.code)


def test_messages_out_of_order_still_deliver_in_order(world: World) -> None:
    first = walked(world, samples.FULL[1:5])
    second = walked(world, samples.FULL[1:3], recent() + timedelta(seconds=30))
    signals = [(first.code, 5), (second.code, 2), (first.code, 1), (first.code, 3), (second.code, 1),
               (second.code, 3), (first.code, 2)]  # fmt: skip
    result = handle_batch("province", world.event("province", world.messages("province", signals)), backoff=FAST)
    assert failures(result) == []
    sim = world.sims["province"]
    for dossier in (first, second):
        assert sim.record(dossier.code)["progress"] == expected_progress(dossier.code)
    # The first message of each dossier sent everything (both dossiers' steps in one call:
    # test_batched_calls.py); the later ones found nothing to do.
    assert len(sim.calls("CapNhatTienDoHoSoMC")) == 1
    assert sim.violations() == []


def test_lost_answers_are_sent_again_and_kept_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = walked(world, samples.FULL[1:3])
    sim = world.sims["dvcqg"]
    sim.mode(lose_next=1)  # DVCQG takes the first DongBoHoSoMC, the answer never comes back
    with pytest.raises(SyncFailed) as lost:
        deliver("dvcqg", dossier.code)
    assert lost.value.http_status == 502 and lost.value.unreachable
    assert sim.record(dossier.code)["dossier"]["TrangThaiHoSo"] == "4"
    cursor = store.get_cursor(dossier.code, "dvcqg")
    assert (cursor.acked, cursor.seen, cursor.first_attempt_at is not None) == (0, False, True)

    deliver("dvcqg", dossier.code)  # asks first (TraCuuHoSo), then updates: "True", not a second "False"
    assert [c["service"] for c in sim.calls()[-3:]] == ["TraCuuHoSo", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
    assert sim.calls("DongBoHoSoMC")[-1]["request"]["isUpdating"] == "True"

    dossier = world.move(dossier, samples.ASSIGN, recent() + timedelta(minutes=20))
    simulator, take = sim.simulator, sim.simulator._update_progress
    lost_once: list[bool] = []

    def take_then_lose_the_answer(body: dict[str, Any]) -> dict[str, Any]:
        answer = take(body)
        if not lost_once:  # the progress is kept, its answer gets lost on the way back
            lost_once.append(True)
            simulator.mode = dataclasses.replace(simulator.mode, lose_next=1)
        return answer

    monkeypatch.setattr(simulator, "_update_progress", take_then_lose_the_answer)
    with pytest.raises(SyncFailed):
        deliver("dvcqg", dossier.code)
    assert store.get_cursor(dossier.code, "dvcqg").acked == 3
    assert len(sim.record(dossier.code)["progress"]) == 4
    outcome = deliver("dvcqg", dossier.code)
    assert (outcome.acked, outcome.steps) == (4, 1)
    received = sim.record(dossier.code)
    assert received["progress"] == expected_progress(dossier.code)
    assert received["duplicates_ignored"] == 1
    assert sim.violations() == []


def test_an_expired_session_is_renewed(world: World) -> None:
    dossier = walked(world, samples.FULL[1:2])
    sim = world.sims["dvcqg"]
    deliver("dvcqg", dossier.code)
    sim.mode(expire_sessions=True)
    dossier = world.move(dossier, samples.TRANSFER, recent() + timedelta(minutes=5))
    world.relay([(dossier.code, 3)])
    assert world.drain("dvcqg", FAST).failed == {}
    assert len(sim.calls("login")) == 2
    assert [c["error_code"] for c in sim.calls("DongBoHoSoMC")] == [0, 401, 0]
    assert sim.record(dossier.code)["progress"] == expected_progress(dossier.code)


class ShortSessions(DvcqgSimulator):
    """DVCQG whose sessions end after every ``every``-th accepted call (in the middle of batches:
    a batch's dossiers share their calls, so a session ends between its two calls)."""

    every = 1

    def _service(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = super()._service(body)
        if answer["error_code"] == 0:
            self.accepted = getattr(self, "accepted", 0) + 1
            if self.accepted % self.every == 0:
                self.sessions.clear()
        return answer


def test_a_session_expiring_in_the_middle_of_a_batch_is_renewed(world: World,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    server = serve(ShortSessions("dvcqg", "hoso", "hoso-dev", 1800), 0)
    try:
        monkeypatch.setenv("DVCQG_BASE_URL", server.url)
        reset_settings_cache()
        dvcqg.reset_clients()
        codes = [walked(world, samples.FULL[1:3], recent() + timedelta(seconds=i)).code for i in range(4)]
        result = handle_batch("dvcqg", world.event("dvcqg", world.messages("dvcqg", [(c, 3) for c in codes])),
                              backoff=FAST)  # fmt: skip
        assert failures(result) == []
        simulator = server._simulator
        assert isinstance(simulator, ShortSessions)
        assert sum(1 for c in simulator.calls if c["service"] == "login") >= 2
        assert sum(1 for c in simulator.calls if c["error_code"] == 401) >= 1
        for code in codes:
            assert simulator.dossiers[code]["progress"] == expected_progress(code)
        assert simulator.violations == []
    finally:
        server.stop()


def test_a_dossier_being_sent_by_another_worker_is_deferred(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    dossier = walked(world, samples.FULL[1:2])
    now = datetime.now(UTC)
    assert store.acquire_lease(dossier.code, "dvcqg", "other-worker", at=now, seconds=LEASE_S)
    assert not store.acquire_lease(dossier.code, "dvcqg", "me", at=now, seconds=LEASE_S)
    world.relay([(dossier.code, 2)])
    drained = world.drain("dvcqg", SLOW)
    assert len(drained.failed) == 1
    assert metric_values(capsys.readouterr().out, "SyncDeferred", "dvcqg") == [1.0]
    assert world.sims["dvcqg"].record(dossier.code) is None
    store.release_lease(dossier.code, "dvcqg", "me")  # not ours: nothing happens
    assert not store.acquire_lease(dossier.code, "dvcqg", "me", at=now, seconds=LEASE_S)
    # A lease its holder never gave back runs out.
    assert store.acquire_lease(dossier.code, "dvcqg", "me", at=now + timedelta(seconds=LEASE_S + 1), seconds=5)
    store.release_lease(dossier.code, "dvcqg", "me")
    world.fast_forward("dvcqg", drained)
    assert world.drain("dvcqg", FAST).failed == {}
    assert world.sims["dvcqg"].record(dossier.code)["progress"] == expected_progress(dossier.code)


def test_a_cursor_reset_while_sending_stops_the_stale_advance(world: World) -> None:
    dossier = walked(world, samples.FULL[1:3])
    deliver("province", dossier.code)
    read = store.get_cursor(dossier.code, "province")
    before, after = store.reset(dossier.code, "province", acked=0, seen=True, at=datetime.now(UTC), by="test")
    assert (before.acked, after.acked, after.rev) == (3, 0, read.rev + 1)
    with pytest.raises(store.CursorMoved):
        store.advance(dossier.code, read, acked=3, seen=True, first_attempt_at=None, at=datetime.now(UTC))
    outcome = deliver("province", dossier.code)  # everything again, kept once by the destination
    assert outcome.steps == 3
    received = world.sims["province"].record(dossier.code)
    assert received["progress"] == expected_progress(dossier.code)
    assert received["duplicates_ignored"] == 3


def test_a_failed_record_stays_away_for_its_backoff(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    dossier = walked(world, [])
    world.sims["coordinator"].mode(down=True)
    world.relay([(dossier.code, 1)])
    drained = world.drain("coordinator", Backoff(base_s=1, cap_s=1))
    assert len(drained.failed) == 1
    assert world.counts(world.urls["coordinator"]) == (0, 1)  # in flight, not visible
    assert metric_values(capsys.readouterr().out, "SyncFailed", "coordinator") == [1.0]
    deadline = time.monotonic() + 10
    messages: list[dict[str, Any]] = []
    while not messages and time.monotonic() < deadline:
        time.sleep(0.2)
        messages = world.receive("coordinator")
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in messages] == ["2"]


class NearlyOver:
    """A Lambda context with ``left_ms`` of the invocation left."""

    def __init__(self, left_ms: int) -> None:
        self.left_ms = left_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.left_ms


def test_no_delivery_starts_when_the_invocation_is_nearly_over(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    dossier = walked(world, [])
    event = world.event("province", world.messages("province", [(dossier.code, 1)]))
    assert len(failures(handle_batch("province", event, NearlyOver(5_000), backoff=SLOW))) == 1
    assert metric_values(capsys.readouterr().out, "SyncDeferred", "province") == [1.0]
    assert world.sims["province"].calls() == []
    event = world.event("province", world.messages("province", [(dossier.code, 1)]))
    assert failures(handle_batch("province", event, NearlyOver(60_000), backoff=SLOW)) == []
    assert world.sims["province"].record(dossier.code)["progress"] == expected_progress(dossier.code)


def test_an_unreachable_destination_is_not_tried_again_in_the_same_batch(world: World) -> None:
    codes = [walked(world, [], recent() + timedelta(seconds=i)).code for i in range(3)]
    deliver("dvcqg", codes[0])  # a session, so the failure below hits the service, not the login
    sim = world.sims["dvcqg"]
    sim.mode(fail_next=1)
    event = world.event("dvcqg", world.messages("dvcqg", [(c, 1) for c in codes[1:]]))
    result = handle_batch("dvcqg", event, backoff=SLOW)
    assert len(failures(result)) == 2  # the second record was not tried: fail_next would have let it through
    assert [sim.record(c) is None for c in codes[1:]] == [True, True]


def test_failures_are_told_apart(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = walked(world, [])
    client = client_for("dvcqg")
    record = dossier_record(dossier, unit_name="Sở", link=samples.fake_link)
    sim = world.sims["dvcqg"]

    sim.mode(fail_next=1)
    with pytest.raises(SyncFailed) as err:
        client.send({"service": "DongBoHoSoMC", "isUpdating": "False", "data": [record]})
    assert (err.value.http_status, err.value.unreachable) == (500, True)

    step = progress_record(dossier.code, dossiers.events(dossier.code)[0])
    with pytest.raises(SyncFailed) as err:  # the protocol's checks: a progress record before the dossier
        client.send({"service": "CapNhatTienDoHoSoMC", "data": [step]})
    assert (err.value.error_code, err.value.unreachable) == (422, False)
    assert err.value.details and err.value.details[0]["MaHoSo"] == dossier.code

    assert client.look_up(dossier.code) is None  # TraCuuHoSo 404 is an answer, not a failure

    sim.mode(delay_ms=1500)
    monkeypatch.setattr(client, "timeout_s", 0.3)
    with pytest.raises(SyncFailed) as err:
        client.look_up(dossier.code)
    assert (err.value.reason, err.value.unreachable) == ("timeout", True)
    sim.mode(delay_ms=0)

    sim.mode(down=True)
    with pytest.raises(SyncFailed) as err:
        client.look_up(dossier.code)
    assert (err.value.http_status, err.value.unreachable) == (503, True)
    sim.mode(down=False)

    monkeypatch.setenv("DVCQG_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    reset_settings_cache()
    with pytest.raises(SyncFailed) as err:
        client.look_up(dossier.code)
    assert err.value.unreachable and err.value.reason.startswith("network error")


def test_wrong_credentials_and_a_destination_of_its_own(world: World) -> None:
    secrets_client = boto3.client("secretsmanager", region_name="ap-southeast-1")
    secrets_client.put_secret_value(SecretId="hoso/dev/dvcqg-credentials", SecretString=(
        '{"username": "hoso", "password": "wrong", "coordinator": {"username": "hoso", "password": "hoso-dev"}}'))
    dvcqg.secrets.clear_cache()
    dossier = walked(world, [])
    with pytest.raises(SyncFailed) as err:
        deliver("dvcqg", dossier.code)
    assert (err.value.service, err.value.error_code, err.value.unreachable) == ("login", 403, False)
    assert deliver("coordinator", dossier.code).steps == 1  # the coordinator's own account
    assert deliver("province", dossier.code).steps == 1  # the province's own secret (hoso/dev/province-01)
    secrets_client.put_secret_value(SecretId="hoso/dev/province-01", SecretString='{"username": "hoso", '
                                                                                 '"password": "wrong"}')  # fmt: skip
    dvcqg.secrets.clear_cache()
    dvcqg.reset_clients()
    with pytest.raises(SyncFailed) as err:
        deliver("province", world.open(datetime(2026, 1, 15, 9, 0, tzinfo=UTC)).code)
    assert (err.value.destination, err.value.service, err.value.error_code) == ("province-01", "login", 403)


def test_a_message_for_an_unknown_dossier_or_not_a_signal_fails(world: World) -> None:
    with pytest.raises(UnknownDossier):
        deliver("dvcqg", samples.dossier_code(99))
    world.sqs.send_message(QueueUrl=world.urls["dvcqg"], MessageBody="not a signal")
    queue_messages = world.receive("dvcqg")
    result = handle_batch("dvcqg", world.event("dvcqg", queue_messages), backoff=SLOW)
    assert failures(result) == [queue_messages[0]["MessageId"]]


