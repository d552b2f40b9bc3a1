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


def render_day(report: Any) -> bytes:
    """The verification of one anchored day (``chalicelib.integrity.days.DayIntegrityReport``) as a PDF."""
    flowables: list[Any] = pdf.title("Biên bản kiểm tra tính toàn vẹn một ngày đã neo", f"Ngày {report.day}",
                                     f"Kiểm tra lúc {pdf.time_vn(report.checked_at)} — phạm vi: {report.scope}")
    flowables.append(pdf.para(f"<b>Kết luận:</b> {pdf.text(report.summary)}"))
    stamped = pdf.time_vn(report.timestamped_at) if report.timestamped_at else "không hợp lệ"
    flowables.append(pdf.para(f"Gốc Merkle (SHA-256) {pdf.text(report.root)}; {report.leaves} đầu chuỗi; dấu thời "
                              f"gian RFC 3161: {pdf.text(stamped)}."))
    flowables.append(pdf.para("<b>Những gì đã được kiểm tra</b>"))
    flowables.append(pdf.grid(["STT", "Nội dung kiểm tra"], [[str(i), c] for i, c in enumerate(report.checked, 1)],
                              [0.1, 0.9]))
    flowables.append(pdf.para("<b>Kết quả</b>"))
    rows = [[f.code, str(f.seq), f.message] for f in report.findings] or [["—", "—", "Không phát hiện thay đổi nào."]]
    flowables.append(pdf.grid(["Mã", "Sự kiện", "Nội dung"], rows, [0.25, 0.1, 0.65]))
    flowables.append(pdf.para("<b>Hồ sơ và chủ thể dữ liệu trong ngày</b>"))
    chains = [["Hồ sơ" if c.kind == "dossier" else "Chủ thể (khóa HMAC)", c.ref, str(c.seq),
               "Khớp" if c.holds else "Sai lệch"] for c in report.chains] or [["—", "—", "—", "—"]]
    flowables.append(pdf.grid(["Loại", "Mã", "Sự kiện cuối", "Kết quả"], chains, [0.2, 0.5, 0.12, 0.18]))
    if report.not_shown:
        flowables.append(pdf.para(f"{report.not_shown} chuỗi khác ngoài phạm vi không được nêu tên.", "small"))
    flowables.append(pdf.para("Cách tự kiểm tra lại: mỗi lá là SHA-256(0x00 ‖ JSON chuẩn của {chain, seq, hash}); "
                              "gốc nhánh và gốc ngày theo RFC 6962; dấu thời gian RFC 3161 trên SHA-256 của gốc "
                              "(docs/integrity.md).", "small"))
    return bytes(pdf.build(flowables, title_text=f"Kiểm tra toàn vẹn — ngày {report.day}", subject=report.summary,
                           author="hoso"))
