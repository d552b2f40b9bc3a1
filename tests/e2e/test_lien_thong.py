"""Issue 5 'done when', on the local stack: a birth-chain dossier (Decree 63: khai sinh → thường
trú → thẻ BHYT cho trẻ dưới 6 tuổi) posted by the DVCQG simulator completes end to end, and
DVCQG has every step of it; so does a death chain of two procedures (khai tử → xóa thường trú).

What runs is what runs in production: the DVCQG simulator signs and posts the dossier; the desk
receives it; the outbox relay signals the agency-tasks function, which starts the Step
Functions execution (moto executes the real ASL); the first step becomes a child dossier that
the unit's officers handle over HTTP (result generated from the template and signed); the
police's step is handed to the agency simulator, which answers at ``POST /v1/flows/callback`` with
the task token over HTTP; social insurance, another ministry's system, is reached through the
coordination system (``ChuyenHoSoLienThong``, SPEC §7.7), whose simulator answers at
``POST /v1/coordinator/lien-thong/results``; the parent ends at status 9 with every step's result and is delivered at
the desk. The sync sends every audit event to the DVCQG simulator, in order."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from local.eform_samples import KHAI_TU, SAMPLE_FILLED
from local.seed import BIRTH_CHAIN_CODE
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from local.simulators.pdf import minimal_pdf
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator

TIMEOUT_S = 120  # generous: CI machines are loaded, and every hop is asynchronous


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _until(what: str, check: Callable[[], Any], timeout_s: float = TIMEOUT_S) -> Any:
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s} s waiting for: {what}")


def _handover(stack: LocalStack, code: str, step: str) -> dict[str, Any] | None:
    records = requests.get(f"{simulator(stack, 'agency')}/_sim/records", timeout=10).json()["handovers"]
    return next((h for h in records if h["dossier_code"] == code and h["step"] == step), None)


def _dvcqg_record(stack: LocalStack, code: str) -> dict[str, Any] | None:
    answer = requests.get(f"{simulator(stack, 'dvcqg')}/_sim/records/{code}", timeout=10)
    return answer.json() if answer.status_code == 200 else None


def _handle_child(stack: LocalStack, code: str, result: str) -> None:
    """The commune's justice officers handle the step in the unit's ordinary process, over HTTP;
    ``result``: the content of the result drafted from the procedure's template and signed."""
    desk, head, appraiser, leader, clerk = (Officer(stack, r, HCMC_UNIT)
                                            for r in ("desk", "head", "appraiser", "leader", "clerk"))
    _ok(desk.act(code, "chuyen_phong"))
    _ok(head.act(code, "phan_cong", assignee=appraiser.sub))
    drafted = _ok(appraiser.post(f"/v1/dossiers/{code}/results", {"content": result}), 201)
    _ok(appraiser.act(code, "trinh"))
    _ok(head.act(code, "trinh_lanh_dao"))
    _ok(leader.post(f"/v1/dossiers/{code}/documents/{drafted['id']}/sign", {}))
    _ok(leader.act(code, "phe_duyet"))
    assert _ok(clerk.act(code, "phat_hanh"))["dossier"]["status"] == 9


def _child(operator: Officer, code: str, step: str) -> str:
    def child() -> str | None:
        answer = operator.get(f"/v1/ops/flows/{code}")
        steps = {s["step"]: s for s in answer.json()["steps"]} if answer.status_code == 200 else {}
        return steps.get(step, {}).get("child")

    return str(_until(f"the child dossier of {step}", child))


def _agency_answers(stack: LocalStack, code: str, step: str) -> None:
    """The agency simulator finishes the step it was handed and calls hoso back with the token."""
    handover = _until(f"the hand-over of {step}", lambda: _handover(stack, code, step))
    assert handover["request"]["callback_url"].endswith("/v1/flows/callback")
    sent = _ok(requests.post(f"{simulator(stack, 'agency')}/_sim/complete/{code}", json={"outcome": "success"},
                             timeout=60))  # fmt: skip
    assert sent["callback"]["status"] == 200, sent
    assert sent["sent"]["task_token"] == handover["task_token"]


