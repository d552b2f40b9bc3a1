"""The printable verification report for an inspector (PDF, with the printed forms' layout)."""

from __future__ import annotations

from typing import Any

from chalicelib.integrity.model import IntegrityReport
from chalicelib.lazy import lazy_import

pdf = lazy_import("chalicelib.documents.pdf")  # reportlab: loaded by the first report printed


def render(report: IntegrityReport) -> bytes:
    flowables: list[Any] = pdf.title("Biên bản kiểm tra tính toàn vẹn nhật ký", report.subject,
                                     f"Kiểm tra lúc {pdf.time_vn(report.checked_at)}")
    flowables.append(pdf.para(f"<b>Kết luận:</b> {pdf.text(report.summary)}"))
    flowables.append(pdf.para(f"Chuỗi {pdf.text(report.chain)}: {report.events} sự kiện; mã băm đầu chuỗi "
                              f"(SHA-256) {pdf.text(report.head or '—')}."))
    flowables.append(pdf.para(f"Ngày neo gần nhất (dấu thời gian RFC 3161): "
                              f"{pdf.text(report.last_anchored_day or 'chưa có')}."))
    flowables.append(pdf.para("<b>Những gì đã được kiểm tra</b>"))
    flowables.append(pdf.grid(["STT", "Nội dung kiểm tra"], [[str(i), c] for i, c in enumerate(report.checked, 1)],
                              [0.1, 0.9]))
    flowables.append(pdf.para("<b>Kết quả</b>"))
    rows = [[f.code, str(f.seq), f.message] for f in report.findings] or [["—", "—", "Không phát hiện thay đổi nào."]]
    flowables.append(pdf.grid(["Mã", "Sự kiện", "Nội dung"], rows, [0.25, 0.1, 0.65]))
    flowables.append(pdf.para("Cách tự kiểm tra lại: mã băm của mỗi sự kiện là SHA-256 của dạng JSON chuẩn "
                              "(khóa sắp xếp, không khoảng trắng, UTF-8) gồm mã chuỗi và nội dung sự kiện kèm mã "
                              "băm của sự kiện trước (docs/integrity.md).", "small"))
    return bytes(pdf.build(flowables, title_text=f"Kiểm tra toàn vẹn — {report.subject}", subject=report.summary,
                           author="hoso"))
