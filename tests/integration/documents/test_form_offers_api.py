"""Only legally right documents print (issue 12, item 3), through the routes: the forms a dossier
offers (``GET /v1/dossiers/{code}/forms``) and the print route refusing, with 409
``FORM_NOT_AVAILABLE``, a form the dossier's state does not allow; the extension request
(Phiếu đề nghị gia hạn thời gian giải quyết) printed after ``gia_han``. And the process checker's
warning for a procedure whose legal deadline its process cannot fit (issue 12, item 2)."""

from __future__ import annotations

import json

from chalicelib.documents import service as documents
from chalicelib.domain.calendar import Duration
from chalicelib.domain.intake import DVCQG_EXAMPLE
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.services import intake
from chalicelib.store import catalogue, dossiers
from local.simulators.accounts import MINISTRY_UNIT
from tests.integration.documents.conftest import APPLICANT, UNIT, World, officer
from tests.integration.documents.test_results import pdf_text


def _online(world: World, ref: str) -> str:
    """A dossier DVCQG posted (status 1, not received yet)."""
    body = {k: v for k, v in DVCQG_EXAMPLE.items() if k != "TaiLieuNop"}
    raw = json.dumps({**body, "MaHoSoDVCQG": ref, "MaDonViTiepNhan": UNIT, "ChuHoSo": APPLICANT},
                     ensure_ascii=False).encode()
    status, answer = intake.receive_from_dvcqg(raw)  # as the route runs it, its signature verified
    assert status == 201, answer
    return str(answer["MaHoSo"])


def _offered(world: World, code: str, role: str = "desk") -> dict[str, dict[str, object]]:
    answer = world.call("GET", f"/v1/dossiers/{code}/forms", role)
    assert answer.status_code == 200, answer.body
    return {item["form"]: item for item in answer.json_body["items"]}


def test_a_dossier_not_yet_received_or_refused_at_intake_gets_no_receipt(world: World) -> None:
    code = _online(world, "G22.99-260803-0001")
    assert not _offered(world, code)["tiep-nhan"]["offered"]
    refused = world.call("GET", f"/v1/dossiers/{code}/forms/tiep-nhan", "desk")
    assert refused.status_code == 409 and refused.json_body["error_code"] == "FORM_NOT_AVAILABLE"
    assert "chưa được tiếp nhận" in refused.json_body["message"]

    world.act(code, "desk", "tu_choi_tiep_nhan", reason="Hồ sơ không thuộc thẩm quyền giải quyết")
    offered = _offered(world, code)
    assert offered["tu-choi"]["offered"] and offered["tu-choi"]["name"] == "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    assert not offered["tiep-nhan"]["offered"] and "từ chối tiếp nhận" in str(offered["tiep-nhan"]["why"])
    again = world.call("GET", f"/v1/dossiers/{code}/forms/tiep-nhan", "desk")
    assert again.status_code == 409 and again.json_body["error_code"] == "FORM_NOT_AVAILABLE"
    assert world.call("GET", f"/v1/dossiers/{code}/forms/tu-choi", "desk").status_code == 200


def test_forms_list_is_the_dossiers_units_only(world: World) -> None:
    code = world.desk_dossier().code
    offered = _offered(world, code)
    assert {f for f, item in offered.items() if item["offered"]} == {"tiep-nhan", "kiem-soat"}
    assert world.call("GET", f"/v1/dossiers/{code}/forms", "leader", "000.00.13.H26").status_code == 404
    assert world.call("GET", f"/v1/dossiers/{code}/forms").status_code == 401


def test_the_extension_request_and_the_apology_print_after_gia_han(world: World) -> None:
    dossier = world.desk_dossier()
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=officer("appraiser").sub)
    for form in ("gia-han", "xin-loi"):
        answer = world.call("GET", f"/v1/dossiers/{dossier.code}/forms/{form}", "appraiser")
        assert answer.status_code == 409 and answer.json_body["error_code"] == "FORM_NOT_AVAILABLE"
    before = dossiers.get(dossier.code).due_at  # type: ignore[union-attr]
    after = world.act(dossier.code, "appraiser", "gia_han", reason="Cần xác minh thông tin khai sinh tại nơi sinh",
                      extension=Duration.of_working_days(2))
    offered = _offered(world, dossier.code, "appraiser")
    assert offered["gia-han"]["offered"] and offered["xin-loi"]["offered"]
    assert world.call("GET", f"/v1/dossiers/{dossier.code}/forms/gia-han", "appraiser").status_code == 200
    text = " ".join(pdf_text(documents.render_form(dossier.code, "gia-han", officer("head"))).split())
    assert "PHIẾU ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text and APPLICANT in text
    assert "Cần xác minh thông tin khai sinh tại nơi sinh" in text and "2 ngày làm việc" in text
    assert before is not None and after.due_at is not None
    assert before.strftime("%d/%m/%Y") in text and after.due_at.strftime("%d/%m/%Y") in text


def test_the_checker_names_a_procedure_whose_deadline_the_process_cannot_fit(world: World) -> None:
    procedure = catalogue.get_procedure("1.001193")
    assert procedure is not None and procedure.process_code == DEFAULT_PROCESS.code
    draft = {**DEFAULT_PROCESS.model_dump(mode="json", exclude={"published_at", "published_by"}), "version": 99}
    answer = world.call("POST", "/v1/admin/processes/check", "admin", MINISTRY_UNIT, body=draft)
    assert answer.status_code == 200, answer.body
    warned = {w["procedure_code"]: w for w in answer.json_body["warnings"]}
    assert answer.json_body["ok"] is True and "1.001193" in warned and "1.000105" not in warned
    assert warned["1.001193"]["legal_minutes"] < warned["1.001193"]["steps_minutes"]
    assert "Đăng ký khai sinh" in warned["1.001193"]["message"]

    body = {"code": "1.001193", "name": "Đăng ký khai sinh", "process_code": DEFAULT_PROCESS.code,
            "legal_deadline": {"value": 1, "unit": "working_days"}}
    check = world.call("POST", "/v1/admin/procedures/deadline-check", "admin", MINISTRY_UNIT, body=body)
    assert check.status_code == 200 and check.json_body["warning"]["procedure_code"] == "1.001193"
    body["legal_deadline"] = {"value": 20, "unit": "working_days"}
    fits = world.call("POST", "/v1/admin/procedures/deadline-check", "admin", MINISTRY_UNIT, body=body)
    assert fits.status_code == 200 and fits.json_body["warning"] is None
    unknown = world.call("POST", "/v1/admin/procedures/deadline-check", "admin", MINISTRY_UNIT,
                         body={**body, "process_code": "KHONG-CO"})
    assert unknown.status_code == 404
