"""The demo eForms (seed data): valid schemas, a filled example that passes, and the
legal-form details each one is supposed to carry."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from chalicelib.domain.eform import validate_eform, validate_schema
from chalicelib.domain.identifiers import check_personal_number
from local.eform_samples import (
    ETHNIC_GROUPS,
    KHAI_SINH,
    KHAI_TU,
    MAI_TANG,
    NHAN_HIEU,
    PROCEDURE_EFORMS,
    SAMPLE_EFORMS,
    SAMPLE_FILLED,
    THUONG_TRU,
    XOA_THUONG_TRU,
)

TODAY = dt.date(2025, 9, 15)
CODES = sorted(SAMPLE_EFORMS)


def test_seven_forms_each_with_a_filled_example() -> None:
    assert len(SAMPLE_EFORMS) == 7
    assert set(SAMPLE_FILLED) == set(SAMPLE_EFORMS)
    assert set(PROCEDURE_EFORMS.values()) <= set(SAMPLE_EFORMS)
    assert PROCEDURE_EFORMS["1.001193"] == KHAI_SINH.code
    assert PROCEDURE_EFORMS["1.000656"] == KHAI_TU.code


@pytest.mark.parametrize("code", CODES)
def test_every_demo_schema_is_valid(code: str) -> None:
    assert validate_schema(SAMPLE_EFORMS[code]) == []


@pytest.mark.parametrize("code", CODES)
def test_every_filled_example_passes(code: str) -> None:
    result = validate_eform(SAMPLE_EFORMS[code], SAMPLE_FILLED[code], today=TODAY)
    assert result.errors == []
    assert set(result.data) == {s.key for s in SAMPLE_EFORMS[code].sections}


@pytest.mark.parametrize("code", CODES)
def test_every_filled_example_is_complete_enough_to_fail_without_its_required_fields(code: str) -> None:
    schema = SAMPLE_EFORMS[code]
    required = {f"DuLieuBieuMau.{s.key}.{f.key}" for s in schema.sections for f in s.fields if f.required}
    errors = {e.field for e in validate_eform(schema, {}, today=TODAY).errors}
    assert required and required <= errors


def test_the_54_ethnic_groups() -> None:
    assert len(ETHNIC_GROUPS) == 54
    assert ETHNIC_GROUPS[0] == ("01", "Kinh") and ETHNIC_GROUPS[-1] == ("54", "Rơ Măm")
    assert [code for code, _ in ETHNIC_GROUPS] == [f"{i:02d}" for i in range(1, 55)]


def test_the_personal_numbers_of_the_examples_are_consistent_with_the_people() -> None:
    mother = SAMPLE_FILLED[KHAI_SINH.code]["me"]
    check = check_personal_number(mother["so_dinh_danh"], today=TODAY)
    assert check.gender == "Nữ" and check.birth_year == int(mother["ngay_sinh"][-4:])
    father = SAMPLE_FILLED[KHAI_SINH.code]["cha"]
    check = check_personal_number(father["so_dinh_danh"], today=TODAY)
    assert check.gender == "Nam" and check.birth_year == int(father["ngay_sinh"][-4:])


def test_birth_registration_mirrors_the_paper_form() -> None:
    keys = {s.key: [f.key for f in s.fields] for s in KHAI_SINH.sections}
    assert {"ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "quoc_tich", "noi_sinh"} <= set(keys["nguoi_duoc_khai_sinh"])
    assert {"ho_ten", "so_dinh_danh", "quan_he"} <= set(keys["nguoi_yeu_cau"])
    assert "me" in keys and "cha" in keys
    autofilled = {f.autofill_source for s in KHAI_SINH.sections for f in s.fields if f.autofill_source}
    assert "population.HoVaTen" in autofilled


def test_birth_registration_requires_the_father_only_when_he_is_known() -> None:
    data = copy.deepcopy(SAMPLE_FILLED[KHAI_SINH.code])
    data["cha"] = {"xac_dinh_cha": "chua"}
    assert validate_eform(KHAI_SINH, data, today=TODAY).ok
    data["cha"] = {"xac_dinh_cha": "co"}
    errors = {e.field for e in validate_eform(KHAI_SINH, data, today=TODAY).errors}
    assert errors == {f"DuLieuBieuMau.cha.{k}" for k in ("ho_ten", "ngay_sinh", "dan_toc", "quoc_tich", "noi_cu_tru")}


def test_the_child_is_born_after_the_mother() -> None:
    data = copy.deepcopy(SAMPLE_FILLED[KHAI_SINH.code])
    data["me"]["ngay_sinh"] = data["nguoi_duoc_khai_sinh"]["ngay_sinh"]
    errors = {e.field for e in validate_eform(KHAI_SINH, data, today=TODAY).errors}
    assert errors == {"DuLieuBieuMau.nguoi_duoc_khai_sinh.ngay_sinh"}


def test_permanent_residence_household_members_are_dynamic_rows() -> None:
    data = copy.deepcopy(SAMPLE_FILLED[THUONG_TRU.code])
    member = data["thanh_vien_ho"]["thanh_vien"][0]
    data["thanh_vien_ho"]["thanh_vien"].append({**member, "so_dinh_danh": "12"})
    errors = [e.field for e in validate_eform(THUONG_TRU, data, today=TODAY).errors]
    assert errors == ["DuLieuBieuMau.thanh_vien_ho.thanh_vien[1].so_dinh_danh"]
    data["noi_dung"]["cho_o"] = "thue_muon"
    errors = [e.field for e in validate_eform(THUONG_TRU, data, today=TODAY).errors]
    assert "DuLieuBieuMau.noi_dung.dien_tich_nha_o" in errors


def test_death_after_birth_and_certificate_after_death() -> None:
    data = copy.deepcopy(SAMPLE_FILLED[KHAI_TU.code])
    data["giay_bao_tu"]["ngay_cap"] = "01/09/2025"
    errors = [e.field for e in validate_eform(KHAI_TU, data, today=TODAY).errors]
    assert errors == ["DuLieuBieuMau.giay_bao_tu.ngay_cap"]


def test_deregistration_for_death_needs_the_death_extract() -> None:
    data = copy.deepcopy(SAMPLE_FILLED[XOA_THUONG_TRU.code])
    del data["can_cu"]["so_trich_luc_khai_tu"]
    errors = [e.field for e in validate_eform(XOA_THUONG_TRU, data, today=TODAY).errors]
    assert errors == ["DuLieuBieuMau.can_cu.so_trich_luc_khai_tu"]
    data["can_cu"]["truong_hop"] = "dinh_cu_nuoc_ngoai"
    assert validate_eform(XOA_THUONG_TRU, data, today=TODAY).ok


def test_survivor_allowance_needs_the_survivors_and_a_bank_account() -> None:
    data = copy.deepcopy(SAMPLE_FILLED[MAI_TANG.code])
    data["de_nghi"]["than_nhan"] = []
    del data["nhan_tien"]["so_tai_khoan"]
    errors = {e.field for e in validate_eform(MAI_TANG, data, today=TODAY).errors}
    assert errors == {"DuLieuBieuMau.de_nghi.than_nhan", "DuLieuBieuMau.nhan_tien.so_tai_khoan"}
    data["de_nghi"]["che_do"] = ["mai_tang"]
    data["nhan_tien"] = {"hinh_thuc": "tien_mat"}
    assert validate_eform(MAI_TANG, data, today=TODAY).ok


def test_trademark_fees_must_add_up() -> None:
    data = copy.deepcopy(SAMPLE_FILLED[NHAN_HIEU.code])
    fees = data["phi_le_phi"]["khoan_phi"]
    assert sum(f["so_tien"] for f in fees) == data["phi_le_phi"]["tong_so"] == 1_610_000
    data["phi_le_phi"]["tong_so"] = 1_500_000
    errors = [e.field for e in validate_eform(NHAN_HIEU, data, today=TODAY).errors]
    assert errors == ["DuLieuBieuMau.phi_le_phi.tong_so"]
    data = copy.deepcopy(SAMPLE_FILLED[NHAN_HIEU.code])
    del data["chu_don"]["ma_so_thue"]
    errors = [e.field for e in validate_eform(NHAN_HIEU, data, today=TODAY).errors]
    assert errors == ["DuLieuBieuMau.chu_don.ma_so_thue"]


def test_the_intake_contracts_openapi_example_is_the_birth_registration_sample() -> None:
    from chalicelib.domain.intake import DVCQG_EXAMPLE

    assert DVCQG_EXAMPLE["DuLieuBieuMau"] == SAMPLE_FILLED[KHAI_SINH.code]
