"""34 provinces on the whole local stack (issue 17 item 5): dossiers posted by DVCQG to units of
Hà Nội (01), TP HCM (79) and the ministry; TP HCM's system is down meanwhile. Hà Nội's dossier
reaches Hà Nội's simulator while TP HCM's waits; once TP HCM's system is back its dossier is
delivered by itself (parked records come back, no operator's redrive); each dossier reaches only
its own province, the ministry's none."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from local.simulators import LOCAL_PROVINCES, province_simulator
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.e2e.conftest import post_signed, simulator


def _post(stack: LocalStack, unit: str) -> str:
    """DVCQG files an online dossier at ``unit`` (signed, as the DVCQG simulator would)."""
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


def _calls(url: str) -> list[dict[str, object]]:
    return list(requests.get(f"{url}/_sim/records", timeout=10).json()["calls"])


def _settled(count: Callable[[], int], quiet_s: float = 3.0, timeout_s: float = 60.0) -> int:
    """``count()`` once it has not changed for ``quiet_s``: requests a simulator took before it went
    down are recorded when they finish."""
    deadline = time.monotonic() + timeout_s
    last, since = count(), time.monotonic()
    while time.monotonic() - since < quiet_s:
        assert time.monotonic() < deadline, "the simulator kept recording calls"
        time.sleep(0.5)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
    return last


def _holders(stack: LocalStack, code: str) -> list[str]:
    return [p for p in LOCAL_PROVINCES if _has(stack, province_simulator(p), code)]


def test_a_province_down_delays_no_other_and_each_dossier_reaches_its_own_province(stack: LocalStack) -> None:
    hcmc = simulator(stack, province_simulator("79"))
    requests.post(f"{hcmc}/_sim/mode", json={"down": True}, timeout=10).raise_for_status()
    try:
        answered = _settled(lambda: len(_calls(hcmc)))  # earlier tests' records already on their way are let in
        waiting = _post(stack, HCMC_UNIT)
        hanoi = _post(stack, HANOI_UNIT)
        ministry = _post(stack, MINISTRY_UNIT)
        _wait(lambda: _has(stack, province_simulator("01"), hanoi), 90, "Hà Nội's dossier at Hà Nội's system")
        _wait(lambda: _has(stack, "dvcqg", ministry), 90, "the ministry's dossier at DVCQG")
        assert _holders(stack, waiting) == []  # TP HCM is down: its dossier waits
        assert _calls(hcmc)[answered:] == []  # nothing reached it while it was down
    finally:
        requests.post(f"{hcmc}/_sim/mode", json={"down": False}, timeout=10).raise_for_status()
    _wait(lambda: _has(stack, province_simulator("79"), waiting), 180, "TP HCM's dossier once it is back")
    record = requests.get(f"{hcmc}/_sim/records/{waiting}", timeout=10).json()
    assert [p["TrangThai"] for p in record["progress"]] == ["1"]
    assert (_holders(stack, waiting), _holders(stack, hanoi), _holders(stack, ministry)) == (["79"], ["01"], [])
    ours = {waiting, hanoi, ministry}  # earlier tests' dossiers (e.g. made overdue by hand) are theirs to judge
    for province in LOCAL_PROVINCES:
        found = requests.get(f"{simulator(stack, province_simulator(province))}/_sim/violations", timeout=10).json()
        assert [v for v in found if v.get("MaHoSo") in ours] == []
