"""The one fan-out on the whole local stack (issue 16 items 1 and 3): the outbox relay publishes
each committed change once to the dossier-events topic, and the topic's filtered subscriptions
(provisioned from the synthesised template; moto delivers in-process) still bring a Hà Nội
dossier's step to all three sync destinations — DVCQG, the coordination system and Hà Nội's
system — and a ministry-level dossier's to DVCQG and the coordinator (its events are filtered off
the province queue: it has no province). The liên thông side (a child's end answering its flow
through the dossier-changes queue) is tests/e2e/test_lien_thong.py's birth chain."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from local.simulators import province_simulator
from local.simulators.accounts import HANOI_UNIT, MINISTRY_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.e2e.conftest import post_signed, simulator


def _post(stack: LocalStack, unit: str) -> str:
    answer = post_signed(stack.api_url, build_dossier(overrides={"MaDonViTiepNhan": unit}), timeout=300)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["MaHoSo"])


def _has(stack: LocalStack, name: str, code: str) -> bool:
    return requests.get(f"{simulator(stack, name)}/_sim/records/{code}", timeout=10).status_code == 200


def _wait(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(1)


def test_a_step_reaches_every_sync_destination_through_the_topic(stack: LocalStack) -> None:
    hanoi, ministry = _post(stack, HANOI_UNIT), _post(stack, MINISTRY_UNIT)
    for name in ("dvcqg", "coordinator", province_simulator("01")):
        _wait(lambda name=name: _has(stack, name, hanoi), 120, f"Hà Nội's dossier at {name}")
    for name in ("dvcqg", "coordinator"):
        _wait(lambda name=name: _has(stack, name, ministry), 120, f"the ministry's dossier at {name}")
    record = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/records/{hanoi}", timeout=10).json()
    assert [p["TrangThai"] for p in record["progress"]] == ["1"]
    assert not _has(stack, province_simulator("01"), ministry)
