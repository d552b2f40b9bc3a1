"""A local stack pointed at other endpoints (issue 13 item 9): ``DVCQG_BASE_URL`` and
``COORDINATOR_BASE_URL`` given in the environment win over the simulators'. Stand-ins for
DVCQG's and the coordinator's test environments are DVCQG-protocol servers of their own on free
ports; a dossier posted through the stack's DVCQG simulator (which still runs: it is the intake
driver) is synced to the stand-ins, never to the simulators, and the coordinator simulator
stays off."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from infra.config import CONFIG_KEYS
from local.simulators import DEFAULT_PORTS
from local.simulators.base import RunningServer, serve
from local.simulators.dvcqg import DvcqgSimulator
from local.stack import LocalStack

FREE_PORTS = {
    "HOSO_API_PORT": "0", "MOTO_PORT": "0", "HOSO_WEBAPP": "0",
    **{f"SIM_{name.upper()}_PORT": "0" for name in DEFAULT_PORTS},
}


@pytest.fixture(scope="module")
def partners() -> Iterator[dict[str, RunningServer]]:
    servers = {name: serve(DvcqgSimulator(f"{name}-test-env", "hoso", "hoso-dev", 1800, None), 0)
               for name in ("dvcqg", "coordinator")}  # fmt: skip
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="module")
def stack(partners: dict[str, RunningServer], real_template_file: Path) -> Iterator[LocalStack]:
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_KEYS}
    env |= {**FREE_PORTS, "DVCQG_BASE_URL": partners["dvcqg"].url, "COORDINATOR_BASE_URL": partners["coordinator"].url}
    running = LocalStack(env, template=real_template_file).start()
    yield running
    running.stop()


def _record(url: str, code: str) -> dict[str, Any] | None:
    answer = requests.get(f"{url}/_sim/records/{code}", timeout=10)
    return answer.json() if answer.status_code == 200 else None


def test_explicit_urls_reach_the_functions_and_the_coordinator_simulator_stays_off(
    stack: LocalStack, partners: dict[str, RunningServer]
) -> None:
    running = {s.name for s in stack.simulators}

    assert os.environ["DVCQG_BASE_URL"] == partners["dvcqg"].url
    assert os.environ["COORDINATOR_BASE_URL"] == partners["coordinator"].url
    assert "coordinator" not in running
    assert {"dvcqg", "province79", "vneid"} <= running
    province = next(s.url for s in stack.simulators if s.name == "province79")
    assert json.loads(os.environ["HOSO_PROVINCES"])["79"]["url"] == province  # not given: the simulator


def test_a_posted_dossier_is_synced_to_the_explicit_dvcqg_not_the_simulator(
    stack: LocalStack, partners: dict[str, RunningServer]
) -> None:
    simulator = next(s.url for s in stack.simulators if s.name == "dvcqg")
    posted = requests.post(f"{simulator}/_sim/post-dossier", json={}, timeout=30).json()
    assert posted["status"] == 201, posted
    code = posted["body"]["MaHoSo"]

    deadline = time.monotonic() + 60
    while (pushed := _record(partners["dvcqg"].url, code)) is None and time.monotonic() < deadline:
        time.sleep(0.5)

    assert pushed is not None, "the sync message reached the DVCQG given in DVCQG_BASE_URL"
    assert pushed["dossier"]["MaHoSo"] == code
    assert _record(simulator, code) is None, "nothing was synced to the DVCQG simulator"
