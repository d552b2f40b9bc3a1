"""A report as a file (FR-23.2, FR-24.4): spreadsheet (.xlsx, openpyxl), text (.docx,
python-docx) or PDF (reportlab with DejaVu Sans, as the printed forms). The three carry the same
table: one row per group (or only the total), the FR-25 figures as columns, then the total; the
heading names the scope, the period, the grouping, the filters and when it was made."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.statuses import STATUS_LABELS, DossierStatus
from chalicelib.lazy import lazy_import
from chalicelib.reports.report import CHANNEL_LABELS, LEVEL_LABELS, Figures, Report

pdf = lazy_import("chalicelib.documents.pdf")  # reportlab

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
COLUMNS: tuple[tuple[str, str], ...] = (
    ("total", "Tổng số hồ sơ"), ("received", "Đã tiếp nhận"), ("in_progress", "Đang giải quyết"),
    ("resolved", "Đã giải quyết"), ("early", "Trước hạn"), ("on_time", "Đúng hạn"), ("late", "Quá hạn"),
    ("on_time_rate", "Tỷ lệ đúng hạn (%)"), ("refused_intake", "Không tiếp nhận"), ("withdrawn", "Rút hồ sơ"),
    ("stopped", "Dừng xử lý"), ("delivered", "Đã trả kết quả"), ("supplemented", "Phải bổ sung"),
    ("extended", "Gia hạn"), ("services_used", "Dịch vụ công được dùng"),
)
TOTAL_LABEL = "Tổng cộng"
# A text cell starting with one of these is a formula (or becomes one when the sheet is saved
# as CSV or the cell is retyped): OWASP's CSV-injection list.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _value(f: Figures, name: str) -> int | float | str:
    if name == "on_time_rate":
        return f.on_time_rate if f.on_time_rate is not None else "—"
    return int(getattr(f, name))


def _text(f: Figures, name: str) -> str:
    return rate(f.on_time_rate) if name == "on_time_rate" else str(getattr(f, name))


def filters_line(report: Report) -> str:
    q = report.query
    parts = []
    if q.unit:
        parts.append(f"đơn vị {q.unit}")
    if q.field_code:
        parts.append(f"lĩnh vực {q.field_code}")
    if q.procedure:
        parts.append(f"thủ tục {q.procedure}")
    if q.officer:
        parts.append("chưa phân công" if q.officer == "-" else f"cán bộ {q.officer}")
    if q.status is not None:
        parts.append(f"trạng thái “{STATUS_LABELS[DossierStatus(q.status)]}”")
    if q.channel:
        parts.append(f"kênh {CHANNEL_LABELS[q.channel].lower()}")
    if q.level:
        parts.append(LEVEL_LABELS[q.level].lower())
    return "Lọc: " + ("; ".join(parts) if parts else "tất cả hồ sơ")


def heading(report: Report) -> list[str]:
    made = report.generated_at.astimezone(VN_TZ)
    return [
        f"{'Đơn vị' if report.scope == 'unit' else 'Phạm vi'}: {report.scope_name} ({report.scope_code})",
        f"Kỳ báo cáo: {report.months[0][5:]}/{report.months[0][:4]} – {report.months[-1][5:]}/{report.months[-1][:4]}"
        " (hồ sơ nộp trong kỳ và tình trạng giải quyết đến thời điểm lập báo cáo)",
        f"Nhóm theo: {report.group_label}. {filters_line(report)}",
        f"Lập lúc {made:%H:%M} ngày {made:%d/%m/%Y}",
    ]


def table(report: Report) -> tuple[list[str], list[tuple[str, Figures]]]:
    header = [report.group_label if report.query.group != "none" else "Chỉ tiêu", *(c[1] for c in COLUMNS)]
    body = [(r.label, r.figures) for r in report.rows] + [(TOTAL_LABEL, report.total)]
    return header, body


def neutralised(text: str) -> str:
    """Names come from administrators and officers: one starting with a formula trigger is
    prefixed with an apostrophe (OWASP), so it stays visible text wherever the sheet goes."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _append(sheet: Worksheet, values: list[object]) -> None:
    """One row; every text is a string cell (data type ``s``), never a formula."""
    sheet.append([neutralised(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Báo cáo"
    _append(sheet, [report.title])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in heading(report):
        _append(sheet, [line])
    sheet.append([])
    header, body = table(report)
    _append(sheet, list(header))
    head_row = sheet.max_row
    for cell in sheet[head_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for label, figures in body:
        _append(sheet, [label, *(_value(figures, name) for name, _ in COLUMNS)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 42
    for i in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 13
    sheet.freeze_panes = sheet.cell(row=head_row + 1, column=2)
    out = BytesIO()
    book.properties.title = report.title
    book.properties.creator = "hoso"
    book.save(out)
    return out.getvalue()


def docx(report: Report) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    document.core_properties.title = report.title
    document.core_properties.author = "hoso"
    document.add_heading(report.title, level=1)
    for line in heading(report):
        document.add_paragraph(line)
    header, body = table(report)
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(8)
    for label, figures in body:
        cells = grid.add_row().cells
        for cell, text in zip(cells, [label, *(_text(figures, name) for name, _ in COLUMNS)], strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(8)
                run.bold = label == TOTAL_LABEL
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_file(report: Report) -> bytes:
    header, body = table(report)
    rows = [[label, *(_text(figures, name) for name, _ in COLUMNS)] for label, figures in body]
    first = 0.16
    widths = [first] + [(1 - first) / len(COLUMNS)] * len(COLUMNS)
    flowables = [
        *pdf.title(report.title),
        *(pdf.para(pdf.text(line), "left") for line in heading(report)),
        pdf.grid(header, rows, widths, page_width=pdf.LANDSCAPE_WIDTH, small=True),
    ]
    return pdf.build(flowables, title_text=report.title, subject="Báo cáo thống kê", author=report.scope_name,
                     across=True)


def render(report: Report, fmt: str) -> bytes:
    return {"xlsx": xlsx, "docx": docx, "pdf": pdf_file}[fmt](report)


def file_name(report: Report, fmt: str) -> str:
    first, last = report.months[0], report.months[-1]
    span = first if first == last else f"{first}_{last}"
    return f"Báo cáo {report.scope_code} {span}.{fmt}"
