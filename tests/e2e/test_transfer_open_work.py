"""Transfer to the competent unit while other units work on the dossier, through HTTP on the local
stack: refused (409, the dossier unchanged, a Vietnamese message naming what it waits for) while a
consultation waits for another unit's opinion — allowed once the opinion is in — and while a
liên thông flow runs, for the parent and for the child dossier the flow gave a unit."""

from __future__ import annotations

from typing import Any

import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from local.seed import BIRTH_CHAIN_CODE
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer
from tests.e2e.test_lien_thong import _child, _received

REASON = "Người nộp thường trú tại Hà Nội: hồ sơ thuộc thẩm quyền của đơn vị Hà Nội."


def _ok(answer: requests.Response) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()


def _transfer(desk: Officer, code: str) -> requests.Response:
    return desk.post(f"/v1/dossiers/{code}/transfer-unit", {"unit_code": HANOI_UNIT, "reason": REASON})


def _refused(desk: Officer, code: str, error_code: str) -> str:
    before = _ok(desk.get(f"/v1/dossiers/{code}"))["dossier"]
    answer = _transfer(desk, code)
    assert answer.status_code == 409 and answer.json()["error_code"] == error_code, answer.text
    after = _ok(desk.get(f"/v1/dossiers/{code}"))["dossier"]
    assert (after["unit_code"], after["version"], after["step_id"]) == (HCMC_UNIT, before["version"], before["step_id"])
    return str(answer.json()["message"])


def test_a_dossier_waiting_for_an_opinion_is_transferred_only_once_the_opinion_is_in(stack: LocalStack) -> None:
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    assert created.status_code == 201, created.text
    code = created.json()["dossier"]["code"]
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    asked = _ok(appraiser.act(code, "xin_y_kien", reason="Đề nghị cho ý kiến.", consult_units=[MINISTRY_UNIT],
                              consult_deadline={"value": 3, "unit": "working_days"}))  # fmt: skip
    [consultation] = asked["dossier"]["consultations"]

    message = _refused(desk, code, "TRANSFER_CONSULTATION_OPEN")
    assert f"Hồ sơ đang chờ ý kiến của {consultation['unit_name']}" in message

    ministry = Officer(stack, "appraiser", MINISTRY_UNIT)
    _ok(ministry.post(f"/v1/dossiers/{code}/consultations/{consultation['id']}/opinion", {"opinion": "Thống nhất."}))
    moved = _ok(_transfer(desk, code))
    assert (moved["code"], moved["unit_code"]) == (code, HANOI_UNIT)


def test_the_parent_and_the_child_of_a_running_lien_thong_flow_stay_where_they_are(stack: LocalStack) -> None:
    desk, operator = Officer(stack, "desk", HCMC_UNIT), Officer(stack, "operator", MINISTRY_UNIT)
    code = _received(stack, {"MaTTHC": BIRTH_CHAIN_CODE})
    child = _child(operator, code, "khai_sinh")  # the flow's first step: a child dossier at the same unit

    message = _refused(desk, code, "TRANSFER_LIEN_THONG")
    assert "Hồ sơ đang trong quy trình liên thông (đang chờ: Tư pháp xã: đăng ký khai sinh)" in message
    message = _refused(desk, child, "TRANSFER_LIEN_THONG")
    assert f"Hồ sơ này là một bước liên thông của hồ sơ {code}" in message
