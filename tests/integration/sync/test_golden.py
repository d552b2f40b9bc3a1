"""Golden payloads: the exact bytes hoso sends for a dossier in each of the 10 statuses (its
``DongBoHoSoMC`` call and the ``CapNhatTienDoHoSoMC`` record of the step that brought it there)
and for a dossier with a fee, a supplement round, a replaced document and a result (every step).
Each golden call is also sent to the DVCQG simulator, which must take it without a violation.

A change of mapping shows up here as a diff to review. To accept it, regenerate the files:

    HOSO_REGENERATE_GOLDEN=1 python -m pytest tests/integration/sync/test_golden.py

and commit them with the change. (Download links are a fixed stand-in, ``samples.fake_link``:
real presigned URLs change with the clock.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from chalicelib.integrations.dvcqg import client_for
from chalicelib.sync import payloads
from tests.integration.sync.conftest import World
from tests.unit.sync import samples

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("HOSO_REGENERATE_GOLDEN") == "1"


def golden_calls(name: str) -> dict[str, Any]:
    if name == "full_dossier":
        dossier, events = samples.full_dossier()
    else:
        status = int(name.removeprefix("status_"))
        start = samples.new_dossier(samples.dossier_code(status), samples.START)
        dossier, events = samples.walk(start, samples.PATHS[status], samples.START)
        events = events[-1:]
    record = payloads.dossier_record(dossier, unit_name=samples.UNIT_NAME, link=samples.fake_link,
                                     last_event=events[-1])  # fmt: skip
    return {
        payloads.SYNC_DOSSIER: payloads.dossier_call(record, is_updating=False),
        payloads.UPDATE_PROGRESS: payloads.progress_call([payloads.progress_record(dossier.code, e) for e in events]),
    }


def render(calls: dict[str, Any]) -> bytes:
    return (json.dumps(calls, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


NAMES = [f"status_{n:02d}" for n in range(1, 11)] + ["full_dossier"]


@pytest.mark.parametrize("name", NAMES)
def test_payload_is_byte_for_byte_the_golden_file(name: str) -> None:
    path = GOLDEN / f"{name}.json"
    produced = render(golden_calls(name))
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(produced)
    assert path.exists(), f"{path} is missing: run with HOSO_REGENERATE_GOLDEN=1 to create it"
    assert produced == path.read_bytes()


def test_dvcqg_takes_every_golden_call(world: World) -> None:
    client = client_for("dvcqg")
    sim = world.sims["dvcqg"]
    sim.mode(check_result_links=False)  # the golden files' links are stand-ins that download nothing
    for name in NAMES:
        calls = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
        client.send(calls[payloads.SYNC_DOSSIER])
        client.send(calls[payloads.UPDATE_PROGRESS])
    assert sim.violations() == []
    held = sim.records()["dossiers"]
    assert sorted(d["dossier"]["TrangThaiHoSo"] for d in held.values()) == sorted(
        [str(n) for n in range(1, 11)] + ["10"])  # fmt: skip
    assert len(held[samples.dossier_code(11)]["progress"]) == len(samples.FULL)
