"""Desk-intake helpers through the routes: drafts saved, listed, resumed and deleted per
officer; auto-fill from the population database with its error cases."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import boto3
import pytest
import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.privacy import model as access_model
from chalicelib.privacy import service as access_log
from chalicelib.services import drafts
from local.simulators.accounts import DEMO_ACCOUNTS, HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.simulators.citizens import DEMO_CITIZENS
from tests.integration.notifications.conftest import ACCESS_LOG_KEY, REGION, World, answer, officer

PARTIAL = {"MaTTHC": "1.001193", "MaDonViTiepNhan": "000.00.13.H29", "ChuHoSo": "Trần Thị Bích Ngọc",
           "DuLieuBieuMau": {"nguoi_yeu_cau": {"ho_ten": "Trần Thị Bích Ngọc"}}}


def test_a_draft_is_saved_resumed_replaced_and_deleted(world: World) -> None:
    created = world.call("PUT", "/v1/drafts/ks-2026-001", role="desk", body=PARTIAL)
    assert created.status_code == 201
    draft = answer(created)
    assert draft["id"] == "ks-2026-001" and draft["data"] == PARTIAL
    assert draft["procedure_code"] == "1.001193" and draft["applicant"] == "Trần Thị Bích Ngọc"

    resumed = world.call("GET", "/v1/drafts/ks-2026-001", role="desk")
    assert resumed.status_code == 200 and answer(resumed)["data"] == PARTIAL

    fuller = {**DESK_EXAMPLE, "MaDonViTiepNhan": "000.00.13.H29"}
    replaced = world.call("PUT", "/v1/drafts/ks-2026-001", role="desk", body=fuller)
    assert replaced.status_code == 200 and answer(replaced)["data"] == fuller
    assert answer(world.call("GET", "/v1/drafts/ks-2026-001", role="desk"))["data"] == fuller

    gone = world.call("DELETE", "/v1/drafts/ks-2026-001", role="desk")
    assert gone.status_code == 204
    assert world.call("GET", "/v1/drafts/ks-2026-001", role="desk").status_code == 404
    again = world.call("DELETE", "/v1/drafts/ks-2026-001", role="desk")
    assert again.status_code == 404 and answer(again)["error_code"] == "NOT_FOUND"


def test_the_list_shows_the_officers_own_drafts_most_recent_first(world: World) -> None:
    for draft_id in ("a", "b", "c"):
        assert world.call("PUT", f"/v1/drafts/{draft_id}", role="desk", body={"ChuHoSo": draft_id}).status_code == 201
    world.call("PUT", "/v1/drafts/a", role="desk", body={"ChuHoSo": "a, sửa lại"})
    listed = answer(world.call("GET", "/v1/drafts", role="desk"))["items"]
    assert [d["id"] for d in listed] == ["a", "c", "b"]
    assert listed[0]["applicant"] == "a, sửa lại" and "data" not in listed[0]

    other_desk = {"role": "desk", "unit": HANOI_UNIT}
    assert answer(world.call("GET", "/v1/drafts", **other_desk))["items"] == []
    assert world.call("GET", "/v1/drafts/a", **other_desk).status_code == 404
    assert world.call("DELETE", "/v1/drafts/a", **other_desk).status_code == 404
    assert world.call("GET", "/v1/drafts/a", role="desk").status_code == 200, "still there for its owner"


def test_drafts_are_for_desk_officers_and_must_be_json_objects_of_bounded_size(world: World) -> None:
    assert world.call("PUT", "/v1/drafts/x", role="appraiser", body=PARTIAL).status_code == 403
    assert world.call("GET", "/v1/drafts").status_code == 401
    not_object = world.call("PUT", "/v1/drafts/x", role="desk", body=["a"])
    assert not_object.status_code == 400 and answer(not_object)["error_code"] == "INVALID_DRAFT"
    broken = world.call("PUT", "/v1/drafts/x", role="desk", raw=b"{not json")
    assert broken.status_code == 400 and answer(broken)["error_code"] == "INVALID_JSON"
    bad_id = world.call("PUT", "/v1/drafts/no%20spaces", role="desk", body=PARTIAL)
    assert bad_id.status_code == 400 and answer(bad_id)["error_code"] == "INVALID_DRAFT_ID"
    huge = json.dumps({"TrichYeuHoSo": "x" * drafts.MAX_DRAFT_BYTES}).encode()
    assert world.call("PUT", "/v1/drafts/x", role="desk", raw=huge).status_code == 413


def test_an_officer_keeps_a_bounded_number_of_drafts(world: World) -> None:
    for n in range(drafts.MAX_DRAFTS):
        assert world.call("PUT", f"/v1/drafts/d{n}", role="desk", body={"n": n}).status_code == 201
    refused = world.call("PUT", "/v1/drafts/one-too-many", role="desk", body={})
    assert refused.status_code == 409 and answer(refused)["error_code"] == "DRAFT_LIMIT"
    assert world.call("PUT", "/v1/drafts/d0", role="desk", body={"n": "again"}).status_code == 200
    assert world.call("DELETE", "/v1/drafts/d1", role="desk").status_code == 204
    assert world.call("PUT", "/v1/drafts/one-too-many", role="desk", body={}).status_code == 201


CITIZEN = DEMO_CITIZENS[1]  # Trần Thị Bích Ngọc


def _autofill(world: World, number: str, procedure: str = "1.001193", role: str = "desk",
              unit: str | None = None) -> Any:
    extra = {"unit": unit} if unit else {}
    return world.call("POST", "/v1/autofill/citizens", role=role, body={"so_dinh_danh": number, "thu_tuc": procedure},
                      **extra)


def test_autofill_fills_the_procedures_form_from_the_population_database(world: World) -> None:
    found = _autofill(world, CITIZEN["SoDinhDanh"])
    assert found.status_code == 200
    body = answer(found)
    assert body == {
        "values": {"nguoi_yeu_cau.ho_ten": CITIZEN["HoVaTen"], "nguoi_yeu_cau.so_dinh_danh": CITIZEN["SoDinhDanh"],
                   "nguoi_yeu_cau.noi_cu_tru": CITIZEN["NoiThuongTru"]},
        "autofilled": ["nguoi_yeu_cau.ho_ten", "nguoi_yeu_cau.so_dinh_danh", "nguoi_yeu_cau.noi_cu_tru"],
        "source": "population",
        "name_matches": None,  # no name typed yet
    }
    residence = answer(_autofill(world, CITIZEN["SoDinhDanh"], "1.004222"))
    assert residence["values"]["nguoi_de_nghi.ngay_sinh"] == CITIZEN["NgaySinh"]
    no_form = answer(_autofill(world, CITIZEN["SoDinhDanh"], "1.000105"))
    assert no_form["values"] == {} and no_form["autofilled"] == []


def test_autofill_takes_the_personal_number_only_in_its_body(world: World) -> None:
    old_path = world.call("GET", f"/v1/autofill/citizens/{CITIZEN['SoDinhDanh']}?thu_tuc=1.001193", role="desk")
    assert old_path.status_code in (403, 404), "no route may carry a personal number in its path"
    query = world.call("POST", f"/v1/autofill/citizens?so_dinh_danh={CITIZEN['SoDinhDanh']}", role="desk",
                       body={"thu_tuc": "1.001193"})
    assert query.status_code == 422 and answer(query)["error_code"] == "INVALID_DATA"
    extra = world.call("POST", "/v1/autofill/citizens", role="desk",
                       body={"so_dinh_danh": CITIZEN["SoDinhDanh"], "thu_tuc": "1.001193", "ghi_chu": "x"})
    assert extra.status_code == 422


def test_autofill_answers_each_failure_with_its_code(world: World) -> None:
    def post(number: str, procedure: str = "1.001193", role: str = "desk") -> tuple[int, dict[str, Any]]:
        response = _autofill(world, number, procedure, role)
        return response.status_code, answer(response)

    status, body = post("12345")
    assert status == 422 and body["error_code"] == "INVALID_PERSONAL_NUMBER"
    assert body["message"] == "Số định danh cá nhân phải gồm đúng 12 chữ số."
    assert body["errors"] == [{"field": "so_dinh_danh", "message": body["message"]}]
    status, body = post("099190000123")
    assert status == 422 and "mã nơi đăng ký khai sinh 099 không tồn tại" in body["message"]
    status, body = post("001090000000")  # well formed, unknown to the database
    assert status == 404 and body["error_code"] == "CITIZEN_NOT_FOUND"
    assert post(CITIZEN["SoDinhDanh"], "9.999999")[1]["error_code"] == "PROCEDURE_NOT_FOUND"
    missing = world.call("POST", "/v1/autofill/citizens", role="desk", body={"so_dinh_danh": CITIZEN["SoDinhDanh"]})
    assert missing.status_code == 422 and answer(missing)["errors"][0]["field"] == "thu_tuc"
    assert post(CITIZEN["SoDinhDanh"], role="appraiser")[0] == 403

    world.mode(world.sims.population, down=True)
    status, body = post(CITIZEN["SoDinhDanh"])
    assert status == 503 and body["error_code"] == "POPULATION_UNAVAILABLE"


def _accesses(world: World, number: str) -> list[dict[str, Any]]:
    """What the ministry's administrator answers the subject (the route is tested with e-data)."""
    report = access_log.accesses(officer("admin", MINISTRY_UNIT), number)
    return [a.model_dump(mode="json") for a in report.accesses if a.what != "access_log_query"]


