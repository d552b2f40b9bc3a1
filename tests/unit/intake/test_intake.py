"""The §7.1 intake contract, field by field: every bad field named at once, in Vietnamese."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.body_fields import MAX_FILE_BYTES, MAX_JSON_DEPTH
from chalicelib.domain.identifiers import VN_TZ
from chalicelib.domain.intake import DESK_EXAMPLE, DVCQG_EXAMPLE, MAX_FILES, DeskDossierIn, DvcqgDossierIn
from chalicelib.domain.intake_parse import (
    MAX_FREEFORM_FORM_BYTES,
    canonical_body_hash,
    parse_desk_dossier,
    parse_dvcqg_dossier,
)
from chalicelib.domain.intake_result import ProcedureIntake
from chalicelib.errors import HosoError
from local.eform_samples import KHAI_SINH, SAMPLE_FILLED

NOW = dt.datetime(2025, 9, 15, 10, 0, tzinfo=VN_TZ)
UNIT = "000.00.13.H29"
PROCEDURES = {
    "1.001193": ProcedureIntake(eform=KHAI_SINH, applicant_types=frozenset({"1"})),
    "2.000001": ProcedureIntake(eform=None),
}


def procedure_lookup(code: str) -> ProcedureIntake | None:
    return PROCEDURES.get(code)


def unit_lookup(code: str) -> bool:
    return code in {UNIT, "000.00.00.G12"}


def body(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(DVCQG_EXAMPLE)
    for key, value in changes.items():
        if value is ...:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def parse(raw: Any, now: dt.datetime = NOW):  # noqa: ANN201
    return parse_dvcqg_dossier(raw, procedure_lookup=procedure_lookup, unit_lookup=unit_lookup, now=now)


def failure(raw: Any) -> HosoError:
    with pytest.raises(HosoError) as caught:
        parse(raw)
    return caught.value


def fields_of(raw: Any) -> dict[str, str]:
    return {e.field: e.message for e in failure(raw).errors}


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


# -- the happy path ---------------------------------------------------------------------------


def test_the_example_of_the_openapi_document_is_accepted() -> None:
    dossier = parse(DVCQG_EXAMPLE)
    assert dossier.dvcqg_ref == "G22.99-250915-0012"
    assert (dossier.procedure_code, dossier.unit_code) == ("1.001193", UNIT)
    assert (dossier.applicant_name, dossier.applicant_kind, dossier.applicant_id) == (
        "Nguyễn Văn An",
        "1",
        "001090012345",
    )
    assert dossier.submitted_at == dt.datetime(2025, 9, 15, 9, 30, tzinfo=VN_TZ)
    assert (dossier.channel, dossier.dvcqg_channel, dossier.result_delivery) == ("online", "2", "2")
    assert (dossier.eform_code, dossier.eform_version) == (KHAI_SINH.code, 1)
    assert dossier.form_data["nguoi_duoc_khai_sinh"]["ho_ten"] == "NGUYỄN MINH KHÔI"
    assert dossier.attachments[0].url == "https://dichvucong.gov.vn/files/TEP-001"
    assert dossier.fees[0].amount == 16000
    assert DvcqgDossierIn.model_json_schema()["examples"] == [DVCQG_EXAMPLE]


def test_minimal_body_gets_the_defaults() -> None:
    raw = body(
        MaDoiTuong=...,
        Email="",
        SoDienThoai=None,
        DiaChi="  ",
        TrichYeuHoSo=...,
        KenhThucHien=...,
        HinhThucNhanKetQua=...,
        TaiLieuNop=...,
        DanhSachLePhi=...,
    )
    dossier = parse(raw)
    assert (dossier.email, dossier.phone, dossier.address, dossier.summary) == (None, None, None, None)
    assert (dossier.channel, dossier.dvcqg_channel, dossier.result_delivery) == ("online", "2", "0")
    assert dossier.attachments == () and dossier.fees == ()


def test_dvcqg_channel_codes_are_kept() -> None:
    assert parse(body(KenhThucHien="3")).channel == "post"
    assert parse(body(KenhThucHien="1")).channel == "desk"


def test_strings_are_nfc_and_stripped_everywhere() -> None:
    decomposed = "Nguye\u0302\u0303n Văn An"
    form = copy.deepcopy(SAMPLE_FILLED[KHAI_SINH.code])
    form["me"]["ho_ten"] = "  TRA\u0302\u0300N THỊ BÌNH "
    dossier = parse(body(ChuHoSo=f" {decomposed}\t", DiaChi="Kim Ma\u0303", DuLieuBieuMau=form))
    assert dossier.applicant_name == "Nguyễn Văn An"
    assert dossier.address == "Kim Mã"
    assert dossier.form_data["me"]["ho_ten"] == "TRẦN THỊ BÌNH"


def test_contact_details_are_normalised() -> None:
    dossier = parse(body(Email="An.Nguyen@Example.VN", SoDienThoai="+84 912 345 678"))
    assert (dossier.email, dossier.phone) == ("An.Nguyen@example.vn", "0912345678")


def test_unknown_top_level_fields_from_dvcqg_are_ignored() -> None:
    assert parse(body(TenTTHC="Đăng ký khai sinh", MaLinhVuc="HT")).procedure_code == "1.001193"


# -- one bad field at a time ---------------------------------------------------------------------


REQUIRED = [
    "MaHoSoDVCQG",
    "MaTTHC",
    "MaDonViTiepNhan",
    "ChuHoSo",
    "LoaiDoiTuong",
    "SoGiayToChuHoSo",
    "NgayNopHoSo",
    "DuLieuBieuMau",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_each_missing_required_field_is_named(name: str) -> None:
    error = failure(body(**{name: ...}))
    assert error.code == "INVALID_DATA" and error.status == 422
    assert [e.field for e in error.errors] == [name]
    assert error.errors[0].message.endswith("là trường bắt buộc.")


BAD_FIELDS: list[tuple[str, Any, str]] = [
    ("MaHoSoDVCQG", "G22 99", "chỉ gồm chữ cái không dấu"),
    ("MaHoSoDVCQG", "x" * 101, "tối đa 100 ký tự"),
    ("MaTTHC", "1001193", "phải là mã thủ tục hành chính"),
    ("MaDonViTiepNhan", "000.00.13.h29", "QCVN 102:2016/BTTTT"),
    ("ChuHoSo", "   ", "không được để trống"),
    ("ChuHoSo", "A" * 256, "không được dài quá 255 ký tự"),
    ("ChuHoSo", 12, "phải là chuỗi ký tự"),
    ("ChuHoSo", None, "phải là chuỗi ký tự"),
    ("Email", 5, "phải là chuỗi ký tự"),
    ("TaiLieuNop", None, "phải là một danh sách"),
    ("ChuHoSo", "Nguyễn\u0000An", "ký tự điều khiển"),
    ("LoaiDoiTuong", "5", "phải là một trong các giá trị: 1, 2, 3, 4"),
    ("LoaiDoiTuong", 1, "phải là một trong các giá trị: 1, 2, 3, 4"),
    ("SoGiayToChuHoSo", "00109001234", "phải gồm đúng 12 chữ số"),
    ("SoGiayToChuHoSo", "003090012345", "mã nơi đăng ký khai sinh 003 không tồn tại"),
    ("SoGiayToChuHoSo", "001226012345", "năm sinh 2026 ở tương lai"),
    ("SoGiayToChuHoSo", "0100112437", "phải gồm đúng 12 chữ số"),
    ("NgayNopHoSo", "15/09/2025 09:30", "yyyyMMddHHmmss"),
    ("NgayNopHoSo", "20250231093000", "yyyyMMddHHmmss"),
    ("NgayNopHoSo", "20250915100600", "không được ở thời điểm tương lai"),
    ("DuLieuBieuMau", "{}", "phải là một đối tượng JSON"),
    ("DuLieuBieuMau", [], "phải là một đối tượng JSON"),
    ("MaDoiTuong", "x" * 101, "không được dài quá 100 ký tự"),
    ("Email", "an@example", "không phải địa chỉ thư điện tử hợp lệ"),
    ("SoDienThoai", "0123", "không phải số điện thoại hợp lệ"),
    ("DiaChi", "x" * 501, "không được dài quá 500 ký tự"),
    ("DiaChi", "Kim Mã\nHà Nội", "ký tự điều khiển"),
    ("TrichYeuHoSo", "x" * 1001, "không được dài quá 1000 ký tự"),
    ("TrichYeuHoSo", "bell\u0007", "ký tự điều khiển"),
    ("KenhThucHien", "4", "phải là một trong các giá trị: 1, 2, 3"),
    ("KenhThucHien", "online", "phải là một trong các giá trị: 1, 2, 3"),
    ("HinhThucNhanKetQua", "3", "phải là một trong các giá trị: 0, 1, 2"),
    ("TaiLieuNop", {}, "phải là một danh sách"),
    ("DanhSachLePhi", "16000", "phải là một danh sách"),
]


@pytest.mark.parametrize(("name", "value", "fragment"), BAD_FIELDS)
def test_each_bad_field_alone_is_exactly_the_field_named(name: str, value: Any, fragment: str) -> None:
    error = failure(body(**{name: value}))
    assert error.code == "INVALID_DATA"
    assert [e.field for e in error.errors] == [name]
    assert fragment in error.errors[0].message


def test_the_submission_time_tolerates_five_minutes_of_clock_skew() -> None:
    assert parse(body(NgayNopHoSo="20250915100500")).submitted_at == NOW + dt.timedelta(minutes=5)


def test_several_bad_fields_are_all_named_at_once() -> None:
    form = copy.deepcopy(SAMPLE_FILLED[KHAI_SINH.code])
    form["me"]["ngay_sinh"] = "31/02/1992"
    raw = body(
        MaHoSoDVCQG=...,
        ChuHoSo="",
        Email="x",
        SoDienThoai="1",
        NgayNopHoSo="x",
        KenhThucHien="9",
        DuLieuBieuMau=form,
        TaiLieuNop=[{"TepDinhKemId": "1", "TenTepDinhKem": "a.pdf", "DuongDanTaiTepTin": "http://x.vn/a"}],
        DanhSachLePhi=[{"MaPhiLePhi": "P", "TenPhiLePhi": "Phí", "Gia": -5}],
    )
    assert set(fields_of(raw)) == {
        "MaHoSoDVCQG",
        "ChuHoSo",
        "Email",
        "SoDienThoai",
        "NgayNopHoSo",
        "KenhThucHien",
        "DuLieuBieuMau.me.ngay_sinh",
        "TaiLieuNop[0].DuongDanTaiTepTin",
        "DanhSachLePhi[0].Gia",
    }


def test_messages_name_the_field_in_vietnamese() -> None:
    assert fields_of(body(ChuHoSo="")) == {"ChuHoSo": "Tên chủ hồ sơ không được để trống."}
    assert fields_of(body(TaiLieuNop=["x"])) == {
        "TaiLieuNop[0]": "Phần tử thứ 1 của Tài liệu nộp phải là một đối tượng JSON."
    }


def test_a_body_that_is_not_an_object_is_one_clear_error() -> None:
    for raw in ([], "x", None, 42):
        error = failure(raw)
        assert (error.code, error.status) == ("INVALID_DATA", 422)
        assert [(e.field, e.message) for e in error.errors] == [
            ("body", "Nội dung yêu cầu phải là một đối tượng JSON.")
        ]


# -- applicant identifiers by applicant kind --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        ("2", "0100112437", True),
        ("2", "0100112437-001", True),
        ("2", "001090012345", True),
        ("2", "0100112438", False),
        ("2", "ABC", False),
        ("3", "000.00.00.G12", True),
        ("3", "1012345", True),
        ("3", "0100112437", True),
        ("3", "0100112438", False),
        ("3", "QĐ-12", False),
        ("4", "123/QD-UBND", True),
        ("4", "0100112437", True),
        ("4", "0100112436", False),
        ("4", "x", False),
    ],
)
def test_organisation_identifiers(kind: str, number: str, ok: bool) -> None:
    raw = body(MaTTHC="2.000001", LoaiDoiTuong=kind, SoGiayToChuHoSo=number, DuLieuBieuMau={})
    if ok:
        assert parse(raw).applicant_id == number
    else:
        assert list(fields_of(raw)) == ["SoGiayToChuHoSo"]


def test_the_procedure_decides_which_applicants_it_serves() -> None:
    errors = fields_of(body(LoaiDoiTuong="2", SoGiayToChuHoSo="0100112437"))
    assert errors == {"LoaiDoiTuong": "Thủ tục 1.001193 không áp dụng cho loại đối tượng 2 (doanh nghiệp)."}


# -- files -----------------------------------------------------------------------------------------


def file(**fields: Any) -> dict[str, Any]:
    return {"TepDinhKemId": "TEP-1", "TenTepDinhKem": "don.pdf", "MaThanhPhanHoSo": "TK", **fields}


def test_a_base64_file_is_decoded() -> None:
    dossier = parse(
        body(
            TaiLieuNop=[
                file(NoiDungBase64=b64(b"%PDF-1.7 ...")),
                file(TepDinhKemId="TEP-2", DuongDanTaiTepTin="https://dichvucong.gov.vn/f/2"),
            ]
        )
    )
    first, second = dossier.attachments
    assert (first.content, first.size, first.url) == (b"%PDF-1.7 ...", 12, None)
    assert (second.content, second.url) == (None, "https://dichvucong.gov.vn/f/2")


def test_base64_wrapped_at_76_columns_is_accepted() -> None:
    content = bytes(range(256)) * 4
    wrapped = base64.encodebytes(content).decode()
    assert "\n" in wrapped
    assert parse(body(TaiLieuNop=[file(NoiDungBase64=wrapped)])).attachments[0].content == content


@pytest.mark.parametrize("value", ["!!!!", "AAA", "QUJD=", "data:application/pdf;base64,QUJD", "", 12])
def test_invalid_base64(value: Any) -> None:
    raw = body(TaiLieuNop=[file(NoiDungBase64=value, DuongDanTaiTepTin="https://x.vn/a")])
    errors = fields_of(raw)
    assert "TaiLieuNop[0].NoiDungBase64" in errors or "TaiLieuNop[0]" in errors


@pytest.mark.parametrize(
    "url",
    [
        "http://dichvucong.gov.vn/a",
        "ftp://dichvucong.gov.vn/a",
        "https://",
        "https://user:pw@dichvucong.gov.vn/a",
        "https://localhost/a",
        "https://127.0.0.1/a",
        "https://10.1.2.3/a",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/a",
        "file:///etc/passwd",
        "dichvucong.gov.vn/a",
        "https://[::1",
    ],
)
def test_file_urls_are_public_https_only(url: str) -> None:
    assert list(fields_of(body(TaiLieuNop=[file(DuongDanTaiTepTin=url)]))) == ["TaiLieuNop[0].DuongDanTaiTepTin"]


def test_exactly_one_source_per_file() -> None:
    both = file(DuongDanTaiTepTin="https://x.vn/a", NoiDungBase64=b64(b"x"))
    neither = file(DuongDanTaiTepTin="", NoiDungBase64=None)
    errors = fields_of(body(TaiLieuNop=[both, {**neither, "TepDinhKemId": "TEP-2"}]))
    assert set(errors) == {"TaiLieuNop[0]", "TaiLieuNop[1]"}
    assert "đúng một trong hai trường" in errors["TaiLieuNop[1]"]


def test_file_ids_are_unique_and_names_have_no_path() -> None:
    errors = fields_of(
        body(
            TaiLieuNop=[
                file(DuongDanTaiTepTin="https://x.vn/a"),
                file(TenTepDinhKem="../etc/passwd", DuongDanTaiTepTin="https://x.vn/b"),
            ]
        )
    )
    assert errors == {
        "TaiLieuNop[1].TenTepDinhKem": "Tên tệp đính kèm không được chứa ký tự “/” hoặc “\\”.",
        "TaiLieuNop[1].TepDinhKemId": "Mã tệp đính kèm TEP-1 trùng với tài liệu nộp thứ 1.",
    }


def test_at_most_twenty_files() -> None:
    files = [file(TepDinhKemId=f"T{i}", DuongDanTaiTepTin=f"https://x.vn/{i}") for i in range(MAX_FILES + 1)]
    assert fields_of(body(TaiLieuNop=files)) == {"TaiLieuNop": "Tài liệu nộp không được quá 20 phần tử."}
    assert len(parse(body(TaiLieuNop=files[:MAX_FILES])).attachments) == MAX_FILES


def test_a_file_over_the_size_limit_is_413_with_every_error() -> None:
    big = b64(b"\0" * (MAX_FILE_BYTES + 1))
    error = failure(body(ChuHoSo="", TaiLieuNop=[file(NoiDungBase64=big)]))
    assert (error.code, error.status) == ("PAYLOAD_TOO_LARGE", 413)
    assert {e.field for e in error.errors} == {"ChuHoSo", "TaiLieuNop[0].NoiDungBase64"}
    assert "10 MiB" in error.errors[-1].message


def test_a_file_of_exactly_the_limit_is_accepted() -> None:
    exact = b64(b"\1" * MAX_FILE_BYTES)
    assert parse(body(TaiLieuNop=[file(NoiDungBase64=exact)])).attachments[0].size == MAX_FILE_BYTES


# -- fees --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given_amount", "amount"), [(16000, 16000), ("16000", 16000), (" 0 ", 0), (16000.0, 16000)])
def test_fee_amounts_as_numbers_or_numeric_strings(given_amount: Any, amount: int) -> None:
    fee = {"MaPhiLePhi": "P", "TenPhiLePhi": "Phí", "Gia": given_amount}
    assert parse(body(DanhSachLePhi=[fee])).fees[0].amount == amount


@pytest.mark.parametrize("given_amount", [-1, "-1", 1.5, "16.000", "16,000", True, None, 10**14])
def test_bad_fee_amounts(given_amount: Any) -> None:
    fee = {"MaPhiLePhi": "P", "TenPhiLePhi": "Phí", "Gia": given_amount}
    assert fields_of(body(DanhSachLePhi=[fee])) == {
        "DanhSachLePhi[0].Gia": "Số tiền phải là số tiền nguyên không âm, tính bằng đồng."
    }


def test_fee_lines_need_code_and_name() -> None:
    assert set(fields_of(body(DanhSachLePhi=[{"Gia": 1}]))) == {
        "DanhSachLePhi[0].MaPhiLePhi",
        "DanhSachLePhi[0].TenPhiLePhi",
    }


# -- procedure and unit lookups ------------------------------------------------------------------------


def test_unknown_procedure() -> None:
    error = failure(body(MaTTHC="1.999999"))
    assert (error.code, error.status) == ("UNKNOWN_PROCEDURE", 422)
    assert [e.field for e in error.errors] == ["MaTTHC"]


def test_unknown_unit() -> None:
    error = failure(body(MaDonViTiepNhan="000.00.99.H99"))
    assert (error.code, error.status) == ("UNKNOWN_UNIT", 422)
    assert [e.field for e in error.errors] == ["MaDonViTiepNhan"]


def test_unknown_procedure_and_unit_together() -> None:
    error = failure(body(MaTTHC="1.999999", MaDonViTiepNhan="000.00.99.H99"))
    assert error.code == "UNKNOWN_PROCEDURE"
    assert {e.field for e in error.errors} == {"MaTTHC", "MaDonViTiepNhan"}


def test_an_unknown_procedure_among_other_errors_is_invalid_data() -> None:
    error = failure(body(MaTTHC="1.999999", ChuHoSo=""))
    assert error.code == "INVALID_DATA"
    assert {e.field for e in error.errors} == {"MaTTHC", "ChuHoSo"}


def test_lookups_are_not_called_with_malformed_codes() -> None:
    seen: list[str] = []

    def spying_unit_lookup(code: str) -> bool:
        seen.append(code)
        return True

    with pytest.raises(HosoError):
        parse_dvcqg_dossier(
            body(MaDonViTiepNhan="G12"), procedure_lookup=procedure_lookup, unit_lookup=spying_unit_lookup, now=NOW
        )
    assert seen == []


def test_a_procedure_without_an_eform_takes_any_bounded_object() -> None:
    raw = body(MaTTHC="2.000001", DuLieuBieuMau={"ghi_chu": "Nguye\u0302\u0303n", "dong": [{"x": 1}]})
    dossier = parse(raw)
    assert dossier.form_data == {"ghi_chu": "Nguyễn", "dong": [{"x": 1}]}
    assert dossier.eform_code is None
    errors = fields_of(body(MaTTHC="2.000001", DuLieuBieuMau={"dong": [{"x": "a\u0000"}]}))
    assert errors == {"DuLieuBieuMau.dong[0].x": "Giá trị chứa ký tự điều khiển không hợp lệ."}
    huge = {"ghi_chu": "x" * MAX_FREEFORM_FORM_BYTES}
    assert list(fields_of(body(MaTTHC="2.000001", DuLieuBieuMau=huge))) == ["DuLieuBieuMau"]


def deep(levels: int) -> Any:
    value: Any = "đáy"
    for _ in range(levels):
        value = [value]
    return value


def test_bodies_nested_too_deeply_are_refused_without_recursion() -> None:
    nested = body(MaTTHC="2.000001", DuLieuBieuMau={"x": deep(MAX_JSON_DEPTH - 2)})
    assert parse(nested).form_data["x"] == deep(MAX_JSON_DEPTH - 2)
    for levels in (MAX_JSON_DEPTH, 100_000):
        raw = body(MaTTHC="2.000001", DuLieuBieuMau={"x": deep(levels)})
        assert fields_of(raw) == {"body": f"Nội dung yêu cầu lồng nhau quá {MAX_JSON_DEPTH} cấp."}
        with pytest.raises(HosoError) as caught:
            canonical_body_hash(raw)
        assert caught.value.status == 422


def test_non_finite_numbers() -> None:
    fee = {"MaPhiLePhi": "P", "TenPhiLePhi": "Phí", "Gia": float("nan")}
    raw = body(DanhSachLePhi=[fee])
    assert list(fields_of(raw)) == ["DanhSachLePhi[0].Gia"]
    assert canonical_body_hash(raw) == canonical_body_hash(json.dumps(raw))


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        parse(DVCQG_EXAMPLE, now=dt.datetime(2025, 9, 15, 10, 0))


# -- robustness: never anything but a HosoError, never English -------------------------------------

_ENGLISH = re.compile(r"Input should|Field required|Value error|valid|should have|Extra inputs", re.IGNORECASE)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(sorted(DvcqgDossierIn.model_fields)), JSON_VALUES, max_size=4))
def test_arbitrary_values_give_vietnamese_field_errors_never_a_crash(changes: dict[str, Any]) -> None:
    try:
        parse(body(**changes))
    except HosoError as error:
        assert error.status in {413, 422} and error.errors
        for e in error.errors:
            assert e.field and not _ENGLISH.search(e.message), e


# -- idempotency fingerprint ---------------------------------------------------------------------------


def test_canonical_body_hash() -> None:
    a = {"MaHoSoDVCQG": "G1", "ChuHoSo": "Nguyễn Văn An", "TaiLieuNop": [{"b": 1, "a": 2}]}
    reordered = {"TaiLieuNop": [{"a": 2, "b": 1}], "ChuHoSo": "Nguye\u0302\u0303n Văn An", "MaHoSoDVCQG": "G1"}
    assert canonical_body_hash(a) == canonical_body_hash(reordered)
    raw = json.dumps(reordered, indent=2).encode()
    assert canonical_body_hash(raw) == canonical_body_hash(a) == canonical_body_hash(raw.decode())
    assert canonical_body_hash({**a, "ChuHoSo": "Nguyễn Văn Ân"}) != canonical_body_hash(a)
    assert canonical_body_hash({**a, "TaiLieuNop": [{"a": 2}, {"b": 1}]}) != canonical_body_hash(a)
    assert re.fullmatch(r"[0-9a-f]{64}", canonical_body_hash(a))
    with pytest.raises(ValueError):
        canonical_body_hash(b"{not json")


# -- desk intake ----------------------------------------------------------------------------------------


def desk(**changes: Any) -> dict[str, Any]:
    raw = {k: v for k, v in DVCQG_EXAMPLE.items() if k in DeskDossierIn.model_fields and k != "KenhThucHien"}
    raw.update(changes)
    return raw


def parse_desk(raw: Any):  # noqa: ANN201
    return parse_desk_dossier(raw, procedure_lookup=procedure_lookup, unit_lookup=unit_lookup, now=NOW)


def test_desk_intake_uses_the_same_rules() -> None:
    dossier = parse_desk(desk())
    assert (dossier.channel, dossier.dvcqg_channel, dossier.dvcqg_ref) == ("desk", "1", None)
    assert dossier.submitted_at == NOW
    assert dossier.form_data["nguoi_duoc_khai_sinh"]["ho_ten"] == "NGUYỄN MINH KHÔI"
    assert parse_desk(desk(KenhThucHien="post")).dvcqg_channel == "3"
    assert parse_desk(desk(KenhThucHien="authorised")).channel == "authorised"
    with pytest.raises(HosoError) as caught:
        parse_desk(desk(KenhThucHien="online", SoGiayToChuHoSo="003090012345", TaiLieuNop=[]))
    assert {e.field: e.message for e in caught.value.errors} == {
        "KenhThucHien": "Kênh thực hiện phải là một trong các giá trị: desk, post, authorised, mobile.",
        "SoGiayToChuHoSo": "Số giấy tờ chủ hồ sơ có mã nơi đăng ký khai sinh 003 không tồn tại "
        "(công dân dùng số định danh cá nhân).",
        "TaiLieuNop": "Trường “TaiLieuNop” không có trong mẫu dữ liệu.",
    }


def test_the_desk_example_of_the_openapi_document_is_accepted() -> None:
    assert DeskDossierIn.model_json_schema()["examples"] == [DESK_EXAMPLE]
    dossier = parse_desk(DESK_EXAMPLE)
    assert (dossier.channel, dossier.result_delivery, dossier.dvcqg_tech_id) == ("desk", "0", None)


def test_desk_intake_checks_procedure_unit_and_form() -> None:
    with pytest.raises(HosoError) as caught:
        parse_desk(desk(MaTTHC="1.999999"))
    assert caught.value.code == "UNKNOWN_PROCEDURE"
    form = copy.deepcopy(SAMPLE_FILLED[KHAI_SINH.code])
    form["cam_doan"]["cam_doan"] = False
    with pytest.raises(HosoError) as caught:
        parse_desk(desk(DuLieuBieuMau=form))
    assert [e.field for e in caught.value.errors] == ["DuLieuBieuMau.cam_doan.cam_doan"]
    with pytest.raises(HosoError) as caught:
        parse_desk("not an object")
    assert caught.value.errors[0].field == "body"
