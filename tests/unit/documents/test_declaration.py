""""In tờ khai" (issue 12 item 12): the declaration printed from the eForm as typed so far follows the
legal form — its title and basis, the national motto, "Kính gửi" the unit, every field in order with
its value, a dotted line where nothing was typed yet, table rows, and the declarant's signature."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from chalicelib.documents.declaration import BLANK, render
from local.eform_samples import KHAI_SINH, SAMPLE_FILLED, THUONG_TRU

DAY = dt.date(2026, 12, 7)
UNIT = "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_a_filled_birth_declaration_prints_the_legal_form_with_the_values() -> None:
    data = SAMPLE_FILLED[KHAI_SINH.code]
    text = _text(render(KHAI_SINH, data, agency=UNIT, place="Hồ Chí Minh", declarant="Phạm Thị Kiều Oanh", day=DAY))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text and "Thông tư số 04/2020/TT-BTP" in text
    assert f"Kính gửi: {UNIT}" in text
    name = next(f for f in KHAI_SINH.sections[0].fields if f.key == "ho_ten")
    assert f"{name.label}: {data['nguoi_yeu_cau']['ho_ten']}" in text
    assert "Hồ Chí Minh, ngày 07 tháng 12 năm 2026" in text
    assert "NGƯỜI KHAI" in text and "Phạm Thị Kiều Oanh" in text


def test_what_is_not_typed_yet_is_a_dotted_line_to_fill_by_hand() -> None:
    text = _text(render(THUONG_TRU, {}, agency=UNIT, place="Hồ Chí Minh", declarant="", day=DAY))
    first_field = THUONG_TRU.sections[0].fields[0]
    assert f"{first_field.label}: {BLANK}" in text
    assert "TT" in text  # the members' table keeps its header and one blank row
