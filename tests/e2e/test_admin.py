"""Administration through HTTP: processes validated before publishing and immutable after,
procedures checked against the catalogue, each province's admin confined to its province."""

from __future__ import annotations

import copy

from chalicelib.domain.process import DEFAULT_PROCESS
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer


def _process_doc(code: str, version: int = 1) -> dict:
    doc = DEFAULT_PROCESS.model_dump(mode="json")
    doc.update(code=code, version=version, published_at=None, published_by=None)
    return doc


def test_a_bad_process_is_rejected_with_errors_where_they_are_and_a_good_one_published(stack: LocalStack) -> None:
    admin = Officer(stack, "admin", MINISTRY_UNIT)
    bad = _process_doc("QT-THU-NGHIEM")
    bad["steps"][2]["actions"][0]["to_step"] = "khong-ton-tai"
    check = admin.post("/v1/admin/processes/check", bad)
    assert check.status_code == 200 and check.json()["ok"] is False
    located = [e for e in check.json()["errors"] if e["step_id"] == bad["steps"][2]["id"]]
    assert located and located[0]["message"]
    refused = admin.post("/v1/admin/processes", bad)
    assert (refused.status_code, refused.json()["error_code"]) == (422, "PROCESS_INVALID")

    good = admin.post("/v1/admin/processes", _process_doc("QT-THU-NGHIEM"))
    assert good.status_code == 201, good.text
    assert good.json()["published_at"]
    again = admin.post("/v1/admin/processes", _process_doc("QT-THU-NGHIEM"))
    assert (again.status_code, again.json()["error_code"]) == (409, "PROCESS_VERSION")
    assert admin.post("/v1/admin/processes", _process_doc("QT-THU-NGHIEM", 2)).status_code == 201


def test_a_procedure_must_point_at_a_published_process_and_known_units(stack: LocalStack) -> None:
    admin = Officer(stack, "admin", MINISTRY_UNIT)
    procedure = admin.get("/v1/procedures/1.004222").json()["procedure"]
    broken = {**copy.deepcopy(procedure), "process_code": "QT-KHONG-CO", "unit_codes": ["000.00.99.H99"]}
    answer = admin.put("/v1/admin/procedures/1.004222", broken)
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"process_code", "unit_codes[0]"}
    assert admin.put("/v1/admin/procedures/1.004222", procedure).status_code == 200


def test_a_province_admin_manages_only_its_own_province(stack: LocalStack) -> None:
    hanoi_admin = Officer(stack, "province_admin", HANOI_UNIT)
    newcomer = {"sub": "officer-moi-ha-noi", "name": "Cán bộ Mới", "province_code": "01",
                "assignments": [{"role": "desk", "unit_code": HANOI_UNIT}]}
    assert hanoi_admin.put("/v1/admin/officers/officer-moi-ha-noi", newcomer).status_code == 200
    elsewhere = {**newcomer, "sub": "officer-moi-hcm", "province_code": "79",
                 "assignments": [{"role": "desk", "unit_code": HCMC_UNIT}]}
    refused = hanoi_admin.put("/v1/admin/officers/officer-moi-hcm", elsewhere)
    assert (refused.status_code, refused.json()["error_code"]) == (403, "FORBIDDEN_PROVINCE")
    promoted = {**newcomer, "assignments": [{"role": "admin", "unit_code": HANOI_UNIT}]}
    assert hanoi_admin.put("/v1/admin/officers/officer-moi-ha-noi", promoted).status_code == 403
    assert hanoi_admin.post("/v1/admin/processes", _process_doc("QT-TINH")).status_code == 403
    desk = Officer(stack, "desk", HANOI_UNIT)
    assert desk.post("/v1/admin/processes/check", _process_doc("QT-X")).status_code == 403
