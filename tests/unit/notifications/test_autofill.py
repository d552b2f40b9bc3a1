"""Auto-fill from the population database (SPEC §5), the pure part: which fields a form lets
the database fill, and what each gets — only values the form's own checks accept.
(Kept beside the reminder tests: the desk-intake helpers were built together.)"""

from __future__ import annotations

import pytest

from chalicelib.domain.eform import EFormSchema, FormField, FormSection, Option
from chalicelib.integrations.population import Citizen, PopulationUnavailable
from chalicelib.services.autofill import fill, population_fields, same_name
from local.eform_samples import KHAI_SINH, THUONG_TRU
from local.simulators.citizens import DEMO_CITIZENS

AN = Citizen.from_answer(DEMO_CITIZENS[0])  # Nguyễn Văn An, 001090012345, born 12/03/1990


def test_the_birth_registration_form_gets_the_requester_from_the_database() -> None:
    filled = fill(KHAI_SINH, AN)
    assert filled.values == {
        "nguoi_yeu_cau.ho_ten": "Nguyễn Văn An",
        "nguoi_yeu_cau.so_dinh_danh": "001090012345",
        "nguoi_yeu_cau.noi_cu_tru": "Số 12 phố Lý Thường Kiệt, Phường Hoàn Kiếm, Thành phố Hà Nội",
    }
    assert filled.autofilled == list(filled.values)
    # The phone number's declared source is VNeID, not the population database.
    assert "nguoi_yeu_cau.so_dien_thoai" not in filled.values


def test_the_birth_date_is_found_under_vneids_name_for_it() -> None:
    filled = fill(THUONG_TRU, AN)  # the form names the birth date population.NgayThangNamSinh
    assert filled.values == {"nguoi_de_nghi.ho_ten": "Nguyễn Văn An", "nguoi_de_nghi.ngay_sinh": "12/03/1990",
                             "nguoi_de_nghi.so_dinh_danh": "001090012345"}
    assert filled.autofilled == ["nguoi_de_nghi.ho_ten", "nguoi_de_nghi.ngay_sinh", "nguoi_de_nghi.so_dinh_danh"]


def _form(*fields: FormField) -> EFormSchema:
    return EFormSchema(code="TEST", version=1, title="Tờ khai thử",
                       sections=[FormSection(key="nguoi_khai", title="Người khai", fields=list(fields))])


def test_choices_take_the_option_the_value_names_and_values_the_form_refuses_are_left_out() -> None:
    schema = _form(
        FormField(key="gioi_tinh", label="Giới tính", type="radio", autofill_source="population.GioiTinh",
                  options=[Option(value="nam", label="Nam"), Option(value="nu", label="Nữ")]),
        FormField(key="quoc_tich", label="Quốc tịch", type="select", autofill_source="population.QuocTich",
                  options=[Option(value="VN", label="Việt Nam"), Option(value="LA", label="Lào")]),
        FormField(key="que_quan", label="Quê quán", type="select", autofill_source="population.QueQuan",
                  options=[Option(value="01", label="Thành phố Hà Nội")]),
        FormField(key="ho_ten", label="Họ tên", type="text", max_length=5, autofill_source="population.HoVaTen"),
        FormField(key="dien_thoai", label="Điện thoại", type="phone", autofill_source="population.SoDienThoai"),
        FormField(key="thu_dien_tu", label="Thư điện tử", type="email", autofill_source="population.ThuDienTu"),
        FormField(key="con", label="Con", type="table", autofill_source=None,
                  columns=[FormField(key="ho_ten", label="Họ tên", type="text", autofill_source="population.HoVaTen")]),
    )
    woman = Citizen.from_answer({**DEMO_CITIZENS[1], "GioiTinh": "nữ", "SoDienThoai": "+84 903 123 456"})
    filled = fill(schema, woman)
    assert filled.values == {
        "nguoi_khai.gioi_tinh": "nu",  # matched on the label, whatever the case
        "nguoi_khai.quoc_tich": "VN",
        "nguoi_khai.dien_thoai": "0903123456",  # as the form's check normalises it
    }
    # Not filled: a home town that is none of the options, a name longer than the field allows, an
    # attribute the database does not have, and columns of dynamic rows.
    assert [path for path, _, _ in population_fields(schema)] == [
        "nguoi_khai.gioi_tinh", "nguoi_khai.quoc_tich", "nguoi_khai.que_quan", "nguoi_khai.ho_ten",
        "nguoi_khai.dien_thoai", "nguoi_khai.thu_dien_tu"]


def test_a_citizen_record_is_read_as_nfc_text_and_nothing_else() -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"  # "Nguyễn Văn An" in NFD
    citizen = Citizen.from_answer({"SoDinhDanh": "001090012345", "HoVaTen": decomposed, "Extra": "x", "QuocTich": 1})
    assert citizen.attribute("HoVaTen") == "Nguyễn Văn An"
    assert citizen.attribute("Extra") is None and citizen.attribute("QuocTich") is None
    with pytest.raises(PopulationUnavailable):
        Citizen.from_answer(["not", "a", "record"])


def test_the_typed_name_matches_the_record_case_and_spacing_aside_not_diacritics() -> None:
    assert same_name("nguyễn  văn AN", "Nguyễn Văn An")
    assert same_name("Nguye\u0302\u0303n Văn An", "Nguyễn Văn An")  # decomposed as some keyboards type it
    assert not same_name("Nguyen Van An", "Nguyễn Văn An")
    assert not same_name("Nguyễn Văn Ân", "Nguyễn Văn An")
