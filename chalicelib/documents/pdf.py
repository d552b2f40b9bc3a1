"""PDF rendering with real, extractable Vietnamese text (reportlab + DejaVu Sans shipped in
``chalicelib/assets``; reportlab embeds a subset of the font with its Unicode map, so the
text reads back exactly as written).

The layout follows the administrative-document conventions of Decree 30/2020/NĐ-CP (A4,
margins 20 mm top/bottom, 30 mm left, 15 mm right; the agency block top left, the national
motto top right, number and place-date under them; title centred in bold capitals), which
the forms of Circular 01/2018/TT-VPCP use too. Decree 30 asks for Times New Roman; DejaVu
Sans is used because its licence lets it ship inside the package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from chalicelib.domain.calendar import VN_TZ

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PAGE_WIDTH = A4[0] - 45 * mm  # 30 mm left + 15 mm right margins
LANDSCAPE_WIDTH = A4[1] - 45 * mm  # registers (sổ) are printed across the page


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(ASSETS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(ASSETS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@cache
def styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, alignment=TA_JUSTIFY, spaceAfter=3)
    return {
        "body": base,
        "left": ParagraphStyle("left", parent=base, alignment=TA_LEFT),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "center_bold": ParagraphStyle("center_bold", parent=base, alignment=TA_CENTER, fontName=FONT_BOLD),
        "title": ParagraphStyle("title", parent=base, alignment=TA_CENTER, fontName=FONT_BOLD, fontSize=13,
                                leading=17, spaceBefore=10, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, alignment=TA_CENTER, fontSize=10, spaceAfter=8),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, alignment=TA_LEFT, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontSize=9, leading=11.5, alignment=TA_CENTER,
                                    fontName=FONT_BOLD, spaceAfter=0),
        "cell_small": ParagraphStyle("cell_small", parent=base, fontSize=7.5, leading=9.5, alignment=TA_LEFT,
                                     spaceAfter=0),
        "cell_small_bold": ParagraphStyle("cell_small_bold", parent=base, fontSize=7.5, leading=9.5,
                                          alignment=TA_CENTER, fontName=FONT_BOLD, spaceAfter=0),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, alignment=TA_LEFT),
        "italic_center": ParagraphStyle("italic_center", parent=base, alignment=TA_CENTER, fontSize=9.5),
    }


def text(value: object) -> str:
    """User text made safe for reportlab's paragraph markup (``<``, ``&`` …); newlines kept."""
    return escape(str(value)).replace("\n", "<br/>")


def para(markup: str, style: str = "body") -> Paragraph:
    return Paragraph(markup, styles()[style])


def date_vn(value: dt.datetime | dt.date | None) -> str:
    """DD/MM/YYYY in Vietnam's time zone (SPEC §8); "—" when unknown."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.astimezone(VN_TZ).date()
    return value.strftime("%d/%m/%Y")


def time_vn(value: dt.datetime | None) -> str:
    """"10 giờ 30 phút, ngày 15/08/2026" — the wording of the paper forms, with a DD/MM/YYYY date."""
    if value is None:
        return "—"
    local = value.astimezone(VN_TZ)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, ngày {local:%d/%m/%Y}"


def place_date(place: str, day: dt.datetime | dt.date) -> str:
    """"Hà Nội, ngày 05 tháng 03 năm 2026" (the place-date line of Decree 30/2020)."""
    if isinstance(day, dt.datetime):
        day = day.astimezone(VN_TZ).date()
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


@dataclass(frozen=True)
class Letterhead:
    parent_agency: str  # cơ quan chủ quản, e.g. "BỘ KHOA HỌC VÀ CÔNG NGHỆ" (may be empty)
    agency: str  # the issuing unit or its one-stop desk
    number: str  # "Số: 12/2026/GP-ATBX" — the whole line
    place: str
    day: dt.datetime | dt.date


def letterhead(head: Letterhead, page_width: float = PAGE_WIDTH) -> Table:
    s = styles()
    left = []
    if head.parent_agency:
        left.append(Paragraph(text(head.parent_agency.upper()), s["center"]))
    left += [Paragraph(f"<b>{text(head.agency.upper())}</b>", s["center"]), Paragraph("―――――", s["center"]),
             Paragraph(text(head.number), s["center"])]
    right = [Paragraph(f"<b>{NATION}</b>", s["center"]), Paragraph(f"<b>{MOTTO}</b>", s["center"]),
             Paragraph("―――――――――――", s["center"]), Paragraph(f"<i>{text(place_date(head.place, head.day))}</i>",
                                                                 s["center"])]
    table = Table([[left, right]], colWidths=[page_width * 0.42, page_width * 0.58])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def title(main: str, *subtitles: str) -> list[Flowable]:
    out: list[Flowable] = [para(f"<b>{text(main.upper())}</b>", "title")]
    out += [para(text(s), "subtitle") for s in subtitles]
    return out


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
         page_width: float = PAGE_WIDTH, small: bool = False) -> Table:
    """A bordered table: ``header`` bold, cells plain text (escaped here); ``small`` type for
    registers with many columns."""
    s = styles()
    cell, bold = ("cell_small", "cell_small_bold") if small else ("cell", "cell_bold")
    data = [[Paragraph(text(h), s[bold]) for h in header]]
    data += [[Paragraph(text(c), s[cell]) for c in row] for row in rows]
    table = Table(data, colWidths=[page_width * w for w in widths], repeatRows=1)
    padding = 2 if small else 6
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
    ]))
    return table


def signatures(*blocks: tuple[str, str, str]) -> KeepTogether:
    """Signature blocks side by side: (role in capitals, instruction, name under the signature)."""
    s = styles()
    cells = [[Paragraph(f"<b>{text(role.upper())}</b>", s["center"]), Paragraph(f"<i>{text(hint)}</i>",
                                                                                 s["italic_center"]),
              Spacer(1, 22 * mm), Paragraph(f"<b>{text(name)}</b>", s["center"])] for role, hint, name in blocks]
    table = Table([cells], colWidths=[PAGE_WIDTH / len(blocks)] * len(blocks))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 6 * mm), table])


def qr_code(url: str, size_mm: float = 28) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = size_mm * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def lookup_box(url: str, caption: str) -> Table:
    """The QR code to the public status lookup with its caption (FR-26)."""
    table = Table([[qr_code(url), para(text(caption), "small")]], colWidths=[32 * mm, PAGE_WIDTH - 32 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def build(flowables: Sequence[Flowable], *, title_text: str, subject: str, author: str,
          across: bool = False) -> bytes:
    """The PDF bytes (``across``: A4 landscape); metadata carries the title (any Unicode) for
    viewers and archives."""
    _fonts()
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4) if across else A4, leftMargin=30 * mm, rightMargin=15 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm, title=title_text, subject=subject,
                            author=author, creator="hoso", lang="vi-VN")
    doc.build(list(flowables))
    return out.getvalue()