def _coordinator_answers(stack: LocalStack, code: str, step: str) -> None:
    """Another ministry's step: handed to the coordinator, whose simulator returns the result."""
    url = simulator(stack, "coordinator")
    handover = _until(f"the hand-over of {step} to the coordinator", lambda: next(
        (h for h in requests.get(f"{url}/_sim/records", timeout=10).json()["handovers"]
         if h["MaHoSo"] == code and h["MaBuoc"] == step), None))  # fmt: skip
    assert handover["request"]["DiaChiTraKetQua"].endswith("/v1/coordinator/lien-thong/results")
    sent = _ok(requests.post(f"{url}/_sim/lien-thong/complete/{code}", json={"KetQua": "success"}, timeout=60))
    assert sent["result"]["status"] == 200, sent
    assert sent["sent"]["MaBuocLienThong"] == handover["MaBuocLienThong"]


def _received(stack: LocalStack, overrides: dict[str, Any]) -> str:
    """DVCQG posts the online dossier (signed, as the portal does); the desk receives it, the flow
    starts by itself and the parent shows "đang xử lý liên thông"."""
    desk = Officer(stack, "desk", HCMC_UNIT)
    posted = _ok(requests.post(f"{simulator(stack, 'dvcqg')}/_sim/post-dossier",
                               json={"MaDonViTiepNhan": HCMC_UNIT, **overrides}, timeout=60))  # fmt: skip
    assert posted["status"] == 201, posted
    code = str(posted["body"]["MaHoSo"])
    _ok(desk.act(code, "tiep_nhan"))
    parent = _until("the parent in the liên thông step",
                    lambda: (d := _ok(desk.get(f"/v1/dossiers/{code}"))["dossier"])["step_id"] == "lien_thong" and d)
    assert parent["status"] == 4
    return code


def test_birth_chain_from_dvcqg_completes_and_dvcqg_has_every_step(stack: LocalStack) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    operator = Officer(stack, "operator", MINISTRY_UNIT)
    code = _received(stack, {"MaTTHC": BIRTH_CHAIN_CODE})

    # Step 1 (hoso's own unit): a child dossier, handled by the unit's officers
    child_code = _child(operator, code, "khai_sinh")
    _handle_child(stack, child_code, "Đồng ý đăng ký khai sinh.")

    # Step 2 (the police's system): the agency simulator answers with the task token;
    # step 3 (social insurance, another ministry): through the coordinator
    _agency_answers(stack, code, "thuong_tru")
    _coordinator_answers(stack, code, "bhyt")

    # The flow completes: results of every step at the desk, the execution succeeded
    done = _until("the parent at status 9",
                  lambda: (d := _ok(desk.get(f"/v1/dossiers/{code}"))["dossier"])["status"] == 9 and d)
    assert done["step_id"] == "tra_ket_qua"
    results = [d["name"] for d in done["documents"] if d["kind"] == "result"]
    assert len(results) == 3 and "ket-qua-thuong_tru.pdf" in results and "ket-qua-bhyt.pdf" in results
    flow = _until("the execution succeeded",
                  lambda: (f := _ok(operator.get(f"/v1/ops/flows/{code}")))["execution_status"] == "SUCCEEDED" and f)
    assert {s["step"]: s["status"] for s in flow["steps"]} == {"khai_sinh": "done", "thuong_tru": "done",
                                                                "bhyt": "done"}

    # Delivered at the desk to the applicant
    applicant = done["applicant"]
    _ok(desk.post(f"/v1/dossiers/{code}/delivery", {
        "receiver": {"name": applicant["name"], "id_number": applicant["id_number"]}, "originals_checked": True,
        "id_checked": True}))

    # DVCQG has the dossier delivered and every step of it, in order, once each
    view = _ok(desk.get(f"/v1/dossiers/{code}"))
    events = view["events"]
    assert view["dossier"]["status"] == 10
    record = _until("DVCQG has every step", lambda: (r := _dvcqg_record(stack, code))
                    and r["dossier"].get("TrangThaiHoSo") == "10" and len(r["progress"]) == len(events) and r)
    progress = record["progress"]
    assert [p["TrangThai"] for p in progress] == [str(e["to_status"]) for e in events]
    assert all(p["NoiDungXuLy"].startswith(e["label"]) for p, e in zip(progress, events, strict=True))
    contents = " | ".join(p["NoiDungXuLy"] for p in progress)
    for step in ("Tư pháp xã: đăng ký khai sinh", "Công an xã: đăng ký thường trú",
                 "Bảo hiểm xã hội: cấp thẻ BHYT cho trẻ dưới 6 tuổi"):
        assert contents.count(f"Chuyển hồ sơ liên thông: {step}") == 1, step
        assert contents.count(f"Nhận kết quả bước liên thông: {step}") == 1, step
    completed = [p for p in progress if p["NoiDungXuLy"].startswith("Hoàn thành liên thông")]
    assert [p["TrangThai"] for p in completed] == ["9"]
    assert record["dossier"]["MaTTHC"] == BIRTH_CHAIN_CODE
    assert len(record["dossier"]["DanhSachGiayToKetQua"]) == 3
    # the child dossier is a dossier of its own on DVCQG too
    child_record = _until("DVCQG has the child dossier",
                          lambda: (r := _dvcqg_record(stack, child_code)) and r["dossier"].get("TrangThaiHoSo") == "9"
                          and r)  # fmt: skip
    assert child_record["dossier"]["MaTTHC"] == "1.001193"


