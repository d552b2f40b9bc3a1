"""Codes and transitions under concurrency, through HTTP on the local stack."""

from __future__ import annotations

import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import requests

from chalicelib.domain.codes import parse_dossier_code
from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.e2e.conftest import Officer, post_signed, simulator

INTAKES = 100


def test_one_hundred_concurrent_intakes_get_unique_contiguous_codes_and_all_reach_dvcqg(stack: LocalStack) -> None:
    def intake(i: int) -> str:
        unit = HCMC_UNIT if i % 2 else HANOI_UNIT
        # Every intake of a unit on a day contends for one counter: this measures correctness under
        # contention, not latency, so the client waits as long as it takes.
        answer = post_signed(stack.api_url, build_dossier(overrides={"MaDonViTiepNhan": unit}), timeout=300)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["MaHoSo"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(intake, range(INTAKES)))
    assert len(set(codes)) == INTAKES, "no duplicate codes"
    by_counter: dict[tuple[str, object], list[int]] = defaultdict(list)
    for code in codes:
        parsed = parse_dossier_code(code)
        by_counter[(parsed.unit_code, parsed.received_on)].append(parsed.sequence)
    for sequences in by_counter.values():
        ordered = sorted(sequences)
        # other tests in the session may have taken earlier numbers: contiguous from where this run started
        assert ordered == list(range(ordered[0], ordered[0] + len(ordered))), "no gaps"
    # every one reaches the portal (none lost under load); waiting here also keeps this burst's sync
    # backlog from delaying the tests that follow on the same stack
    _wait_until_dvcqg_has(stack, codes, timeout_s=600)


def _wait_until_dvcqg_has(stack: LocalStack, codes: list[str], timeout_s: float) -> None:
    missing = set(codes)
    deadline = time.monotonic() + timeout_s
    with requests.Session() as http:
        while missing and time.monotonic() < deadline:
            missing = {c for c in missing if http.get(f"{simulator(stack, 'dvcqg')}/_sim/records/{c}",
                                                      timeout=10).status_code != 200}
            if missing:
                time.sleep(1)
    assert not missing, f"{len(missing)} dossiers never reached DVCQG in {timeout_s} s: {sorted(missing)[:5]}…"


def test_fifty_concurrent_transitions_on_one_dossier_have_one_winner(stack: LocalStack) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    code = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}).json()["dossier"]["code"]
    with ThreadPoolExecutor(max_workers=25) as pool:
        answers = list(pool.map(lambda _: desk.act(code, "chuyen_phong"), range(50)))
    statuses = [a.status_code for a in answers]
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 409}
    losers = [a.json() for a in answers if a.status_code == 409]
    assert {body["error_code"] for body in losers} <= {"VERSION_CONFLICT", "ACTION_NOT_ALLOWED"}
    events = desk.get(f"/v1/dossiers/{code}").json()["events"]
    assert [e["seq"] for e in events] == [1, 2] and events[1]["action"] == "submit"
