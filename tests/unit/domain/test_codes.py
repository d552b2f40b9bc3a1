"""Dossier codes: format, parse, unit codes, counters."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.codes import (
    DossierCode,
    counter_key,
    format_dossier_code,
    parse_dossier_code,
    validate_unit_code,
)
from chalicelib.errors import HosoError

UNIT = "000.00.13.H29"


def test_format_the_spec_example() -> None:
    assert format_dossier_code(UNIT, dt.date(2026, 2, 15), 1) == "000.00.13.H29-260215-0001"
    assert format_dossier_code("000.00.00.G12", dt.date(2026, 12, 31), 9999) == "000.00.00.G12-261231-9999"


def test_configurable_widths() -> None:
    assert format_dossier_code(UNIT, dt.date(2026, 2, 15), 42, sequence_width=5) == "000.00.13.H29-260215-00042"
    code = format_dossier_code(UNIT, dt.date(2026, 2, 15), 7, date_format="%Y%m%d")
    assert code == "000.00.13.H29-20260215-0007"
    assert parse_dossier_code(code, date_format="%Y%m%d") == DossierCode(UNIT, dt.date(2026, 2, 15), 7)


def test_the_receipt_date_is_the_date_in_vietnam() -> None:
    received = dt.datetime(2026, 2, 14, 18, 30, tzinfo=dt.UTC)  # 01:30 on 15/02 in Hà Nội
    assert format_dossier_code(UNIT, received, 1) == "000.00.13.H29-260215-0001"
    assert counter_key(UNIT, received) == "CODE#000.00.13.H29#260215"
    with pytest.raises(ValueError, match="naive"):
        format_dossier_code(UNIT, dt.datetime(2026, 2, 15, 9), 1)
    assert format_dossier_code(UNIT, dt.datetime(2026, 2, 15, 9, tzinfo=VN_TZ), 1).endswith("260215-0001")


def test_sequence_overflow_is_a_clear_error() -> None:
    with pytest.raises(HosoError) as info:
        format_dossier_code(UNIT, dt.date(2026, 2, 15), 10_000)
    assert info.value.code == "DOSSIER_SEQUENCE_EXHAUSTED"
    assert "9999" in info.value.message and "15/02/2026" in info.value.message
    assert format_dossier_code(UNIT, dt.date(2026, 2, 15), 10_000, sequence_width=5).endswith("-10000")


def test_sequence_starts_at_one() -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        format_dossier_code(UNIT, dt.date(2026, 2, 15), 0)


def test_dates_the_format_cannot_carry_are_refused() -> None:
    with pytest.raises(ValueError, match="unambiguously"):
        format_dossier_code(UNIT, dt.date(2070, 1, 1), 1)  # "70" would read back as 1970
    with pytest.raises(ValueError, match="may only use"):
        format_dossier_code(UNIT, dt.date(2026, 1, 1), 1, date_format="%d/%m/%y")


@pytest.mark.parametrize("code", ["000.00.13.H29", "000.00.00.G12", "123.45.67.Z99"])
def test_valid_unit_codes(code: str) -> None:
    assert validate_unit_code(code) == code


@pytest.mark.parametrize(
    "code",
    ["", "000.00.13.h29", "000.00.13.H2", "00.00.13.H29", "000-00-13-H29", "000.00.13.H29 ", "０00.00.13.H29", "X"],
)
def test_invalid_unit_codes(code: str) -> None:
    with pytest.raises(HosoError) as info:
        validate_unit_code(code)
    assert info.value.code == "INVALID_UNIT_CODE" and info.value.status == 422
    with pytest.raises(HosoError):
        format_dossier_code(code, dt.date(2026, 2, 15), 1)
    with pytest.raises(HosoError):
        counter_key(code, dt.date(2026, 2, 15))


def test_parse() -> None:
    assert parse_dossier_code("000.00.13.H29-260215-0001") == DossierCode(UNIT, dt.date(2026, 2, 15), 1)
    assert parse_dossier_code("000.00.13.H29-260215-123456", sequence_width=None).sequence == 123456


@pytest.mark.parametrize(
    "code",
    [
        "000.00.13.H29-260230-0001",  # 30 February
        "000.00.13.H29-260215-0000",  # sequence 0
        "000.00.13.H29-260215-001",  # wrong width
        "000.00.13.H29-2602150-0001",
        "000.00.13.H29-260215",
        "000.00.13.H29-260215-0001-1",
        "000.00.13.h29-260215-0001",
        "000.00.13.H29-26O215-0001",
        "000.00.13.H29-260215-٠٠٠١",  # non-ASCII digits
        "",
    ],
)
def test_parse_rejects(code: str) -> None:
    with pytest.raises(HosoError) as info:
        parse_dossier_code(code)
    assert info.value.code == "INVALID_DOSSIER_CODE"


def test_counter_key() -> None:
    assert counter_key(UNIT, dt.date(2026, 2, 15)) == "CODE#000.00.13.H29#260215"
    assert counter_key(UNIT, dt.date(2026, 2, 15)) != counter_key(UNIT, dt.date(2026, 2, 16))
    assert counter_key(UNIT, dt.date(2026, 2, 15)) != counter_key("000.00.13.H30", dt.date(2026, 2, 15))


unit_codes = st.builds(
    lambda v, z, y, m, x: f"{v:03d}.{z:02d}.{y:02d}.{m}{x:02d}",
    st.integers(0, 999), st.integers(0, 99), st.integers(0, 99), st.sampled_from("GHXZ"), st.integers(0, 99),
)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2068, 12, 31))
widths = st.integers(1, 6)


@settings(max_examples=100, deadline=None)
@given(unit_codes, days, st.data(), widths)
def test_format_parse_round_trip(unit: str, day: dt.date, data: st.DataObject, width: int) -> None:
    sequence = data.draw(st.integers(1, 10**width - 1))
    code = format_dossier_code(unit, day, sequence, sequence_width=width)
    assert parse_dossier_code(code, sequence_width=width) == DossierCode(unit, day, sequence)


@settings(max_examples=100, deadline=None)
@given(st.tuples(unit_codes, days, st.integers(1, 9999)), st.tuples(unit_codes, days, st.integers(1, 9999)))
def test_distinct_inputs_never_share_a_code(a: tuple[str, dt.date, int], b: tuple[str, dt.date, int]) -> None:
    if a != b:
        assert format_dossier_code(*a) != format_dossier_code(*b)
    else:
        assert format_dossier_code(*a) == format_dossier_code(*b)