def test_death_chain_with_the_survivor_benefit_chosen_on_the_form_from_dvcqg_completes(stack: LocalStack) -> None:
    # Đăng ký khai tử + xóa đăng ký thường trú + the survivor benefit (BHXH) the applicant ticked on the form
    desk = Officer(stack, "desk", HCMC_UNIT)
    operator = Officer(stack, "operator", MINISTRY_UNIT)
    form = {**SAMPLE_FILLED[KHAI_TU.code], "lien_thong": {"thu_tuc_chon": ["tu_tuat"]}}
    requester = form["nguoi_yeu_cau"]
    notice = minimal_pdf("Giấy báo tử", ["GIAY BAO TU", "So: 125/GBT"])
    code = _received(stack, {
        "MaTTHC": "1.000656", "DuLieuBieuMau": form, "ChuHoSo": requester["ho_ten"].title(),
        "SoGiayToChuHoSo": requester["so_dinh_danh"], "TrichYeuHoSo": "Đăng ký khai tử, xóa đăng ký thường trú",
        "TaiLieuNop": [{"TepDinhKemId": str(uuid.uuid4()), "TenTepDinhKem": "giay-bao-tu.pdf",
                        "MaThanhPhanHoSo": "GBT", "NoiDungBase64": base64.b64encode(notice).decode()}],
    })  # fmt: skip
    _handle_child(stack, _child(operator, code, "khai_tu"), "Đồng ý đăng ký khai tử.")
    _agency_answers(stack, code, "xoa_thuong_tru")
    _coordinator_answers(stack, code, "tu_tuat")
    flow = _until("the execution succeeded",
                  lambda: (f := _ok(operator.get(f"/v1/ops/flows/{code}")))["execution_status"] == "SUCCEEDED" and f)
    assert {s["step"]: s["status"] for s in flow["steps"]} == {"khai_tu": "done", "xoa_thuong_tru": "done",
                                                               "tu_tuat": "done"}
    done = _ok(desk.get(f"/v1/dossiers/{code}"))
    assert done["dossier"]["status"] == 9
    record = _until("DVCQG has every step", lambda: (r := _dvcqg_record(stack, code))
                    and len(r["progress"]) == len(done["events"]) and r)  # fmt: skip
    assert [p["TrangThai"] for p in record["progress"]] == [str(e["to_status"]) for e in done["events"]]
    assert record["dossier"]["TrangThaiHoSo"] == "9"


