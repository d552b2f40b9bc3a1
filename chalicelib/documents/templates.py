"""Result templates as administered, versioned data (issue 17 item 6; FR-5, FR-18): the ministry's
administrator publishes a procedure's result template as its next version (checked first: every
line's source exists, the intro names no placeholder but ``{agency}``); a published version never
changes; a result is drawn up from the latest version, or from the built-in template
(``results.template_for``, version 0) while none is published."""

from __future__ import annotations

import datetime as dt
import string

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.documents.results import ResultTemplate, template_for
from chalicelib.domain.dossier import Applicant, Dossier
from chalicelib.domain.eform import EFormSchema
from chalicelib.errors import FieldError, HosoError, invalid
from chalicelib.services import admin_access
from chalicelib.store import catalogue
from chalicelib.store import result_templates as store


class PublishedTemplate(BaseModel):
    procedure_code: str
    version: int = Field(ge=1)
    template: ResultTemplate
    published_by: str
    published_at: dt.datetime


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"version": 1, "template": {
        "key": "trich-luc-khai-sinh", "document_name": "Trích lục khai sinh", "title": "Trích lục khai sinh",
        "symbol": "TLKS", "component_code": "KQ-TLKS",
        "legal_bases": ["Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;"],
        "intro": "{agency} trích lục việc đăng ký khai sinh như sau:",
        "lines": [{"label": "Họ, chữ đệm, tên", "source": "form.nguoi_duoc_khai_sinh.ho_ten"}],
        "closing": [], "signer_title": "NGƯỜI KÝ TRÍCH LỤC"}}]})

    version: int = Field(ge=1, description="Phiên bản sẽ ban hành (phiên bản hiện hành + 1)")
    template: ResultTemplate


class TemplateVersion(BaseModel):
    version: int
    published_by: str
    published_at: dt.datetime


class CurrentTemplate(BaseModel):
    procedure_code: str
    version: int = Field(description="Phiên bản đang áp dụng; 0: mẫu mặc định có sẵn của hệ thống")
    template: ResultTemplate
    versions: list[TemplateVersion]


def problems(template: ResultTemplate, eform: EFormSchema | None) -> list[FieldError]:
    """Every problem of a template (empty: it may be published)."""
    out: list[FieldError] = []
    if not template.lines:
        out.append(FieldError("template.lines", "Mẫu kết quả cần ít nhất một dòng thông tin."))
    for i, line in enumerate(template.lines):
        if not line.label.strip():
            out.append(FieldError(f"template.lines[{i}].label", "Nhãn dòng không được để trống."))
        if not _known_source(line.source, eform):
            out.append(FieldError(f"template.lines[{i}].source",
                                  f"Nguồn dữ liệu \"{line.source}\" không có (applicant.<trường>, dossier.<trường> "
                                  "hoặc form.<mục>.<trường> của biểu mẫu điện tử)."))
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template.intro) if name is not None}
    except ValueError:
        names = {"?"}
    if names - {"agency"}:
        out.append(FieldError("template.intro", "Câu mở đầu chỉ được dùng {agency} (tên cơ quan)."))
    for name, text in (("title", template.title), ("document_name", template.document_name),
                       ("signer_title", template.signer_title)):
        if not text.strip():
            out.append(FieldError(f"template.{name}", "Không được để trống."))
    return out


def _known_source(source: str, eform: EFormSchema | None) -> bool:
    head, _, rest = source.partition(".")
    if head == "applicant":
        return rest in Applicant.model_fields and rest != "id_key"
    if head == "dossier":
        return rest in Dossier.model_fields
    if head == "form" and eform is not None:
        section, _, field_key = rest.partition(".")
        return any(s.key == section and any(f.key == field_key for f in s.fields) for s in eform.sections)
    return False


def current(procedure_code: str) -> tuple[int, ResultTemplate]:
    """The template a result is drawn up from now, and its version (0: built-in)."""
    raw = store.latest(procedure_code)
    if raw is None:
        return 0, template_for(procedure_code)
    found = PublishedTemplate.model_validate(raw)
    return found.version, found.template


def show(procedure_code: str) -> CurrentTemplate:
    if catalogue.get_procedure(procedure_code) is None:
        raise HosoError("NOT_FOUND", "Không tìm thấy thủ tục.", 404)
    version, template = current(procedure_code)
    versions = [TemplateVersion.model_validate(raw) for raw in store.versions(procedure_code)]
    return CurrentTemplate(procedure_code=procedure_code, version=version, template=template, versions=versions)


def publish(actor: admin_access.Administrator, procedure_code: str, body: TemplateIn,
            at: dt.datetime) -> PublishedTemplate:
    admin_access.require_ministry(actor)
    procedure = catalogue.get_procedure(procedure_code)
    if procedure is None:
        raise HosoError("NOT_FOUND", "Không tìm thấy thủ tục.", 404)
    eform = catalogue.get_eform(procedure.eform_code) if procedure.eform_code else None
    found = problems(body.template, eform)
    if found:
        raise invalid(found, "Mẫu kết quả chưa hợp lệ.")
    expected = current(procedure_code)[0] + 1
    if body.version != expected:
        raise HosoError("TEMPLATE_VERSION", f"Phiên bản tiếp theo của mẫu kết quả phải là {expected}.", 409)
    published = PublishedTemplate(procedure_code=procedure_code, version=body.version, template=body.template,
                                  published_by=actor.sub, published_at=at)
    try:
        store.publish(procedure_code, published.version, published.model_dump(mode="json"))
    except store.AlreadyPublished:
        raise HosoError("TEMPLATE_VERSION", "Phiên bản này vừa được ban hành.", 409) from None
    return published
