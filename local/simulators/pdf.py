"""A small but well-formed one-page PDF (correct cross-reference table), for the files the
simulators attach to dossiers and results. The standard Helvetica font has no Vietnamese
glyphs, so the page text is ASCII; names and titles with diacritics go in the metadata."""

from __future__ import annotations

import unicodedata


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics ("Nguyễn Văn Đức" → "Nguyen Van Duc")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "replace").decode()


def _pdf_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with a byte-order mark, hex-encoded (any Unicode)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def minimal_pdf(title: str, lines: list[str]) -> bytes:
    """One A4 page showing ``lines`` (folded to ASCII) with ``title`` (any Unicode) as document title."""
    text_ops = [b"BT /F1 12 Tf 56 780 Td 16 TL"]
    for line in lines:
        escaped = ascii_fold(line).encode().replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        text_ops.append(b"(" + escaped + b") Tj T*")
    text_ops.append(b"ET")
    stream = b"\n".join(text_ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Title " + _pdf_string(title) + b" /Producer (hoso local simulators) >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n".encode()
    out += f"startxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)