def test_the_seeded_specialised_software_reports_only_on_its_procedure(stack: LocalStack) -> None:
    # issue 5 item 5 on the stack: the demo specialised software (radiation licences, 1.000105)
    # authenticates with its own credential and is confined to its procedure
    token = {"Authorization": "Bearer pmcn-buc-xa.dev-specialised-token"}
    desk = Officer(stack, "desk", HCMC_UNIT)
    created = _ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)
    report = {"event_id": "BX-1", "action": "chuyen_phong", "from_step": "chuyen_xu_ly", "status": 4}
    path = f"{stack.api_url}/v1/specialised/dossiers/{created['dossier']['code']}/status"
    outside = requests.post(path, json=report, headers=token, timeout=30)
    assert outside.status_code == 403 and outside.json()["error_code"] == "FORBIDDEN_PROCEDURE", outside.text
    forged = requests.post(path, json=report, headers={"Authorization": "Bearer pmcn-buc-xa.sai"}, timeout=30)
    assert forged.status_code == 401


def test_the_seeded_postal_client_cannot_drive_a_dossier_nor_answer_a_flow(stack: LocalStack) -> None:
    # issue 11, High 1: the postal service's credential is scoped to every procedure, and was
    # enough to approve, withdraw or inject results through the specialised software's routes
    postal = {"Authorization": "Bearer buu-chinh.dev-post-token"}
    desk = Officer(stack, "desk", HCMC_UNIT)
    created = _ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)
    code = created["dossier"]["code"]
    before = _ok(desk.get(f"/v1/dossiers/{code}"))
    base = f"{stack.api_url}/v1/specialised/dossiers/{code}"
    pdf = base64.b64encode(minimal_pdf("Kết quả", ["KET QUA"])).decode()
    attempts = [
        (f"{base}/status", {"event_id": "BC-1", "action": "rut_ho_so", "from_step": "chuyen_xu_ly", "status": 7,
                            "reason": "Công dân rút hồ sơ."}),
        (f"{base}/status", {"event_id": "BC-2", "action": "phe_duyet", "from_step": "phe_duyet", "status": 4}),
        (f"{base}/status", {"event_id": "BC-3", "action": "phat_hanh", "from_step": "phat_hanh", "status": 9}),
        (f"{base}/results", {"event_id": "BC-4", "result_documents": [{"name": "kq.pdf", "content_base64": pdf}]}),
        (f"{stack.api_url}/v1/flows/callback", {"task_token": "khong-co", "outcome": "success"}),
    ]  # fmt: skip
    for url, body in attempts:
        answer = requests.post(url, json=body, headers=postal, timeout=30)
        assert answer.status_code == 403 and answer.json()["error_code"] == "FORBIDDEN_CAPABILITY", answer.text
    after = _ok(desk.get(f"/v1/dossiers/{code}"))
    assert (after["dossier"]["status"], after["dossier"]["version"], after["dossier"]["documents"]) == (
        before["dossier"]["status"], before["dossier"]["version"], before["dossier"]["documents"])
    assert after["events"] == before["events"]


def test_a_received_dossier_reaches_its_specialised_software_which_reports_its_result(stack: LocalStack) -> None:
    # make run's specialised-software simulator: hoso pushes the received 1.000105 dossier to it
    # (integration-clients secret), and its result comes back through /v1/specialised/…/results
    desk = Officer(stack, "desk", HCMC_UNIT)
    created = _ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaTTHC": "1.000105", "MaDonViTiepNhan": HCMC_UNIT,
                                             "LoaiDoiTuong": "2"}), 201)
    code = created["dossier"]["code"]
    software = simulator(stack, "specialised")

    def reported() -> dict[str, Any] | None:
        answer = requests.post(f"{software}/_sim/report/{code}", json={"kind": "results"}, timeout=30)
        return answer.json() if answer.status_code != 404 else None

    sent = _until("the dossier pushed to its specialised software", reported)
    assert sent["answer"]["status"] == 200, sent
    view = _ok(desk.get(f"/v1/dossiers/{code}"))
    assert [d["name"] for d in view["dossier"]["documents"] if d["kind"] == "result"] == ["ket-qua.pdf"]
