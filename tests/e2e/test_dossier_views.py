"""The dossier page's reads over HTTP on the local stack: the process of the dossier's version
with the step it stands on and the steps it passed, its sync state per destination (the
officers' view of what the operators' route shows), and the in-page preview of a document —
each under the dossier's own visibility rule (another unit's officer gets the 404 of a dossier
that does not exist)."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer

SYNC_WAIT_S = 30


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_process_sync_state_and_preview_of_a_dossier(stack: LocalStack) -> None:
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    stranger = Officer(stack, "desk", HANOI_UNIT)
    code = _ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)["dossier"]["code"]
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))

    # the process: the version the dossier follows, where it stands, what it passed (in order)
    seen = _ok(appraiser.get(f"/v1/dossiers/{code}/process"))
    view = _ok(appraiser.get(f"/v1/dossiers/{code}"))
    dossier = view["dossier"]
    assert seen["process"]["code"] == dossier["process_code"]
    assert seen["process"]["version"] == dossier["process_version"]
    assert seen["current_step"] == dossier["step_id"]
    steps = [s["id"] for s in seen["process"]["steps"]]
    assert seen["current_step"] in steps and seen["passed_steps"]
    assert set(seen["passed_steps"]) <= set(steps) and seen["current_step"] not in seen["passed_steps"]
    reached = [s for e in view["events"] for s in (e["from_step"], e["to_step"]) if s and s != dossier["step_id"]]
    assert seen["passed_steps"] == list(dict.fromkeys(reached)), "passed steps in the order the dossier reached them"
    assert seen["due_at"] == dossier["due_at"]

    # sync: every destination named; DVCQG ends up with every step the dossier has
    deadline = time.monotonic() + SYNC_WAIT_S
    while True:
        sync = _ok(appraiser.get(f"/v1/dossiers/{code}/sync"))
        by_destination = {d["destination"]: d for d in sync["destinations"]}
        dvcqg = by_destination["dvcqg"]
        if dvcqg["state"] == "synced" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert set(by_destination) == {"dvcqg", "coordinator", "province"}
    assert by_destination["coordinator"]["name"] == "Hệ thống điều phối"
    assert dvcqg["state"] == "synced", dvcqg
    assert dvcqg["acked_seq"] == sync["seq"] and dvcqg["pending"] == 0 and dvcqg["last_acked_at"]
    assert dvcqg["last_label"]
    assert "answer" not in dvcqg and "ledger" not in dvcqg, "operators' details stay on the operators' route"

    # preview: the stored bytes of the result, checked against their recorded hash
    result = _ok(appraiser.post(f"/v1/dossiers/{code}/results", {"content": "Đồng ý đăng ký khai sinh."}), 201)
    preview = _ok(desk.get(f"/v1/dossiers/{code}/documents/{result['id']}/preview"))
    content = base64.b64decode(preview["content_base64"])
    assert content.startswith(b"%PDF") and preview["content_type"] == "application/pdf"
    assert preview["size"] == len(content) and hashlib.sha256(content).hexdigest() == result["versions"][-1]["sha256"]
    missing = desk.get(f"/v1/dossiers/{code}/documents/khong-co/preview")
    assert missing.status_code == 404

    # another unit's officer cannot learn the dossier exists, through any of the three
    unknown = stranger.get("/v1/dossiers/000.00.13.H26-000101-9999/process").json()
    for path in ("process", "sync", f"documents/{result['id']}/preview"):
        denied = stranger.get(f"/v1/dossiers/{code}/{path}")
        assert denied.status_code == 404 and denied.json() == unknown