def test_each_population_lookup_is_in_the_access_log_keyed_by_an_hmac_of_the_number(world: World) -> None:
    number = CITIZEN["SoDinhDanh"]
    assert _accesses(world, number) == []
    found = world.call("POST", "/v1/autofill/citizens", role="desk",
                       body={"so_dinh_danh": number, "thu_tuc": "1.001193", "don_vi": HCMC_UNIT, "ban_nhap": "ks-01"})
    assert found.status_code == 200, found.body
    assert _autofill(world, "12345").status_code == 422  # invalid: the database is not asked, nothing to log
    [entry] = _accesses(world, number)
    desk = next(a for a in DEMO_ACCOUNTS if a["role"] == "desk" and a["unit_code"] == HCMC_UNIT)
    assert (entry["what"], entry["officer_sub"], entry["unit_code"], entry["province_code"]) == (
        "population_lookup", desk["sub"], HCMC_UNIT, "79")
    assert entry["dossier_code"] == "bản nháp ks-01" and entry["detail"] == "thủ tục 1.001193"
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="hoso-dev-accesslog")["Items"]
    subject = hmac.new(ACCESS_LOG_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()
    entries = [i for i in items if not i["pk"]["S"].startswith("CHAINDAY#")]  # not the day index (integrity)
    assert {i["pk"]["S"] for i in entries} == {f"SUBJECT#{subject}"} and number not in json.dumps(items)
    assert len(entries) == 3  # the look-up and the administrator's two queries
    # a desk officer names only a unit whose desk they staff
    other = world.call("POST", "/v1/autofill/citizens", role="desk",
                       body={"so_dinh_danh": number, "thu_tuc": "1.001193", "don_vi": HANOI_UNIT})
    assert other.status_code == 403 and answer(other)["error_code"] == "FORBIDDEN_UNIT"


def test_population_lookups_are_limited_per_officer(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access_model, "LOOKUPS_PER_WINDOW", 3)
    numbers = [c["SoDinhDanh"] for c in DEMO_CITIZENS[:4]]
    assert [_autofill(world, n).status_code for n in numbers[:3]] == [200, 200, 200]
    refused = _autofill(world, numbers[3])
    assert refused.status_code == 429
    body = answer(refused)
    assert body["error_code"] == "POPULATION_RATE_LIMITED" and "quá 3 lần" in body["message"]
    asked = requests.get(f"{world.sims.population.url}/_sim/records", timeout=5).json()["lookups"]
    assert [a["SoDinhDanh"] for a in asked] == numbers[:3]  # the refused look-up never reached the database
    assert _accesses(world, numbers[3]) == []
    # another officer has their own window
    assert _autofill(world, numbers[3], role="desk", unit=HANOI_UNIT).status_code == 200


def test_no_access_log_entry_no_population_lookup(world: World) -> None:
    boto3.client("dynamodb", region_name=REGION).delete_table(TableName="hoso-dev-accesslog")
    refused = _autofill(world, CITIZEN["SoDinhDanh"])
    assert refused.status_code == 503 and answer(refused)["error_code"] == "ACCESS_LOG_UNAVAILABLE"
    asked = requests.get(f"{world.sims.population.url}/_sim/records", timeout=5).json()["lookups"]
    assert asked == []  # the database was not asked about a person whose access could not be recorded
