"""Finding dossiers (issue 12 item 11) over hoso's API on moto: by the applicant's personal number
or tax code through the applicant index (gsi4, keyed by an HMAC — the number is in no key), by code
with one GetItem, by overdue and by channel; another unit's dossiers are never found; each request
is a Query or a GetItem, never a Scan; an appraiser's load is counted from their worklist index."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from bench.awscalls import AwsCallRecorder
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.services import intake
from chalicelib.store import catalogue
from chalicelib.store.models import DossierItem
from local.simulators.accounts import HANOI_UNIT
from tests.integration.reports.conftest import UNIT, World, account, answer, officer

PERSON = DESK_EXAMPLE["SoGiayToChuHoSo"]
OTHER_PERSON = "079190012345"


def search(world: World, role: str = "desk", unit: str = UNIT, **params: str) -> Any:
    token = world.token(role, unit)  # the token first: only the search's own calls are recorded
    headers = {"Authorization": f"Bearer {token}"}
    with AwsCallRecorder(lambda thread: "test") as recorder:
        if "so_giay_to" in params:  # a personal number never rides in the URL: POST with it in the body
            number = params.pop("so_giay_to")
            response = world.client.http.post(f"/v1/units/{UNIT}/search", headers={**headers, "Content-Type":
                                              "application/json"},
                                              body=json.dumps({"so_giay_to": number, "criteria": params}))
        else:
            response = world.client.http.get(f"/v1/units/{UNIT}/search?{urlencode(params)}", headers=headers)
    return response, [(c.operation, c.params.get("IndexName")) for c in recorder.calls
                      if c.params.get("TableName") == "hoso-dev-dossiers"]


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.body
    return [d["code"] for d in answer(response)["items"]]


def test_by_personal_number_queries_the_applicant_index_and_finds_only_that_persons_dossiers(world: World) -> None:
    mine = [world.desk_dossier().code for _ in range(2)]
    other = intake.receive_at_desk({**DESK_EXAMPLE, "MaDonViTiepNhan": UNIT, "SoGiayToChuHoSo": OTHER_PERSON,
                                    "ChuHoSo": "Trần Văn Bình"}, officer("desk"))
    company = world.desk_dossier("1.000105")

    response, calls = search(world, so_giay_to=f" {PERSON} ")
    assert sorted(codes(response)) == sorted(mine)
    assert ("Query", "gsi4") in calls and not [c for c in calls if c[0] == "Scan"], calls
    assert codes(search(world, so_giay_to=OTHER_PERSON)[0]) == [other.code]
    assert codes(search(world, so_giay_to="0100109106")[0]) == [company.code]  # a company's tax code
    assert codes(search(world, so_giay_to=PERSON, status="4")[0]) == []  # combined with the other criteria

    item = DossierItem.get(f"DOSSIER#{mine[0]}", "META")
    assert item.gsi4pk is not None and PERSON not in item.gsi4pk and item.gsi4pk.startswith(f"APPLICANT#{UNIT}#")


def test_a_mistyped_number_is_told_not_searched(world: World) -> None:
    for wrong in ("07919001234", "0100109107", "abc"):
        response, calls = search(world, so_giay_to=wrong)
        assert response.status_code == 400, wrong
        assert answer(response)["error_code"] == "INVALID_ID_NUMBER"
        assert "Số định danh cá nhân hoặc mã số thuế" in answer(response)["message"]
        assert [c for c in calls if c[0] in ("Query", "Scan")] == []


def test_by_code_reads_one_item_and_never_another_units_dossier(world: World) -> None:
    own = world.desk_dossier()
    elsewhere = world.desk_dossier(unit=HANOI_UNIT)
    response, calls = search(world, ma_ho_so=own.code)
    assert codes(response) == [own.code]
    assert calls == [("GetItem", None)]
    assert codes(search(world, ma_ho_so=elsewhere.code)[0]) == []


def test_overdue_and_channel(world: World) -> None:
    late, on_time = world.desk_dossier(), world.desk_dossier()
    posted = intake.receive_at_desk({**DESK_EXAMPLE, "MaDonViTiepNhan": UNIT, "KenhThucHien": "post"},
                                    officer("desk"))
    past = dt.datetime.now(VN_TZ) - dt.timedelta(days=2)
    item = DossierItem.get(f"DOSSIER#{late.code}", "META")
    item.update(actions=[DossierItem.due_at.set(past.isoformat())])  # its deadline passed
    response, calls = search(world, qua_han="1")
    assert codes(response) == [late.code]
    assert {op for op, _ in calls} == {"Query"}
    assert on_time.code not in codes(response)
    assert codes(search(world, kenh="post")[0]) == [posted.code]
    assert search(world, kenh="fax")[0].status_code == 400
    assert search(world, qua_han="yes")[0].status_code == 400


def test_the_assignment_list_shows_each_appraisers_load_from_their_index(world: World) -> None:
    appraiser = account("appraiser")["sub"]
    for _ in range(2):
        code = world.desk_dossier().code
        world.act(code, "desk", "chuyen_phong")
        world.act(code, "head", "phan_cong", assignee=appraiser)
    token = world.token("head")
    with AwsCallRecorder(lambda thread: "test") as recorder:
        response = world.client.http.get(f"/v1/units/{UNIT}/officers?role=appraiser",
                                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.body
    loads = {o["sub"]: o["load"] for o in answer(response)["items"]}
    assert loads[appraiser] == 2
    assert [c for c in recorder.calls if c.operation == "Scan"] == []
    assert ("Query", "gsi2") in [(c.operation, c.params.get("IndexName")) for c in recorder.calls]


def test_the_transfer_goes_to_one_of_the_units_departments(world: World) -> None:
    code = world.desk_dossier().code
    heads = answer(world.call("GET", f"/v1/units/{UNIT}/officers?role=head", "desk"))["items"]
    department = heads[0]["department"]
    assert department == "Phòng Quản lý chuyên ngành"
    refused = world.call("POST", f"/v1/dossiers/{code}/actions", "desk",
                         body={"action": "chuyen_phong", "department": "Phòng không có"})
    assert refused.status_code == 422 and answer(refused)["error_code"] == "INVALID_DEPARTMENT"
    done = world.call("POST", f"/v1/dossiers/{code}/actions", "desk",
                      body={"action": "chuyen_phong", "department": department})
    assert done.status_code == 200, done.body
    view = answer(done)
    assert view["dossier"]["department"] == department and view["display"]["department"] == department
    assert view["events"][-1]["department"] == department


def test_a_transfer_without_a_department_takes_the_only_one_and_is_refused_among_several(world: World) -> None:
    only = world.act(world.desk_dossier().code, "desk", "chuyen_phong")
    assert only.department == "Phòng Quản lý chuyên ngành"
    catalogue.put_officer(OfficerProfile(sub="truong-phong-tu-phap", name="Lý Thị Thu Trang", title="Trưởng phòng",
                                         department="Phòng Hành chính - Tư pháp", province_code="79",
                                         assignments=[RoleAssignment(role="head", unit_code=UNIT)]))
    code = world.desk_dossier().code
    refused = world.call("POST", f"/v1/dossiers/{code}/actions", "desk", body={"action": "chuyen_phong"})
    assert refused.status_code == 422 and answer(refused)["error_code"] == "DEPARTMENT_REQUIRED"
    assert answer(refused)["errors"][0]["field"] == "department"
    chosen = world.act(code, "desk", "chuyen_phong", department="Phòng Hành chính - Tư pháp")
    assert chosen.department == "Phòng Hành chính - Tư pháp"
    # within the department, handing on to the head again names no department
    appraiser = account("appraiser")["sub"]
    world.act(code, "head", "phan_cong", assignee=appraiser)
    assert world.act(code, "appraiser", "trinh").department == "Phòng Hành chính - Tư pháp"


def test_a_personal_number_in_the_url_is_refused_before_any_read(world: World) -> None:
    token = world.token("desk")
    with AwsCallRecorder(lambda thread: "test") as recorder:
        response = world.client.http.get(f"/v1/units/{UNIT}/search?so_giay_to={PERSON}",
                                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and json.loads(response.body)["error_code"] == "ID_NUMBER_IN_URL"
    assert not [c for c in recorder.calls if c.params.get("TableName") == "hoso-dev-dossiers"]
