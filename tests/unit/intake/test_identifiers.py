"""Identifier rules of SPEC §8: personal numbers, tax codes, unit codes, phones, e-mail,
text hygiene and the DVCQG / eForm date formats."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.identifiers import (
    PROVINCE_BIRTH_CODES,
    VN_TZ,
    check_personal_number,
    check_tax_code,
    clean_text,
    control_characters,
    format_dvcqg_datetime,
    format_vn_date,
    is_unit_code,
    nfc,
    normalise_email,
    normalise_mobile,
    normalise_phone,
    parse_dvcqg_datetime,
    parse_vn_date,
    parse_vn_datetime,
    tax_check_digit,
    text_problem,
)

TODAY = dt.date(2025, 9, 15)
KNOWN = sorted(PROVINCE_BIRTH_CODES)


def with_check_digit(prefix: str) -> str | None:
    digit = tax_check_digit(prefix)
    return None if digit is None else prefix + str(digit)


# -- personal number --------------------------------------------------------------------------


def test_the_63_old_province_codes_from_001_ha_noi_to_096_ca_mau() -> None:
    assert len(PROVINCE_BIRTH_CODES) == 63
    assert PROVINCE_BIRTH_CODES["001"] == "Hà Nội"
    assert PROVINCE_BIRTH_CODES["079"] == "Thành phố Hồ Chí Minh"
    assert PROVINCE_BIRTH_CODES["096"] == "Cà Mau"
    assert "003" not in PROVINCE_BIRTH_CODES and "097" not in PROVINCE_BIRTH_CODES


def test_a_personal_number_decodes_province_gender_and_birth_year() -> None:
    check = check_personal_number("001090012345", today=TODAY)
    assert check.acceptable and check.well_formed
    assert (check.province_name, check.gender, check.birth_year) == ("Hà Nội", "Nam", 1990)
    woman = check_personal_number("038192004567", today=TODAY)
    assert (woman.province_name, woman.gender, woman.birth_year) == ("Thanh Hóa", "Nữ", 1992)
    child = check_personal_number("040219003456", today=TODAY)
    assert (child.gender, child.birth_year) == ("Nam", 2019)


@pytest.mark.parametrize(
    ("g", "century", "gender"),
    [
        (0, 1900, "Nam"),
        (1, 1900, "Nữ"),
        (2, 2000, "Nam"),
        (3, 2000, "Nữ"),
        (4, 2100, "Nam"),
        (5, 2100, "Nữ"),
        (6, 2200, "Nam"),
        (7, 2200, "Nữ"),
        (8, 2300, "Nam"),
        (9, 2300, "Nữ"),
    ],
)
def test_the_century_and_gender_digit(g: int, century: int, gender: str) -> None:
    check = check_personal_number(f"079{g}05123456", today=dt.date(2400, 1, 1))
    assert (check.birth_year, check.gender) == (century + 5, gender)
    assert check.acceptable


@pytest.mark.parametrize(
    "value", ["", "00109001234", "0010900123456", "00109001234a", " 001090012345", "001-090-012345", "٠٠١٠٩٠٠١٢٣٤٥"]
)
def test_anything_but_12_ascii_digits_is_an_error(value: str) -> None:
    check = check_personal_number(value, today=TODAY)
    assert not check.well_formed and not check.acceptable
    assert check.errors == ("phải gồm đúng 12 chữ số",)


def test_an_unknown_province_code_is_flagged_not_malformed() -> None:
    check = check_personal_number("003090012345", today=TODAY)
    assert check.well_formed and not check.acceptable
    assert check.flags == ("có mã nơi đăng ký khai sinh 003 không tồn tại",)


def test_a_birth_year_in_the_future_is_flagged() -> None:
    check = check_personal_number("001226012345", today=TODAY)  # 2026
    assert check.well_formed and not check.acceptable
    assert check.flags == ("có năm sinh 2026 ở tương lai",)
    assert check_personal_number("001225012345", today=TODAY).acceptable  # born this year


@settings(max_examples=200, deadline=None)
@given(
    province=st.sampled_from(KNOWN),
    year=st.integers(min_value=1900, max_value=TODAY.year),
    female=st.booleans(),
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_known_provinces_and_past_years_always_pass(province: str, year: int, female: bool, serial: int) -> None:
    g = (year - 1900) // 100 * 2 + int(female)
    number = f"{province}{g}{year % 100:02d}{serial:06d}"
    check = check_personal_number(number, today=TODAY)
    assert check.acceptable, check.problems
    assert (check.birth_year, check.gender) == (year, "Nữ" if female else "Nam")


@settings(max_examples=100, deadline=None)
@given(code=st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}"))
def test_exactly_the_codes_of_the_table_are_known(code: str) -> None:
    check = check_personal_number(f"{code}090012345", today=TODAY)
    assert check.acceptable == (code in PROVINCE_BIRTH_CODES)


# -- tax / enterprise code ----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["0100112437", "0100109106"])
def test_real_enterprise_codes_pass(code: str) -> None:
    check = check_tax_code(code)
    assert check.valid and check.kind == "enterprise"


def test_the_check_digit_formula() -> None:
    # 0,1,0,0,1,1,2,4,3 · 31,29,23,19,17,13,7,5,3 = 102; 102 mod 11 = 3; 10 − 3 = 7
    assert tax_check_digit("010011243") == 7


def test_a_prefix_whose_formula_gives_10_has_no_valid_code() -> None:
    prefix = "600123457"  # Σ mod 11 == 0
    assert tax_check_digit(prefix) is None
    for last in "0123456789":
        assert not check_tax_code(prefix + last).valid


@settings(max_examples=300, deadline=None)
@given(prefix=st.integers(min_value=0, max_value=999_999_999).map(lambda n: f"{n:09d}"))
def test_computed_check_digits_always_pass(prefix: str) -> None:
    code = with_check_digit(prefix)
    if code is None:
        assert all(not check_tax_code(prefix + d).valid for d in "0123456789")
    else:
        assert check_tax_code(code).valid
        assert check_tax_code(code + "-001").kind == "branch"


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.integers(min_value=0, max_value=999_999_999).map(lambda n: f"{n:09d}"),
    position=st.integers(min_value=0, max_value=9),
    shift=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_fails(prefix: str, position: int, shift: int) -> None:
    code = with_check_digit(prefix)
    if code is None:
        return
    digits = list(code)
    digits[position] = str((int(digits[position]) + shift) % 10)
    assert not check_tax_code("".join(digits)).valid


def test_branch_codes() -> None:
    assert check_tax_code("0100112437-001").valid
    assert check_tax_code("0100112437-999").kind == "branch"
    assert check_tax_code("0100112437-000").errors == ("có số thứ tự đơn vị phụ thuộc phải từ 001 đến 999",)
    assert check_tax_code("0100112438-001").errors == ("không đúng (sai chữ số kiểm tra)",)


def test_individuals_use_their_personal_number() -> None:
    assert check_tax_code("001090012345", today=TODAY).kind == "personal"
    assert check_tax_code("001090012345", today=TODAY).valid
    assert not check_tax_code("003090012345", today=TODAY).valid


@pytest.mark.parametrize(
    "value", ["", "010011243", "01001124370", "0100112437001", "0100112437-01", "01001l2437", "0100112437 "]
)
def test_malformed_tax_codes(value: str) -> None:
    check = check_tax_code(value)
    assert not check.valid and check.kind is None


# -- unit codes, phones, e-mail ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("000.00.00.G12", True),
        ("000.00.13.H29", True),
        ("000.00.00.g12", False),
        ("000.00.00.G1", False),
        ("00.00.00.G12", False),
        ("000-00-00-G12", False),
    ],
)
def test_unit_codes(code: str, ok: bool) -> None:
    assert is_unit_code(code) is ok


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("0351234567", "0351234567"),
        ("0561234567", "0561234567"),
        ("0761234567", "0761234567"),
        ("0861234567", "0861234567"),
    ],
)
def test_mobile_numbers_are_normalised_to_0(raw: str, expected: str) -> None:
    assert normalise_mobile(raw) == expected


@pytest.mark.parametrize(
    "raw", ["0212345678", "0112345678", "091234567", "09123456789", "84912345678", "+8491234567", "0912345678x", ""]
)
def test_not_mobile_numbers(raw: str) -> None:
    assert normalise_mobile(raw) is None


def test_fixed_lines_are_phones_but_not_mobiles() -> None:
    assert normalise_phone("(024) 3825 1234") == "02438251234"
    assert normalise_mobile("02438251234") is None
    assert normalise_phone("+84 91 234 5678") == "0912345678"
    assert normalise_phone("0438251234") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("an.nguyen@Example.VN", "an.nguyen@example.vn"), ("a+b@mail.gov.vn", "a+b@mail.gov.vn"), ("x@a.io", "x@a.io")],
)
def test_email_addresses(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "an",
        "an@",
        "@x.vn",
        "an@@x.vn",
        "an@x",
        "a..b@x.vn",
        ".a@x.vn",
        "a@-x.vn",
        "a@x.v",
        "a b@x.vn",
        "nguyễn@x.vn",
        "a@x.123",
        "a" * 65 + "@x.vn",
    ],
)
def test_not_email_addresses(raw: str) -> None:
    assert normalise_email(raw) is None


# -- text -------------------------------------------------------------------------------------------


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = "Nguye\u0302\u0303n"
    assert decomposed != "Nguyễn"
    assert nfc(decomposed) == "Nguyễn"
    assert clean_text(f"  {decomposed} \n") == "Nguyễn"


def test_control_characters() -> None:
    assert control_characters("a\u0000b\u0007c\u009fd") == ["U+0000", "U+0007", "U+009F"]
    assert control_characters("dòng 1\ndòng 2\tcột") == ["U+000A", "U+0009"]
    assert control_characters("dòng 1\ndòng 2\tcột", multiline=True) == []
    assert control_characters("abc\u202edef") == ["U+202E"]
    assert control_characters("Nguyễn Văn Ân – “ổn”") == []


def test_text_problems_and_multiline_cleaning() -> None:
    assert clean_text("a\r\nb", multiline=True) == "a\nb"
    assert text_problem("a\nb", max_length=10) == "chứa ký tự điều khiển không hợp lệ"
    assert text_problem("a\nb", max_length=10, multiline=True) is None
    assert text_problem("x" * 11, max_length=10) == "không được dài quá 10 ký tự"
    assert text_problem("ễ" * 10, max_length=10) is None


# -- dates ---------------------------------------------------------------------------------------------


def test_dvcqg_datetimes_are_vietnam_time() -> None:
    moment = parse_dvcqg_datetime("20250915093000")
    assert moment == dt.datetime(2025, 9, 15, 2, 30, tzinfo=dt.UTC)
    assert moment.tzinfo == VN_TZ
    assert format_dvcqg_datetime(dt.datetime(2025, 9, 15, 2, 30, tzinfo=dt.UTC)) == "20250915093000"
    assert format_dvcqg_datetime(moment) == "20250915093000"


@pytest.mark.parametrize(
    "raw",
    [
        "2025091509300",
        "202509150930001",
        "20251315093000",
        "20250230093000",
        "20250915253000",
        "2025-09-15 09:30",
        " 20250915093000",
        "",
    ],
)
def test_bad_dvcqg_datetimes(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_dvcqg_datetime(raw)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        format_dvcqg_datetime(dt.datetime(2025, 9, 15, 9, 30))


def test_eform_dates() -> None:
    assert parse_vn_date("29/02/2024") == dt.date(2024, 2, 29)
    assert format_vn_date(dt.date(2025, 1, 5)) == "05/01/2025"
    assert parse_vn_datetime("02/09/2025 14:30") == dt.datetime(2025, 9, 2, 14, 30, tzinfo=VN_TZ)
    for bad in ("29/02/2025", "1/2/2025", "2025-02-01", "32/01/2025", "01/13/2025"):
        with pytest.raises(ValueError):
            parse_vn_date(bad)
    for bad in ("02/09/2025 24:00", "02/09/2025", "02/09/2025 2:30 PM"):
        with pytest.raises(ValueError):
            parse_vn_datetime(bad)
