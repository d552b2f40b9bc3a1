"""The procedure's declaration (tờ khai) printed at the desk from the eForm as typed so far (issue
12 item 12, "In tờ khai"): the legal form's own title and basis, the national motto, "Kính gửi"
the receiving unit, every section and field of the form in its order — a field not filled yet is
a dotted line to complete by hand — and the declarant's signature block. Nothing is stored about
the person: the PDF lives behind a short-lived link like every printed form."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from chalicelib.documents import store as docstore
from chalicelib.documents.service import _place as place_of  # the place-date line's place of a unit
from chalicelib.domain.eform import EFormSchema, FormField
from chalicelib.errors import not_found
from chalicelib.lazy import lazy_import
from chalicelib.services import variants
from chalicelib.settings import get_settings
from chalicelib.store import catalogue

pdf = lazy_import("chalicelib.documents.pdf")

BLANK = "…………………………………………"
TICKED, UNTICKED = "☒", "☐"


def _scalar(f: FormField, value: Any) -> str:
    """A field's value as the paper form shows it."""
    if f.type == "checkbox":
        return TICKED if value is True else UNTICKED
    if f.type == "checkboxes":
        chosen = value if isinstance(value, list) else []
        return "   ".join(f"{TICKED if o.value in chosen else UNTICKED} {o.label}" for o in f.options)
    if value is None or value == "" or isinstance(value, (list, dict)):
        return BLANK
    if f.type in ("select", "radio"):
        return f.option_label(str(value))
    return str(value)


def _table(f: FormField, rows: Any) -> list[Any]:
    header = ["TT", *(c.label for c in f.columns)]
    body = [[str(i), *(_scalar(c, row.get(c.key)) if isinstance(row, Mapping) else BLANK for c in f.columns)]
            for i, row in enumerate(rows if isinstance(rows, list) else [], 1)]
    width = 0.93 / max(1, len(f.columns))
    return [pdf.para(f"<b>{pdf.text(f.label)}:</b>", "left"),
            pdf.grid(header, body or [["1", *(BLANK for _ in f.columns)]], [0.07, *(width for _ in f.columns)])]


def flowables(schema: EFormSchema, data: Mapping[str, Any], *, agency: str, place: str, declarant: str,
              day: dt.date) -> list[Any]:
    out: list[Any] = [
        pdf.para(f"<b>{pdf.NATION}</b>", "center"),
        pdf.para(f"<b>{pdf.MOTTO}</b>", "center"),
        pdf.para("―――――――――――", "center"),
        *pdf.title(schema.title, *([schema.legal_basis] if schema.legal_basis else [])),
        pdf.para(f"Kính gửi: <b>{pdf.text(agency)}</b>", "center"),
    ]
    for section in schema.sections:
        values = data.get(section.key)
        values = values if isinstance(values, Mapping) else {}
        out.append(pdf.para(f"<b>{pdf.text(section.title.upper())}</b>", "left"))
        for f in section.fields:
            if f.type == "table":
                out += _table(f, values.get(f.key))
            else:
                out.append(pdf.para(f"{pdf.text(f.label)}: {pdf.text(_scalar(f, values.get(f.key)))}", "left"))
    out += [
        pdf.para("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về "
                 "lời khai của mình.", "body"),
        pdf.para(f"<i>{pdf.text(pdf.place_date(place, day))}</i>", "center"),
        pdf.signatures(("Người khai", "(Ký, ghi rõ họ, chữ đệm, tên)", declarant)),
    ]
    return out


def render(schema: EFormSchema, data: Mapping[str, Any], *, agency: str, place: str, declarant: str,
           day: dt.date) -> bytes:
    return pdf.build(flowables(schema, data, agency=agency, place=place, declarant=declarant, day=day),
                     title_text=schema.title, subject=schema.legal_basis or schema.title, author=agency)


def print_declaration(procedure_code: str, unit_code: str, data: Mapping[str, Any], declarant: str,
                      today: dt.date) -> dict[str, Any]:
    """The declaration's PDF behind a short-lived link (404 without a procedure or an eForm)."""
    procedure = catalogue.get_procedure(procedure_code)
    schema = catalogue.get_eform(procedure.eform_code) if procedure and procedure.eform_code else None
    schema = variants.eform_for(procedure_code, unit_code, schema)  # the province's added fields, if any
    if procedure is None or schema is None:
        raise not_found("Thủ tục này không có tờ khai điện tử để in.")
    unit = catalogue.get_unit(unit_code)
    content = render(schema, data, agency=unit.name if unit else unit_code, place=place_of(unit),
                     declarant=declarant, day=today)
    bucket = get_settings().attachments_bucket
    key = f"declarations/{uuid.uuid4().hex}.pdf"
    sha256, _ = docstore.put_pdf(bucket, key, content)
    name = f"Tờ khai — {procedure.name}.pdf"
    return {"url": docstore.presigned_link(bucket, key, name, docstore.PDF), "expires_in": docstore.LINK_TTL_S,
            "name": name, "sha256": sha256}
