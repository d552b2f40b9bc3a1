"""Issue 17 item 2 through HTTP on the local stack: a dossier received at the desk of unit A (TP.HCM)
is transferred with a reason to the competent unit B (Hà Nội); it keeps its code, its appointment
date and its history; it leaves A's lists and enters B's; B's head assigns it and B's appraiser
works on it; DVCQG's simulator received the transfer (the progress step, status 4, and the dossier
record naming B). Two concurrent transfers: exactly one lands."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator

REASON = "Người nộp thường trú tại Hà Nội: hồ sơ thuộc thẩm quyền của Sở Tư pháp Hà Nội."


def _received_at(desk: Officer) -> dict[str, Any]:
    answer = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    assert answer.status_code == 201, answer.text
    return answer.json()["dossier"]


def _codes(officer: Officer, unit: str, status: int) -> list[str]:
    return [d["code"] for d in officer.all_pages(f"/v1/units/{unit}/worklist", status=status)]


def _count(officer: Officer, unit: str, key: str) -> int:
    answer = officer.get(f"/v1/units/{unit}/counters")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["by_status_and_role"].get(key, 0))


def _dvcqg_entry(stack: LocalStack, code: str, timeout_s: float = 120) -> dict[str, Any]:
    """The DVCQG simulator's record once it holds the transfer's progress step (sync is asynchronous)."""
    deadline = time.monotonic() + timeout_s
    entry: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/records/{code}", timeout=10)
        if answer.status_code == 200:
            entry = answer.json()
            if any("đơn vị có thẩm quyền" in p["NoiDungXuLy"] for p in entry["progress"]):
                return entry
        time.sleep(0.5)
    raise AssertionError(f"DVCQG did not get the transfer in {timeout_s} s: {entry}")


def test_a_dossier_received_by_the_wrong_unit_is_transferred_and_processed_by_the_competent_one(
        stack: LocalStack) -> None:
    desk_a, desk_b = Officer(stack, "desk", HCMC_UNIT), Officer(stack, "desk", HANOI_UNIT)
    head_b, appraiser_b = Officer(stack, "head", HANOI_UNIT), Officer(stack, "appraiser", HANOI_UNIT)
    dossier = _received_at(desk_a)
    code = dossier["code"]
    assert code in _codes(desk_a, HCMC_UNIT, 2)

    offered = desk_a.get(f"/v1/dossiers/{code}/competent-units")
    assert offered.status_code == 200 and offered.json()["allowed"] is True
    assert {u["code"] for u in offered.json()["units"]} == {HANOI_UNIT, MINISTRY_UNIT}
    no_reason = desk_a.post(f"/v1/dossiers/{code}/transfer-unit", {"unit_code": HANOI_UNIT, "reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["error_code"] == "REASON_REQUIRED"

    counts_a, counts_b = _count(desk_a, HCMC_UNIT, "2#desk"), _count(head_b, HANOI_UNIT, "4#head")
    moved = desk_a.post(f"/v1/dossiers/{code}/transfer-unit", {"unit_code": HANOI_UNIT, "reason": REASON})
    assert moved.status_code == 200, moved.text
    # the FR-20 counters moved with the dossier, in its transaction
    assert (_count(desk_a, HCMC_UNIT, "2#desk"), _count(head_b, HANOI_UNIT, "4#head")) == (counts_a - 1, counts_b + 1)
    assert moved.json() == {"code": code, "unit_code": HANOI_UNIT, "unit_name": moved.json()["unit_name"],
                            "status": 4, "step_id": "phan_cong"}

    assert code not in _codes(desk_a, HCMC_UNIT, 2) and code not in _codes(desk_a, HCMC_UNIT, 4)
    assert desk_a.get(f"/v1/dossiers/{code}").status_code == 404
    assert code in _codes(head_b, HANOI_UNIT, 4)
    view = head_b.get(f"/v1/dossiers/{code}").json()
    assert view["dossier"]["code"] == code and view["dossier"]["due_at"] == dossier["due_at"]
    assert view["dossier"]["received_at"] == dossier["received_at"]
    transfer = view["events"][-1]
    assert transfer["action"] == "transfer_unit" and REASON in transfer["note"]
    assert transfer["actor"]["unit_code"] == HCMC_UNIT and (transfer["from_status"], transfer["to_status"]) == (2, 4)
    assert [e["seq"] for e in view["events"]] == list(range(1, len(view["events"]) + 1))

    assigned = head_b.act(code, "phan_cong", assignee=appraiser_b.sub)
    assert assigned.status_code == 200, assigned.text
    assert code in [d["code"] for d in appraiser_b.all_pages("/v1/me/dossiers")]
    drafted = appraiser_b.post(f"/v1/dossiers/{code}/results", {"content": "Đồng ý đăng ký khai sinh."})
    assert drafted.status_code == 201, drafted.text
    submitted = appraiser_b.act(code, "trinh")
    assert submitted.status_code == 200, submitted.text
    assert [e["action"] for e in submitted.json()["events"]][-4:] == [
        "transfer_unit", "assign", "issue_result_document", "submit"]
    assert desk_b.get(f"/v1/dossiers/{code}").status_code == 200

    entry = _dvcqg_entry(stack, code)
    [step] = [p for p in entry["progress"] if "đơn vị có thẩm quyền" in p["NoiDungXuLy"]]
    assert step["TrangThai"] == "4" and REASON in step["NoiDungXuLy"]
    assert moved.json()["unit_name"] in step["NoiDungXuLy"]
    assert entry["dossier"]["MaHoSo"] == code and entry["dossier"]["DonViXuLy"] == moved.json()["unit_name"]
    violations = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/violations", timeout=10).json()
    assert [v for v in violations if v.get("MaHoSo") == code] == []


def test_two_concurrent_transfers_one_lands(stack: LocalStack) -> None:
    desk, leader = Officer(stack, "desk", HCMC_UNIT), Officer(stack, "leader", HCMC_UNIT)
    code = _received_at(desk)["code"]

    def send(args: tuple[Officer, str]) -> int:
        officer, unit = args
        return officer.post(f"/v1/dossiers/{code}/transfer-unit", {"unit_code": unit, "reason": REASON}).status_code

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, [(desk, HANOI_UNIT), (leader, MINISTRY_UNIT)]))
    assert sorted(answers)[0] == 200 and sorted(answers)[1] in (404, 409), answers
    winner = HANOI_UNIT if answers[0] == 200 else MINISTRY_UNIT
    view = Officer(stack, "desk", winner).get(f"/v1/dossiers/{code}").json()
    assert [e["action"] for e in view["events"]].count("transfer_unit") == 1
    assert view["dossier"]["unit_code"] == winner
