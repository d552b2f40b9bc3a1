"""eForm schemas (SPEC §5): the schema checker and the server-side data validator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chalicelib.domain.eform import (
    DateOrder,
    EFormSchema,
    FormField,
    FormSection,
    Option,
    RequiredIf,
    SumEquals,
    validate_eform,
    validate_schema,
)

TODAY = dt.date(2025, 9, 15)

MEMBERS = FormField(
    key="thanh_vien",
    label="Thành viên",
    type="table",
    min_rows=1,
    max_rows=5,
    columns=[
        FormField(key="ho_ten", label="Họ tên", type="text", required=True, max_length=50),
        FormField(key="ngay_sinh", label="Ngày sinh", type="date", required=True, date_limit="past"),
        FormField(
            key="con_song",
            label="Còn sống",
            type="radio",
            options=[Option(value="co", label="Còn sống"), Option(value="khong", label="Đã mất")],
        ),
        FormField(key="ngay_mat", label="Ngày mất", type="date"),
        FormField(key="so_tien", label="Số tiền", type="money"),
    ],
)

SCHEMA = EFormSchema(
    code="TEST",
    version=1,
    title="Tờ khai thử",
    sections=[
        FormSection(
            key="nguoi_khai",
            title="Người khai",
            fields=[
                FormField(key="ho_ten", label="Họ tên", type="text", required=True, max_length=20),
                FormField(key="ghi_chu", label="Ghi chú", type="textarea", max_length=30),
                FormField(key="so_dinh_danh", label="Số định danh", type="personal_number"),
                FormField(key="ma_so_thue", label="Mã số thuế", type="tax_code"),
                FormField(key="dien_thoai", label="Điện thoại", type="phone"),
                FormField(key="email", label="Email", type="email"),
                FormField(key="tuoi", label="Tuổi", type="number", minimum=0, maximum=150),
                FormField(
                    key="ma_buu_chinh",
                    label="Mã bưu chính",
                    type="text",
                    pattern=r"[0-9]{5}",
                    pattern_message="gồm 5 chữ số",
                ),
                FormField(key="ngay_hen", label="Ngày hẹn", type="date", date_limit="future"),
                FormField(key="luc", label="Lúc", type="datetime"),
            ],
        ),
        FormSection(
            key="lua_chon",
            title="Lựa chọn",
            fields=[
                FormField(
                    key="gioi_tinh",
                    label="Giới tính",
                    type="radio",
                    required=True,
                    options=[Option(value="nam", label="Nam"), Option(value="nu", label="Nữ")],
                ),
                FormField(
                    key="tinh",
                    label="Tỉnh",
                    type="select",
                    options=[Option(value="01", label="Hà Nội"), Option(value="79", label="TP HCM")],
                ),
                FormField(
                    key="che_do",
                    label="Chế độ",
                    type="checkboxes",
                    options=[Option(value="a", label="A"), Option(value="b", label="B")],
                ),
                FormField(key="cam_doan", label="Tôi cam đoan", type="checkbox", required=True),
                FormField(key="uu_tien", label="Ưu tiên", type="checkbox"),
                FormField(key="so_don", label="Số đơn ưu tiên", type="text"),
            ],
        ),
        FormSection(
            key="gia_dinh",
            title="Gia đình",
            fields=[MEMBERS, FormField(key="tong", label="Tổng số tiền", type="money")],
        ),
    ],
    rules=[
        RequiredIf(field="lua_chon.uu_tien", equals=True, then_required=["lua_chon.so_don"]),
        RequiredIf(field="lua_chon.che_do", equals="b", then_required=["lua_chon.tinh"]),
        RequiredIf(
            field="gia_dinh.thanh_vien[].con_song", equals="khong", then_required=["gia_dinh.thanh_vien[].ngay_mat"]
        ),
        DateOrder(earlier="gia_dinh.thanh_vien[].ngay_sinh", later="gia_dinh.thanh_vien[].ngay_mat"),
        DateOrder(earlier="nguoi_khai.luc", later="nguoi_khai.ngay_hen"),
        SumEquals(total="gia_dinh.tong", column="gia_dinh.thanh_vien[].so_tien"),
    ],
)


def good() -> dict[str, Any]:
    return {
        "nguoi_khai": {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": "001090012345", "dien_thoai": "+84 912 345 678"},
        "lua_chon": {"gioi_tinh": "nam", "cam_doan": True},
        "gia_dinh": {"thanh_vien": [{"ho_ten": "Trần Thị Bình", "ngay_sinh": "20/03/1992"}]},
    }


def check(data: dict[str, Any]) -> dict[str, str]:
    result = validate_eform(SCHEMA, data, today=TODAY)
    return {e.field: e.message for e in result.errors}


def test_the_test_schema_is_valid() -> None:
    assert validate_schema(SCHEMA) == []


def test_good_data_passes_and_is_normalised() -> None:
    data = good()
    data["nguoi_khai"]["ho_ten"] = "  Nguye\u0302\u0303n Văn An "
    data["nguoi_khai"]["ghi_chu"] = ""
    data["nguoi_khai"]["email"] = "An@Example.VN"
    data["gia_dinh"]["tong"] = "0"
    result = validate_eform(SCHEMA, data, today=TODAY)
    assert result.ok, result.errors
    assert result.data["nguoi_khai"] == {
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": "001090012345",
        "dien_thoai": "0912345678",
        "email": "An@example.vn",
    }
    assert result.data["lua_chon"] == {"gioi_tinh": "nam", "cam_doan": True, "uu_tien": False}
    assert result.data["gia_dinh"]["tong"] == 0


def test_unknown_keys_are_errors_at_every_level() -> None:
    data = good()
    data["thua"] = {}
    data["nguoi_khai"]["biet_danh"] = "Tí"
    data["gia_dinh"]["thanh_vien"][0]["nghe_nghiep"] = "Giáo viên"
    errors = check(data)
    assert set(errors) == {
        "DuLieuBieuMau.thua",
        "DuLieuBieuMau.nguoi_khai.biet_danh",
        "DuLieuBieuMau.gia_dinh.thanh_vien[0].nghe_nghiep",
    }
    assert errors["DuLieuBieuMau.nguoi_khai.biet_danh"] == "Trường “biet_danh” không có trong nhóm Người khai."


def test_rows_that_are_not_objects_are_errors_and_later_rows_keep_their_index() -> None:
    data = good()
    data["gia_dinh"]["thanh_vien"] = [
        "x",
        {"ho_ten": "B", "ngay_sinh": "01/01/1950", "con_song": "khong"},
        {"ho_ten": "C", "ngay_sinh": "01/01/1950", "ngay_mat": "31/12/1949"},
    ]
    rows = "DuLieuBieuMau.gia_dinh.thanh_vien"
    assert check(data) == {
        f"{rows}[0]": "Dòng 1 của Thành viên phải là một đối tượng.",
        f"{rows}[1].ngay_mat": "Vui lòng nhập Ngày mất (bắt buộc khi Còn sống (Thành viên) là “Đã mất”).",
        f"{rows}[2].ngay_mat": "Ngày mất (Thành viên) không được trước Ngày sinh (Thành viên).",
    }


def test_data_and_sections_must_be_objects() -> None:
    assert check([]) == {"DuLieuBieuMau": "Dữ liệu biểu mẫu “Tờ khai thử” phải là một đối tượng JSON."}  # type: ignore[arg-type]
    data = good()
    data["lua_chon"] = ["nam"]
    assert check(data) == {"DuLieuBieuMau.lua_chon": "Lựa chọn phải là một đối tượng JSON."}


# What a form's values look like (strings, checkboxes, rows) is in the shared cases
# (tests/cases/eform_cases.json, test_eform_cases.py); below only what only an API client can
# send: JSON numbers and other types, and what the server normalises.


def test_text_is_normalised_and_must_be_a_string() -> None:
    data = good()
    data["nguoi_khai"]["ghi_chu"] = "dòng 1\r\ndòng 2\tcột"
    assert validate_eform(SCHEMA, data, today=TODAY).data["nguoi_khai"]["ghi_chu"] == "dòng 1\ndòng 2\tcột"
    data["nguoi_khai"]["ho_ten"] = 12
    data["nguoi_khai"]["ghi_chu"] = None
    assert check(data) == {"DuLieuBieuMau.nguoi_khai.ho_ten": "Họ tên phải là chuỗi ký tự."}


@pytest.mark.parametrize(("raw", "expected"), [(30, 30), ("30", 30), (30.0, 30), ("12.5", 12.5), (0, 0)])
def test_numbers(raw: Any, expected: Any) -> None:
    data = good()
    data["nguoi_khai"]["tuoi"] = raw
    result = validate_eform(SCHEMA, data, today=TODAY)
    assert result.ok and result.data["nguoi_khai"]["tuoi"] == expected


# "1,5": the web app reads a decimal comma as typed and sends the JSON number 1.5; the API takes
# numeric strings only in JSON's own notation.
@pytest.mark.parametrize("raw", [True, {}, -1, float("nan"), float("inf"), "1,5"])
def test_not_numbers(raw: Any) -> None:
    data = good()
    data["nguoi_khai"]["tuoi"] = raw
    assert set(check(data)) == {"DuLieuBieuMau.nguoi_khai.tuoi"}


@pytest.mark.parametrize("raw", [-1, 1.5, True, 10**14])
def test_money_is_a_non_negative_integer_of_dong(raw: Any) -> None:
    data = good()
    data["gia_dinh"]["thanh_vien"][0]["so_tien"] = raw
    assert check(data) == {
        "DuLieuBieuMau.gia_dinh.thanh_vien[0].so_tien": "Số tiền phải là số tiền nguyên không âm, tính bằng đồng."
    }


def test_choices_are_normalised_and_typed() -> None:
    data = good()
    data["lua_chon"]["che_do"] = [" b", "a"]
    data["lua_chon"]["tinh"] = "79"
    result = validate_eform(SCHEMA, data, today=TODAY)
    assert result.ok and result.data["lua_chon"]["che_do"] == ["b", "a"]
    data["lua_chon"]["che_do"] = "a"
    data["lua_chon"]["cam_doan"] = "true"
    data["gia_dinh"]["thanh_vien"] = {"ho_ten": "A"}
    assert check(data) == {
        "DuLieuBieuMau.lua_chon.che_do": "Chế độ phải là danh sách các giá trị lựa chọn.",
        "DuLieuBieuMau.lua_chon.cam_doan": "Tôi cam đoan phải là giá trị đúng/sai (true/false).",
        "DuLieuBieuMau.gia_dinh.thanh_vien": "Thành viên phải là danh sách các dòng.",
    }


def test_required_if_is_not_repeated_for_a_value_of_the_wrong_type() -> None:
    data = good()
    data["lua_chon"]["uu_tien"] = True
    data["lua_chon"]["so_don"] = 5
    assert check(data) == {"DuLieuBieuMau.lua_chon.so_don": "Số đơn ưu tiên phải là chuỗi ký tự."}


def test_sums_of_json_numbers() -> None:
    data = good()
    data["gia_dinh"]["thanh_vien"] = [
        {"ho_ten": "A", "ngay_sinh": "01/01/1990", "so_tien": 150000},
        {"ho_ten": "B", "ngay_sinh": "01/01/1990", "so_tien": 360000.0},
    ]
    data["gia_dinh"]["tong"] = 500000
    assert check(data) == {
        "DuLieuBieuMau.gia_dinh.tong": "Tổng số tiền (500.000) phải bằng tổng Số tiền (Thành viên): 510.000.",
    }


def test_prefix_is_configurable() -> None:
    result = validate_eform(SCHEMA, {"lua_chon": {"cam_doan": True}}, prefix="", today=TODAY)
    assert "lua_chon.gioi_tinh" in {e.field for e in result.errors}


# -- schema checks -------------------------------------------------------------------------------------


def schema_with(fields: list[FormField], rules: list[Any] | None = None) -> EFormSchema:
    return EFormSchema(
        code="S", version=1, title="S", sections=[FormSection(key="a", title="A", fields=fields)], rules=rules or []
    )


TEXT = FormField(key="t", label="T", type="text")
DATE = FormField(key="d", label="D", type="date")
RADIO = FormField(
    key="r", label="R", type="radio", options=[Option(value="1", label="1"), Option(value="2", label="2")]
)


@pytest.mark.parametrize(
    ("fields", "rules", "problem"),
    [
        ([TEXT, TEXT], [], "a.t: trường bị trùng"),
        ([FormField(key="t", label="T", type="text", max_length=256)], [], "a.t: trường văn bản dài tối đa 255 ký tự"),
        ([FormField(key="s", label="S", type="select")], [], "a.s: danh sách thả xuống cần ít nhất 1 lựa chọn"),
        (
            [FormField(key="r", label="R", type="radio", options=[Option(value="1", label="1")])],
            [],
            "a.r: nút radio cần từ 2 đến 4 lựa chọn",
        ),
        (
            [
                FormField(
                    key="r", label="R", type="radio", options=[Option(value=str(i), label=str(i)) for i in range(5)]
                )
            ],
            [],
            "a.r: nút radio cần từ 2 đến 4 lựa chọn",
        ),
        (
            [
                FormField(
                    key="r",
                    label="R",
                    type="radio",
                    options=[Option(value="1", label="a"), Option(value="1", label="b")],
                )
            ],
            [],
            "a.r: giá trị lựa chọn bị trùng",
        ),
        (
            [FormField(key="t", label="T", type="text", options=[Option(value="1", label="1")])],
            [],
            "a.t: chỉ select, radio và checkboxes có danh sách lựa chọn",
        ),
        ([FormField(key="g", label="G", type="table")], [], "a.g: bảng cần ít nhất một cột"),
        (
            [
                FormField(
                    key="g",
                    label="G",
                    type="table",
                    columns=[FormField(key="h", label="H", type="table", columns=[TEXT])],
                )
            ],
            [],
            "a.g[].h: không lồng bảng trong bảng",
        ),
        ([FormField(key="g", label="G", type="table", columns=[TEXT, TEXT])], [], "a.g: cột “t” bị trùng"),
        (
            [FormField(key="g", label="G", type="table", columns=[TEXT], min_rows=5, max_rows=2)],
            [],
            "a.g: min_rows lớn hơn max_rows",
        ),
        ([FormField(key="t", label="T", type="text", columns=[TEXT])], [], "a.t: chỉ trường bảng (table) có cột"),
        ([FormField(key="n", label="N", type="number", minimum=5, maximum=1)], [], "a.n: minimum lớn hơn maximum"),
        ([FormField(key="t", label="T", type="text", minimum=1)], [], "a.t: minimum/maximum chỉ dùng cho trường số"),
        (
            [FormField(key="t", label="T", type="text", pattern="[")],
            [],
            "a.t: pattern không phải biểu thức chính quy hợp lệ",
        ),
        (
            [FormField(key="t", label="T", type="text", date_limit="past")],
            [],
            "a.t: date_limit chỉ dùng cho trường ngày",
        ),
        (
            [TEXT],
            [RequiredIf(field="a.x", equals="1", then_required=["a.t"])],
            "rules[0] (required_if): “a.x” không phải trường của biểu mẫu",
        ),
        (
            [TEXT, RADIO],
            [RequiredIf(field="a.r", equals="3", then_required=["a.t"])],
            "rules[0] (required_if): “3” không có trong lựa chọn của “a.r”",
        ),
        ([TEXT, DATE], [DateOrder(earlier="a.t", later="a.d")], "rules[0] (date_order): “a.t” không phải trường ngày"),
        (
            [DATE, FormField(key="g", label="G", type="table", columns=[DATE])],
            [DateOrder(earlier="a.d", later="a.g[].d")],
            "rules[0] (date_order): các trường phải cùng ngoài bảng hoặc cùng thuộc một bảng",
        ),
        (
            [TEXT, FormField(key="g", label="G", type="table", columns=[TEXT])],
            [SumEquals(total="a.t", column="a.g[].t")],
            "rules[0] (sum_equals): “a.t” phải là trường số ngoài bảng",
        ),
    ],
)
def test_validate_schema_finds_each_problem(fields: list[FormField], rules: list[Any], problem: str) -> None:
    problems = validate_schema(schema_with(fields, rules))
    assert any(p.startswith(problem) for p in problems), problems


def test_duplicate_sections_and_empty_forms() -> None:
    section = FormSection(key="a", title="A", fields=[TEXT])
    twice = EFormSchema(code="S", version=1, title="S", sections=[section, section])
    assert validate_schema(twice) == ["nhóm “a” bị trùng"]
    empty = EFormSchema(code="S", version=1, title="S", sections=[])
    assert validate_schema(empty) == ["biểu mẫu cần ít nhất một nhóm trường"]


def test_schema_shape_is_typed() -> None:
    with pytest.raises(ValueError):
        FormField(key="Họ tên", label="x", type="text")
    with pytest.raises(ValueError):
        FormField(key="x", label="x", type="signature")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EFormSchema.model_validate(
            {"code": "S", "version": 1, "title": "S", "sections": [], "rules": [{"kind": "eval", "expr": "1 + 1"}]}
        )
    loaded = EFormSchema.model_validate_json(SCHEMA.model_dump_json())
    assert loaded == SCHEMA
