"""Result documents (kết quả giải quyết TTHC, FR-5, FR-18): per-procedure templates as data
and their rendering to PDF.

A template says what the paper result looks like: its title, its document symbol (ký hiệu,
part of the result code "Số: 15/2026/GP-BX"), the legal bases, and the lines filled from the
dossier (``applicant.*``, ``dossier.*``) or from its eForm data (``form.<section>.<field>``,
radio and select values shown with their labels from the eForm schema). A procedure without
its own template gets :data:`DEFAULT_TEMPLATE`, a notice of the result. The officer may add
the decision's own wording (``content``), which is printed as the result's operative part.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from chalicelib.domain.dossier import Dossier
from chalicelib.domain.eform import EFormSchema
from chalicelib.lazy import lazy_import

if TYPE_CHECKING:
    from chalicelib.documents import pdf
else:
    pdf = lazy_import("chalicelib.documents.pdf")  # reportlab: loaded by the first result drawn up


class ResultLine(BaseModel):
    label: str
    source: str = Field(description='"applicant.<field>", "dossier.<field>" hoặc "form.<mục>.<trường>"')


class ResultTemplate(BaseModel):
    key: str
    document_name: str = Field(description="Tên giấy tờ kết quả (TenGiayTo)")
    title: str
    symbol: str = Field(pattern=r"^[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$", description="Ký hiệu trong số/ký hiệu kết quả")
    component_code: str = Field("KQ", description="MaThanhPhanHoSo của giấy tờ kết quả")
    legal_bases: list[str] = Field(default_factory=list)
    intro: str
    lines: list[ResultLine]
    closing: list[str] = Field(default_factory=list)
    signer_title: str = "THỦ TRƯỞNG ĐƠN VỊ"


_APPLICANT = [
    ResultLine(label="Tổ chức, cá nhân", source="applicant.name"),
    ResultLine(label="Số định danh / mã số doanh nghiệp", source="applicant.id_number"),
    ResultLine(label="Địa chỉ", source="applicant.address"),
]

DEFAULT_TEMPLATE = ResultTemplate(
    key="thong-bao-ket-qua",
    document_name="Thông báo kết quả giải quyết thủ tục hành chính",
    title="Thông báo kết quả giải quyết thủ tục hành chính",
    symbol="TB-KQ",
    legal_bases=["Căn cứ Nghị định số 118/2025/NĐ-CP của Chính phủ về thực hiện thủ tục hành chính theo cơ chế một "
                 "cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia;"],
    intro="{agency} thông báo kết quả giải quyết hồ sơ thủ tục hành chính như sau:",
    lines=[*_APPLICANT,
           ResultLine(label="Thủ tục hành chính", source="dossier.procedure_name"),
           ResultLine(label="Mã hồ sơ", source="dossier.code"),
           ResultLine(label="Ngày tiếp nhận", source="dossier.received_at"),
           ResultLine(label="Trích yếu", source="dossier.summary")],
    closing=["Hồ sơ đã được giải quyết theo quy định. Tổ chức, cá nhân nhận kết quả theo hình thức đã đăng ký."],
)

TEMPLATES: dict[str, ResultTemplate] = {
    "1.001193": ResultTemplate(
        key="trich-luc-khai-sinh",
        document_name="Trích lục khai sinh",
        title="Trích lục khai sinh",
        symbol="TLKS",
        component_code="KQ-TLKS",
        legal_bases=["Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
                     "Căn cứ Thông tư số 04/2020/TT-BTP ngày 28 tháng 5 năm 2020 của Bộ Tư pháp;"],
        intro="{agency} trích lục việc đăng ký khai sinh như sau:",
        lines=[ResultLine(label="Họ, chữ đệm, tên", source="form.nguoi_duoc_khai_sinh.ho_ten"),
               ResultLine(label="Ngày, tháng, năm sinh", source="form.nguoi_duoc_khai_sinh.ngay_sinh"),
               ResultLine(label="Ghi bằng chữ", source="form.nguoi_duoc_khai_sinh.ngay_sinh_bang_chu"),
               ResultLine(label="Giới tính", source="form.nguoi_duoc_khai_sinh.gioi_tinh"),
               ResultLine(label="Dân tộc", source="form.nguoi_duoc_khai_sinh.dan_toc"),
               ResultLine(label="Quốc tịch", source="form.nguoi_duoc_khai_sinh.quoc_tich"),
               ResultLine(label="Nơi sinh", source="form.nguoi_duoc_khai_sinh.noi_sinh"),
               ResultLine(label="Quê quán", source="form.nguoi_duoc_khai_sinh.que_quan"),
               ResultLine(label="Họ, chữ đệm, tên người mẹ", source="form.me.ho_ten"),
               ResultLine(label="Họ, chữ đệm, tên người cha", source="form.cha.ho_ten"),
               ResultLine(label="Người đi đăng ký khai sinh", source="applicant.name"),
               ResultLine(label="Mã hồ sơ", source="dossier.code")],
        signer_title="NGƯỜI KÝ TRÍCH LỤC",
    ),
    "1.000105": ResultTemplate(
        key="giay-phep-buc-xa",
        document_name="Giấy phép tiến hành công việc bức xạ",
        title="Giấy phép tiến hành công việc bức xạ",
        symbol="GP-BX",
        component_code="KQ-GPBX",
        legal_bases=["Căn cứ Luật Năng lượng nguyên tử;",
                     "Xét hồ sơ đề nghị cấp giấy phép của tổ chức, cá nhân;"],
        intro="{agency} cấp phép cho:",
        lines=[*_APPLICANT,
               ResultLine(label="Công việc bức xạ", source="dossier.summary"),
               ResultLine(label="Mã hồ sơ", source="dossier.code")],
        closing=["Tổ chức, cá nhân được cấp phép phải tuân thủ các quy định về an toàn bức xạ và các điều kiện "
                 "ghi trong giấy phép.",
                 "Giấy phép có hiệu lực kể từ ngày ký."],
        signer_title="THỦ TRƯỞNG CƠ QUAN CẤP PHÉP",
    ),
    "1.004222": ResultTemplate(
        key="thong-bao-dang-ky-thuong-tru",
        document_name="Thông báo về kết quả giải quyết đăng ký thường trú",
        title="Thông báo về kết quả giải quyết, hủy bỏ đăng ký cư trú",
        symbol="TB-CT",
        component_code="KQ-CT",
        legal_bases=["Căn cứ Luật Cư trú ngày 13 tháng 11 năm 2020;"],
        intro="{agency} thông báo kết quả giải quyết đăng ký thường trú:",
        lines=[*_APPLICANT,
               ResultLine(label="Nội dung đề nghị", source="form.noi_dung.noi_dung_de_nghi"),
               ResultLine(label="Mã hồ sơ", source="dossier.code")],
        closing=["Đã cập nhật thông tin về cư trú vào Cơ sở dữ liệu về cư trú."],
        signer_title="THỦ TRƯỞNG CƠ QUAN ĐĂNG KÝ CƯ TRÚ",
    ),
}


def template_for(procedure_code: str) -> ResultTemplate:
    return TEMPLATES.get(procedure_code, DEFAULT_TEMPLATE)


def _format(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return pdf.date_vn(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        return "; ".join(_format(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_format(v)}" for k, v in value.items()) or "—"
    text = str(value)
    try:  # eForm dates are ISO (YYYY-MM-DD): shown DD/MM/YYYY
        return dt.date.fromisoformat(text).strftime("%d/%m/%Y") if len(text) == 10 else text
    except ValueError:
        return text


def resolve(source: str, dossier: Dossier, schema: EFormSchema | None) -> str:
    """The value a template line shows."""
    head, _, rest = source.partition(".")
    if head == "applicant":
        return _format(getattr(dossier.applicant, rest, None))
    if head == "dossier":
        return _format(getattr(dossier, rest, None))
    if head == "form":
        value: Any = dossier.form_data
        for part in rest.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        section, _, field_key = rest.partition(".")
        if schema is not None and isinstance(value, str):
            for s in schema.sections:
                for f in s.fields:
                    if s.key == section and f.key == field_key and f.options:
                        value = next((o.label for o in f.options if o.value == value), value)
        return _format(value)
    raise ValueError(f"unknown template source {source!r}")


def render(template: ResultTemplate, dossier: Dossier, *, head: pdf.Letterhead, signer_name: str,
           content: str, schema: EFormSchema | None, lookup_url: str, values: dict[str, str] | None = None) -> bytes:
    """The result PDF (unsigned; the PAdES signatures are added afterwards). ``values``: the
    officer's edits of lines (by source), printed instead of the dossier's values."""
    edited = values or {}
    flow: list[Any] = [pdf.letterhead(head), *pdf.title(template.title)]
    flow += [pdf.para(f"<i>{pdf.text(basis)}</i>") for basis in template.legal_bases]
    flow.append(pdf.para(pdf.text(template.intro.format(agency=head.agency))))
    for line in template.lines:
        value = edited[line.source].strip() if line.source in edited else resolve(line.source, dossier, schema)
        flow.append(pdf.para(f"{pdf.text(line.label)}: <b>{pdf.text(value or '—')}</b>", "left"))
    if content.strip():
        flow.append(pdf.para(pdf.text(content.strip())))
    flow += [pdf.para(pdf.text(c)) for c in template.closing]
    flow.append(pdf.signatures((template.signer_title, "(Ký số)", signer_name)))
    flow.append(pdf.lookup_box(lookup_url, f"Tra cứu tình trạng hồ sơ {dossier.code}: quét mã QR hoặc truy cập "
                                           f"{lookup_url}"))
    return pdf.build(flow, title_text=f"{template.document_name} — {dossier.code}", subject=dossier.procedure_name,
                     author=head.agency)
