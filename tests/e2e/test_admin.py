"""Administration through HTTP: processes validated before publishing and immutable after,
procedures checked against the catalogue, each province's admin confined to its province."""

from __future__ import annotations

import copy

import requests

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


def test_officer_lists_confine_a_province_admin_to_its_province(stack: LocalStack) -> None:
    hanoi_admin = Officer(stack, "province_admin", HANOI_UNIT)
    own = hanoi_admin.get("/v1/admin/officers")
    assert own.status_code == 200, own.text
    assert own.json()["province_code"] == "01"
    assert own.json()["items"] and {o["province_code"] for o in own.json()["items"]} == {"01"}
    assert Officer(stack, "desk", HANOI_UNIT).sub in {o["sub"] for o in own.json()["items"]}
    for params in ({"province": "79"}, {"unit": HCMC_UNIT}, {"province": ""}, {"unit": MINISTRY_UNIT}):
        refused = hanoi_admin.get("/v1/admin/officers", **params)
        assert (refused.status_code, refused.json()["error_code"]) == (403, "FORBIDDEN_PROVINCE"), params
    assert hanoi_admin.get("/v1/admin/officers", province="x1").status_code == 400
    assert hanoi_admin.get("/v1/admin/officers", unit="khong-co").status_code == 400

    admin = Officer(stack, "admin", MINISTRY_UNIT)
    hcmc = admin.get("/v1/admin/officers", unit=HCMC_UNIT).json()
    assert hcmc["province_code"] == "79"
    assert hcmc["items"] and all(any(a["unit_code"] == HCMC_UNIT for a in o["assignments"]) for o in hcmc["items"])
    everyone = admin.get("/v1/admin/officers").json()
    assert everyone["province_code"] is None
    assert {"", "01", "79"} <= {o["province_code"] for o in everyone["items"]}


def test_process_versions_are_listed_and_each_one_readable(stack: LocalStack) -> None:
    admin = Officer(stack, "admin", MINISTRY_UNIT)
    for version in (1, 2):
        doc = _process_doc("QT-PHIEN-BAN", version)
        doc["name"] = f"Quy trình thử phiên bản {version}"
        assert admin.post("/v1/admin/processes", doc).status_code == 201
    listed = {p["code"]: p for p in admin.get("/v1/admin/processes").json()["items"]}
    assert listed["QT-PHIEN-BAN"]["versions"] == [1, 2] and listed["QT-PHIEN-BAN"]["latest_version"] == 2
    assert listed["QT-PHIEN-BAN"]["name"] == "Quy trình thử phiên bản 2"
    versions = admin.get("/v1/admin/processes/QT-PHIEN-BAN/versions").json()["items"]
    assert [(v["version"], v["steps"]) for v in versions] == [(1, len(DEFAULT_PROCESS.steps)),
                                                             (2, len(DEFAULT_PROCESS.steps))]
    assert all(v["published_at"] and v["published_by"] == admin.sub for v in versions)
    first = admin.get("/v1/admin/processes/QT-PHIEN-BAN", version=1).json()
    assert (first["version"], first["name"]) == (1, "Quy trình thử phiên bản 1")
    assert admin.get("/v1/admin/processes/QT-PHIEN-BAN", version="abc").status_code == 400
    assert admin.get("/v1/admin/processes/QT-PHIEN-BAN", version=7).status_code == 404
    assert admin.get("/v1/admin/processes/QT-KHONG-CO/versions").status_code == 404
    # province admins read processes (their units use them) but never publish
    assert Officer(stack, "province_admin", HCMC_UNIT).get("/v1/admin/processes").status_code == 200


def test_holiday_overrides_of_a_year_beside_the_statutory_holidays(stack: LocalStack) -> None:
    admin = Officer(stack, "admin", MINISTRY_UNIT)
    saturday = {"date": "2031-01-04", "kind": "working_day", "decision": "Thông báo số 1/TB-BNV", "note": "Làm bù"}
    assert admin.put("/v1/admin/calendar/2031-01-04", saturday).status_code == 200
    year = admin.get("/v1/admin/calendar", year=2031).json()
    assert year["year"] == 2031 and year["overrides"] == [saturday]
    assert "2031-01-01" in {h["date"] for h in year["holidays"]}
    assert any("Tết" in h["name"] for h in year["holidays"])
    assert admin.get("/v1/admin/calendar", year=2030).json()["overrides"] == []
    assert admin.get("/v1/admin/calendar", year="20x1").status_code == 400

    province_admin = Officer(stack, "province_admin", HANOI_UNIT)
    assert province_admin.get("/v1/admin/calendar", year=2031).status_code == 200
    deleting = requests.delete(f"{admin.api}/v1/admin/calendar/2031-01-04", headers=province_admin.headers, timeout=30)
    assert deleting.status_code == 403
    deleted = requests.delete(f"{admin.api}/v1/admin/calendar/2031-01-04", headers=admin.headers, timeout=30)
    assert deleted.status_code == 200 and deleted.json() == saturday
    assert admin.get("/v1/admin/calendar", year=2031).json()["overrides"] == []
    assert requests.delete(f"{admin.api}/v1/admin/calendar/2031-01-04", headers=admin.headers,
                           timeout=30).status_code == 404


