"""Issue 17 item 1 through HTTP on the local stack: TP.HCM's appraiser consults Hà Nội's unit and the
ministry on a desk dossier; each consulted unit finds the request in its list; Hà Nội answers (its
opinion letter signed through the eSign simulator); continuing waits for the ministry's opinion; the
ministry answers and the appraiser continues. DVCQG's simulator received each step as progress
(the request, both opinions, the continuation), in order."""

from __future__ import annotations

import time
from typing import Any

import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator

QUESTION = "Đề nghị cho ý kiến về hồ sơ đăng ký khai sinh có yếu tố nước ngoài."


def _ok(answer: requests.Response) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()


def _progress(stack: LocalStack, code: str, wanted: int, timeout_s: float = 120) -> list[str]:
    """What DVCQG's simulator holds of the dossier's progress once it has ``wanted`` consultation steps."""
    deadline = time.monotonic() + timeout_s
    steps: list[str] = []
    while time.monotonic() < deadline:
        answer = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/records/{code}", timeout=10)
        if answer.status_code == 200:
            steps = [p["NoiDungXuLy"] for p in answer.json()["progress"]]
            if len([s for s in steps if "ý kiến" in s.lower() or "Tiếp tục xử lý" in s]) >= wanted:
                return steps
        time.sleep(0.5)
    raise AssertionError(f"DVCQG did not get {wanted} consultation steps in {timeout_s} s: {steps}")


def test_two_units_are_consulted_both_answer_and_the_appraiser_continues(stack: LocalStack) -> None:
    desk, head, appraiser = (Officer(stack, r, HCMC_UNIT) for r in ("desk", "head", "appraiser"))
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    assert created.status_code == 201, created.text
    code = created.json()["dossier"]["code"]
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))

    unknown = appraiser.act(code, "xin_y_kien", reason=QUESTION, consult_units=["000.00.99.H99"],
                            consult_deadline={"value": 3, "unit": "working_days"})
    assert unknown.status_code == 422 and unknown.json()["error_code"] == "UNKNOWN_UNIT"
    no_deadline = appraiser.act(code, "xin_y_kien", reason=QUESTION, consult_units=[HANOI_UNIT])
    assert no_deadline.status_code == 422 and no_deadline.json()["error_code"] == "CONSULT_DEADLINE_REQUIRED"
    asked = _ok(appraiser.act(code, "xin_y_kien", reason=QUESTION, consult_units=[HANOI_UNIT, MINISTRY_UNIT],
                              consult_deadline={"value": 3, "unit": "working_days"}))
    assert asked["dossier"]["step_id"] == "cho_y_kien"
    by_unit = {c["unit_code"]: c["id"] for c in asked["dossier"]["consultations"]}

    hanoi, ministry = Officer(stack, "head", HANOI_UNIT), Officer(stack, "appraiser", MINISTRY_UNIT)
    for officer, unit in ((hanoi, HANOI_UNIT), (ministry, MINISTRY_UNIT)):
        listed = _ok(officer.get(f"/v1/units/{unit}/consultations"))
        assert (code, by_unit[unit]) in {(i["code"], i["consultation"]["id"]) for i in listed["items"]}
        assert officer.get(f"/v1/dossiers/{code}").status_code == 404  # the request, not the dossier

    seen = _ok(hanoi.post(f"/v1/dossiers/{code}/consultations/{by_unit[HANOI_UNIT]}/opinion",
                          {"opinion": "Sở Hà Nội thống nhất."}))
    assert seen["consultation"]["signed_document"] in {d["id"] for d in seen["documents"]}
    letter = _ok(hanoi.get(f"/v1/dossiers/{code}/consultations/{by_unit[HANOI_UNIT]}/documents/"
                           f"{seen['consultation']['signed_document']}/link"))
    assert requests.get(letter["url"], timeout=30).content.startswith(b"%PDF")

    waiting = appraiser.act(code, "ghi_y_kien")
    assert waiting.status_code == 409 and waiting.json()["error_code"] == "OPINIONS_PENDING"
    _ok(ministry.post(f"/v1/dossiers/{code}/consultations/{by_unit[MINISTRY_UNIT]}/opinion",
                      {"opinion": "Bộ thống nhất với đề xuất."}))
    resumed = _ok(appraiser.act(code, "ghi_y_kien", reason="Đã đủ ý kiến."))
    assert resumed["dossier"]["step_id"] == "tham_dinh"
    assert [c["opinion"] for c in resumed["dossier"]["consultations"]] == ["Sở Hà Nội thống nhất.",
                                                                           "Bộ thống nhất với đề xuất."]

    steps = _progress(stack, code, 4)
    consultation_steps = [s for s in steps if "ý kiến" in s.lower() or "Tiếp tục xử lý" in s]
    assert consultation_steps[0].startswith("Xin ý kiến đơn vị liên quan: " + QUESTION)
    assert any(s.startswith("Ý kiến tham gia của") and "Sở Hà Nội thống nhất." in s for s in consultation_steps)
    assert consultation_steps[-1].startswith("Tiếp tục xử lý")
