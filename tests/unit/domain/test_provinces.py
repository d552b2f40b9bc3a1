"""Province names: 34 provinces since 1 July 2025, one table in Python and the same in the web app."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.domain.provinces import PROVINCES, province_name

WEB_TABLE = Path(__file__).resolve().parents[3] / "webapp" / "src" / "provinces.ts"


def test_thirty_four_provinces_with_two_digit_codes() -> None:
    assert len(PROVINCES) == 34 and all(re.fullmatch(r"\d{2}", code) for code in PROVINCES)
    assert province_name("79") == "Thành phố Hồ Chí Minh" and province_name("01") == "Thành phố Hà Nội"
    assert province_name("99") == "Tỉnh, thành phố mã 99"


def test_the_web_apps_table_is_the_same() -> None:
    web = dict(re.findall(r'^\s*"(\d{2})": "([^"]+)",$', WEB_TABLE.read_text(encoding="utf-8"), re.MULTILINE))
    assert web == PROVINCES
