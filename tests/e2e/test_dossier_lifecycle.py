"""Issue 3 'done when', through HTTP on the local stack: a DVCQG dossier and a desk dossier
each go from intake to "Đã xử lý xong" through assignment, appraisal, a supplement round
and approval, and the audit trail shows every step."""

from __future__ import annotations

from typing import Any

import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator

RESULT = "draw up the result"


def walk_to_processed(stack: LocalStack, code: str, unit: str, *, online: bool) -> dict[str, Any]:
    desk, head = Officer(stack, "desk", unit), Officer(stack, "head", unit)
    appraiser, leader, clerk = (Officer(stack, r, unit) for r in ("appraiser", "leader", "clerk"))
    steps: list[tuple[Officer, str, dict[str, Any]]] = []
    if online:
        steps.append((desk, "tiep_nhan", {}))
    steps += [
        (desk, "chuyen_phong", {}),
        (head, "phan_cong", {"assignee": appraiser.sub}),
        (appraiser, "yeu_cau_bo_sung", {"reason": "Bổ sung bản sao giấy chứng sinh có chứng thực"}),
        (desk, "nhan_bo_sung", {}),
        (appraiser, RESULT, {"content": "Đồng ý đăng ký khai sinh."}),  # no result, no approval
        (appraiser, "trinh", {}),
        (head, "trinh_lanh_dao", {}),
        (leader, "phe_duyet", {}),
        (clerk, "phat_hanh", {}),
    ]
    view: dict[str, Any] = {}
    for officer, action, fields in steps:
        if action == RESULT:
            drawn_up = officer.post(f"/v1/dossiers/{code}/results", fields)
            assert drawn_up.status_code == 201, drawn_up.text
            continue
        answer = officer.act(code, action, **fields)
        assert answer.status_code == 200, (action, answer.text)
        view = answer.json()
    return view


def test_a_dvcqg_dossier_goes_from_intake_to_processed(stack: LocalStack) -> None:
    posted = requests.post(f"{simulator(stack, 'dvcqg')}/_sim/post-dossier", json={}, timeout=30).json()
    assert posted["status"] == 201, posted
    answer = posted["body"]
    code = answer["MaHoSo"]
    assert answer["error_code"] == 0 and answer["TrangThaiHoSo"] == "1"
    unit = code.split("-")[0]

    desk = Officer(stack, "desk", unit)
    queue = desk.all_pages(f"/v1/units/{unit}/worklist", status=1)
    assert code in [d["code"] for d in queue], "desk officers see the new online dossier in their queue"

    view = walk_to_processed(stack, code, unit, online=True)
    dossier = view["dossier"]
    assert dossier["status"] == 9 and dossier["finished_at"]
    assert dossier["documents"] and dossier["documents"][0]["sha256"]
    assert len(dossier["supplements"]) == 1 and dossier["supplements"][0]["received_at"]
    trail = [(e["action"], e["from_status"], e["to_status"]) for e in view["events"]]
    assert [a for a, _, _ in trail] == [
        "submit_online", "receive", "submit", "assign", "request_supplement", "receive_supplement",
        "issue_result_document", "submit", "submit", "approve", "issue_result"]
    assert [e["seq"] for e in view["events"]] == list(range(1, 12))
    assert trail[1][1:] == (1, 2) and trail[4][2] == 5 and trail[-1][2] == 9


def test_a_desk_dossier_goes_from_receipt_to_processed(stack: LocalStack) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    body = {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}
    answer = desk.post("/v1/dossiers", body)
    assert answer.status_code == 201, answer.text
    dossier = answer.json()["dossier"]
    assert dossier["status"] == 2 and dossier["received_at"] and dossier["due_at"]
    assert dossier["code"].startswith(f"{HCMC_UNIT}-")
    view = walk_to_processed(stack, dossier["code"], HCMC_UNIT, online=False)
    assert view["dossier"]["status"] == 9
    assert view["events"][0]["action"] == "receive" and view["events"][0]["to_status"] == 2


def test_officers_of_another_unit_cannot_see_or_act(stack: LocalStack) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    code = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}).json()["dossier"]["code"]
    stranger = Officer(stack, "desk", "000.00.13.H26")
    assert stranger.get(f"/v1/dossiers/{code}").status_code == 404
    assert stranger.act(code, "chuyen_phong").status_code == 404
    assert stranger.get(f"/v1/units/{HCMC_UNIT}/worklist", status=2).status_code == 403


def test_the_wrong_role_and_a_missing_reason_are_refused_with_codes(stack: LocalStack) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    code = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}).json()["dossier"]["code"]
    leader = Officer(stack, "leader", HCMC_UNIT)
    refused = leader.act(code, "chuyen_phong")
    assert refused.status_code == 403 and refused.json()["error_code"] == "FORBIDDEN_ROLE"
    not_here = desk.act(code, "phe_duyet")
    assert not_here.status_code == 409 and not_here.json()["error_code"] == "ACTION_NOT_ALLOWED"
    no_token = requests.post(f"{stack.api_url}/v1/dossiers/{code}/actions", json={"action": "x"}, timeout=10)
    assert no_token.status_code == 401