def _callback(stack: LocalStack, token: str) -> requests.Response:
    return requests.post(f"{stack.api_url}/v1/flows/callback", json={"task_token": "khong-co", "outcome": "progress"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _client_call(stack: LocalStack, token: str) -> int:
    """A call on a client route: 401 when the key is refused, something else once authenticated."""
    return _callback(stack, token).status_code


def _client_call_code(stack: LocalStack, token: str) -> str:
    return str(_callback(stack, token).json()["error_code"])


def test_integration_clients_created_rotated_with_grace_and_revoked(stack: LocalStack) -> None:
    admin = Officer(stack, "admin", MINISTRY_UNIT)
    procedure = admin.get("/v1/procedures").json()["items"][0]["code"]
    body = {"client_id": "pm-chuyen-nganh-thu", "name": "Phần mềm chuyên ngành thử", "procedure_codes": [procedure],
            "kind": "specialised_software", "capabilities": ["specialised_status"], "actions": ["submit"]}
    created = admin.post("/v1/admin/clients", body)
    assert created.status_code == 201, created.text
    first = created.json()["token"]
    assert first.startswith("pm-chuyen-nganh-thu.") and created.json()["client"]["procedure_codes"] == [procedure]
    assert admin.post("/v1/admin/clients", body).json()["error_code"] == "CLIENT_EXISTS"
    unknown = admin.post("/v1/admin/clients", {**body, "client_id": "pm-khac", "procedure_codes": ["9.999999"]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "procedure_codes[0]"
    # a kind bounds what may be granted; a withdrawal is never granted
    beyond = admin.post("/v1/admin/clients", {**body, "client_id": "pm-khac", "capabilities": ["flow_callback"],
                                              "actions": ["withdraw"]})  # fmt: skip
    assert beyond.status_code == 422 and [e["field"] for e in beyond.json()["errors"]] == ["capabilities[0]",
                                                                                            "actions[0]"]
    # authenticated, but the liên thông callback is not among its capabilities
    assert _client_call(stack, first) == 403

    listed = admin.get("/v1/admin/clients").json()["items"]
    mine = next(c for c in listed if c["client_id"] == "pm-chuyen-nganh-thu")
    assert mine["active"] and "secret_sha256" not in mine and first.split(".", 1)[1] not in str(listed)
    assert (mine["kind"], mine["capabilities"], mine["actions"], mine["leader_actions"]) == (
        "specialised_software", ["specialised_status"], ["submit"], False)
    regranted = admin.put("/v1/admin/clients/pm-chuyen-nganh-thu/grants",
                          {"kind": "agency", "capabilities": ["flow_callback"]})  # fmt: skip
    assert regranted.status_code == 200 and regranted.json()["actions"] == [], regranted.text
    assert _client_call(stack, first) == 403 and _client_call_code(stack, first) == "FLOW_TOKEN_UNKNOWN"

    rotated = admin.post("/v1/admin/clients/pm-chuyen-nganh-thu/rotate", {"grace_hours": 48})
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["token"]
    assert second != first and rotated.json()["client"]["previous_valid_until"]
    assert _client_call(stack, second) != 401 and _client_call(stack, first) != 401

    revoked = admin.post("/v1/admin/clients/pm-chuyen-nganh-thu/revoke", None)
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert _client_call(stack, second) == 401 and _client_call(stack, first) == 401
    assert admin.post("/v1/admin/clients/pm-chuyen-nganh-thu/rotate", {}).json()["error_code"] == "CLIENT_REVOKED"
    assert admin.post("/v1/admin/clients/khong-co/revoke", None).status_code == 404
    assert Officer(stack, "province_admin", HANOI_UNIT).get("/v1/admin/clients").status_code == 403
