"""Issue 3 items 3 and 8 through HTTP on the local stack: a desk officer's drafts, auto-fill from
the population database simulator, and an overdue dossier reminded by the ``deadline_sweep``
schedule (fired through the stack's dispatcher) in-app, by e-mail and by SMS — once."""

from __future__ import annotations

from typing import Any

import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.simulators.citizens import DEMO_CITIZENS
from local.stack import LocalStack
from tests.e2e import backdate
from tests.e2e.conftest import Officer, simulator


def test_a_desk_officer_saves_resumes_and_discards_a_draft(stack: LocalStack) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    partial = {"MaTTHC": "1.001193", "MaDonViTiepNhan": HCMC_UNIT, "ChuHoSo": "Trần Thị Bích Ngọc"}
    saved = desk.put("/v1/drafts/e2e-ks-1", partial)
    assert saved.status_code == 201, saved.text
    assert desk.put("/v1/drafts/e2e-ks-1", {**partial, "SoDienThoai": "0903123456"}).status_code == 200
    listed = desk.get("/v1/drafts").json()["items"]
    assert listed[0]["id"] == "e2e-ks-1" and listed[0]["applicant"] == "Trần Thị Bích Ngọc"
    assert desk.get("/v1/drafts/e2e-ks-1").json()["data"]["SoDienThoai"] == "0903123456"
    assert Officer(stack, "desk", HANOI_UNIT).get("/v1/drafts/e2e-ks-1").status_code == 404
    assert requests.delete(f"{stack.api_url}/v1/drafts/e2e-ks-1", headers=desk.headers, timeout=10).status_code == 204
    assert desk.get("/v1/drafts/e2e-ks-1").status_code == 404


def autofill(desk: Officer, number: str) -> requests.Response:
    return desk.post("/v1/autofill/citizens", {"so_dinh_danh": number, "thu_tuc": "1.001193"})


def test_the_desk_form_is_autofilled_from_the_population_database(stack: LocalStack) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    citizen = DEMO_CITIZENS[0]
    found = autofill(desk, citizen["SoDinhDanh"])
    assert found.status_code == 200, found.text
    assert found.json()["values"]["nguoi_yeu_cau.ho_ten"] == citizen["HoVaTen"]
    assert "nguoi_yeu_cau.noi_cu_tru" in found.json()["autofilled"]
    invalid = autofill(desk, "0123")
    assert invalid.status_code == 422 and invalid.json()["message"] == "Số định danh cá nhân phải gồm đúng 12 chữ số."
    assert autofill(desk, "001090000000").json()["error_code"] == "CITIZEN_NOT_FOUND"
    population = simulator(stack, "population")
    requests.post(f"{population}/_sim/mode", json={"down": True}, timeout=10).raise_for_status()
    try:
        down = autofill(desk, citizen["SoDinhDanh"])
        assert down.status_code == 503 and down.json()["error_code"] == "POPULATION_UNAVAILABLE"
    finally:
        requests.post(f"{population}/_sim/mode", json={"down": False}, timeout=10).raise_for_status()


def _mine(officer: Officer, code: str) -> list[dict[str, Any]]:
    return [n for n in officer.all_pages("/v1/me/notifications") if n["dossier_code"] == code]


def test_an_overdue_dossier_is_reminded_once_in_app_by_email_and_by_sms(stack: LocalStack) -> None:
    desk, head = Officer(stack, "desk", HCMC_UNIT), Officer(stack, "head", HCMC_UNIT)
    contact = {"email": desk.account["ThuDienTu"], "phone": desk.account["SoDienThoai"]}
    assert desk.put("/v1/me/notification-settings", contact).status_code == 200
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    assert created.status_code == 201, created.text
    code = created.json()["dossier"]["code"]
    past = backdate.overdue(code, HCMC_UNIT)  # due two days ago
    record = backdate.accepted_by_dvcqg(simulator(stack, "dvcqg"), code)
    assert record["NgayTiepNhan"] < record["NgayHenTra"] == f"{past:%Y%m%d%H%M%S}"

    [outcome] = stack.dispatcher.fire_schedule("deadline_sweep")
    assert outcome.ok, outcome.error
    assert stack.dispatcher.wait_idle("deadline_sweep_pages"), "the sweep's pages are done"

    [note] = _mine(desk, code)
    assert note["kind"] == "dossier_overdue" and note["title"] == "Hồ sơ quá hạn xử lý"
    assert f"Hạn xử lý {past:%d/%m/%Y} - Quá hạn" in note["message"]
    assert [n["kind"] for n in _mine(head, code)] == ["dossier_overdue"]
    messaging = simulator(stack, "messaging")
    mail = requests.get(f"{messaging}/_sim/messages", params={"to": contact["email"]}, timeout=10).json()["messages"]
    assert len(mail) == 1 and code in mail[0]["text"]
    sms = requests.get(f"{messaging}/_sim/messages", params={"to": contact["phone"]}, timeout=10).json()["messages"]
    assert len(sms) == 1 and sms[0]["channel"] == "sms" and code in sms[0]["text"]

    read = desk.post(f"/v1/me/notifications/{note['id']}/read", {})
    assert read.status_code == 200 and read.json()["read_at"]
    [again] = stack.dispatcher.fire_schedule("deadline_sweep")
    assert again.ok and stack.dispatcher.wait_idle("deadline_sweep_pages")
    assert len(_mine(desk, code)) == 1, "one reminder per dossier and kind a day"
    assert len(requests.get(f"{messaging}/_sim/messages", params={"to": contact["email"]},
                            timeout=10).json()["messages"]) == 1
