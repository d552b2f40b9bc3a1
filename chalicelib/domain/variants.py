"""Locally specific processes (SPEC §6, FR-7; guide 7753 §4): a province's variant of a procedure's
standard process, proposed by the province's administrator and approved by the ministry before
it applies at that province's units.

- The ministry publishes the procedure's **standard** process (``Procedure.process_code``).
- A province administrator proposes a **variant** for one procedure in their province: a copy of
  the standard version they start from with its steps and deadlines changed, and fields added to
  the procedure's eForm (never a standard field changed or removed). The proposal is checked
  like a process (:func:`check_proposal`), against the procedure's legal deadline.
- The ministry approves it (it becomes the variant's next version, published as the process
  :func:`variant_code`) or rejects it with a reason. Versions are immutable, as for processes.
- At intake, :func:`applicable` says whether a dossier received by a unit follows the variant:
  only at a unit of the variant's province, only for its procedure, and only while the procedure
  still uses the standard process the variant was made from (a procedure moved to another
  standard process goes back to the standard until the province proposes again).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.calendar import DEFAULT_OFFICE_HOURS
from chalicelib.domain.catalogue import Procedure, Unit
from chalicelib.domain.eform import EFormSchema, FormField, FormSection, validate_schema
from chalicelib.domain.process import (
    ProcessDefinition,
    ProcessError,
    _legal_minutes,
    _minutes_label,
    check_process_document,
    longest_counted_path,
)
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.domain.statuses import DEFAULT_CHART, StatusChart

PROVINCE_CODE = r"^[0-9]{2}$"
ADDITIONS_SECTION = "dia_phuong"
ADDITIONS_TITLE = "Thông tin bổ sung theo quy định của địa phương"
MAX_ADDITIONS = 30
_VARIANT_CODE = re.compile(r"DP[0-9]{2}\..+")


def variant_code(procedure_code: str, province_code: str) -> str:
    """The process code of a province's variant of a procedure, e.g. ``DP79.1.001193``."""
    return f"DP{province_code}.{procedure_code}"


def is_variant_code(code: str) -> bool:
    """Codes of this form are the variants' own: the standard processes never use them."""
    return _VARIANT_CODE.fullmatch(code) is not None


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


PROPOSAL_STATUS_LABELS: dict[ProposalStatus, str] = {
    ProposalStatus.PENDING: "Chờ bộ phê duyệt",
    ProposalStatus.APPROVED: "Đã phê duyệt",
    ProposalStatus.REJECTED: "Bị từ chối",
}


class VariantIn(BaseModel):
    """What a province administrator sends: the standard version copied, the process as edited
    (steps, deadlines…; its code, version and legal deadline are set by hoso), the eForm fields
    added, and why (the local legal basis)."""

    model_config = ConfigDict(extra="forbid")

    procedure_code: str = Field(min_length=1, max_length=32, description="Mã thủ tục")
    province_code: str = Field(pattern=PROVINCE_CODE, description="Tỉnh đề xuất (2 số)")
    base_version: int = Field(ge=1, description="Phiên bản quy trình chuẩn được sao chép để sửa")
    process: dict[str, Any] = Field(description="Quy trình đề xuất (bước, thời hạn, thao tác) — bản sao đã sửa")
    eform_additions: list[FormField] = Field(
        default_factory=list, max_length=MAX_ADDITIONS,
        description="Trường bổ sung vào biểu mẫu điện tử (không sửa, không bỏ trường của bộ)")
    note: str = Field(min_length=1, max_length=2000, description="Lý do, căn cứ pháp lý của địa phương")


class VariantProposal(BaseModel):
    """A proposal as stored: its process is the variant's next version once approved."""

    procedure_code: str
    province_code: str
    number: int = Field(ge=1, description="Số thứ tự đề xuất của tỉnh cho thủ tục này")
    base_code: str = Field(description="Quy trình chuẩn")
    base_version: int
    process: ProcessDefinition
    eform_additions: list[FormField] = Field(default_factory=list)
    note: str
    status: ProposalStatus = ProposalStatus.PENDING
    proposed_by: str
    proposed_at: dt.datetime
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    reason: str = Field("", description="Lý do từ chối")
    approved_version: int | None = Field(None, description="Phiên bản quy trình địa phương khi được phê duyệt")


class LocalVariant(BaseModel):
    """An approved (applying) version of a province's variant; immutable."""

    procedure_code: str
    province_code: str
    version: int = Field(ge=1)
    process_code: str
    base_code: str
    base_version: int
    eform_additions: list[FormField] = Field(default_factory=list)
    proposal_number: int
    approved_by: str
    approved_at: dt.datetime


def _error(code: str, message: str, step: str | None = None) -> ProcessError:
    return ProcessError(code=code, message=message, step_id=step)


def variant_document(body: VariantIn, procedure: Procedure, standard: ProcessDefinition) -> dict[str, Any]:
    """The process document as proposed, with what the province may not choose set by hoso: the
    variant's code, its procedure, the legal deadline and the chart version (the standard's)."""
    legal = standard.legal_deadline
    return {
        **body.process,
        "code": variant_code(procedure.code, body.province_code),
        "version": 1,
        "procedure_codes": [procedure.code],
        "legal_deadline": None if legal is None else legal.model_dump(mode="json"),
        "chart_version": standard.chart_version,
        "published_at": None,
        "published_by": None,
    }


def check_proposal(
    body: VariantIn,
    procedure: Procedure,
    standard: ProcessDefinition,
    eform: EFormSchema | None,
    chart: StatusChart = DEFAULT_CHART,
) -> tuple[ProcessDefinition | None, list[ProcessError]]:
    """The variant's process and every problem of the proposal (empty: it may be sent to the
    ministry). ``standard`` is the standard version ``body.base_version`` of the procedure's
    process; ``eform`` the procedure's eForm (None: it has none); ``chart`` the status chart the
    standard was checked against (the variant is checked against the same)."""
    definition, errors = check_process_document(variant_document(body, procedure, standard), chart)
    if definition is not None:
        errors += _check_against_standard(definition, standard)
        if not errors:
            errors += _check_duration(definition, standard, procedure)
    errors += _check_additions(body.eform_additions, eform)
    return definition, errors


def _check_against_standard(variant: ProcessDefinition, standard: ProcessDefinition) -> list[ProcessError]:
    errors: list[ProcessError] = []
    for direct in (False, True):
        ours, theirs = variant.entry_step(direct=direct), standard.entry_step(direct=direct)
        if ours.status != theirs.status:
            kind = "trực tiếp" if direct else "trực tuyến"
            errors.append(_error(
                "ENTRY_STATUS_CHANGED",
                f"Bước đầu của hồ sơ {kind} phải ở trạng thái \"{theirs.status.label}\" như quy trình chuẩn.", ours.id))
    for step in variant.steps:
        roles = {step.role, *(a.role for a in step.actions if a.role is not None)}
        if not roles <= set(PROCESSING_ROLES):
            errors.append(_error(
                "ROLE_NOT_PROCESSING",
                f"Bước \"{step.name}\" chỉ được giao cho vai trò xử lý hồ sơ (một cửa, lãnh đạo phòng, chuyên viên, "
                "lãnh đạo, văn thư).", step.id))
    return errors


def _check_duration(variant: ProcessDefinition, standard: ProcessDefinition,
                    procedure: Procedure) -> list[ProcessError]:
    """A variant keeps within the procedure's legal deadline — or, where the standard itself runs
    longer (its steps are then cut to the dossier's due moment), takes no longer than the standard."""
    ours, theirs = longest_counted_path(variant), longest_counted_path(standard)
    if ours is None or procedure.legal_deadline is None:
        return []
    limit = max(_legal_minutes(procedure.legal_deadline, DEFAULT_OFFICE_HOURS.minutes_per_day),
                theirs[0] if theirs else 0)
    if ours[0] <= limit:
        return []
    names = " → ".join(variant.step(sid).name for sid in ours[1])
    return [_error("DEADLINE_LONGER_THAN_ALLOWED",
                   f"Tổng thời hạn các bước ({_minutes_label(ours[0], DEFAULT_OFFICE_HOURS.minutes_per_day)}) vượt "
                   f"thời hạn giải quyết của thủ tục ({procedure.legal_deadline.label}) và dài hơn quy trình chuẩn, "
                   f"trên nhánh: {names}.")]


def _check_additions(additions: list[FormField], eform: EFormSchema | None) -> list[ProcessError]:
    if not additions:
        return []
    if eform is None:
        return [_error("NO_EFORM", "Thủ tục không có biểu mẫu điện tử để bổ sung trường.")]
    errors: list[ProcessError] = []
    keys = [f.key for f in additions]
    errors += [_error("DUPLICATE_FIELD", f"Trường bổ sung \"{key}\" bị trùng.")
               for i, key in enumerate(keys) if key in keys[:i]]
    if any(s.key == ADDITIONS_SECTION for s in eform.sections):
        errors.append(_error("SECTION_TAKEN", f"Biểu mẫu của bộ đã có nhóm \"{ADDITIONS_SECTION}\"."))
    errors += [_error("INVALID_FIELD", f"Trường bổ sung: {problem}.")
               for problem in validate_schema(with_additions(eform, additions))]
    return errors


def with_additions(eform: EFormSchema, additions: list[FormField]) -> EFormSchema:
    """The procedure's eForm as a unit of the province fills it: the ministry's sections
    unchanged, the province's fields in a section of their own at the end."""
    if not additions:
        return eform
    section = FormSection(key=ADDITIONS_SECTION, title=ADDITIONS_TITLE, fields=list(additions))
    return eform.model_copy(update={"sections": [*eform.sections, section]})


def applicable(procedure: Procedure, unit: Unit | None, variant: LocalVariant | None) -> LocalVariant | None:
    """The variant a dossier of ``procedure`` received by ``unit`` follows, or None (the standard).

    ``variant`` is the latest approved version of the procedure's variant in the unit's province
    (None: there is none)."""
    if variant is None or unit is None or not unit.province_code:
        return None
    if variant.province_code != unit.province_code or variant.procedure_code != procedure.code:
        return None
    if variant.base_code != procedure.process_code:
        return None
    return variant


def approved(proposal: VariantProposal, version: int, by: str, at: dt.datetime) -> tuple[VariantProposal,
                                                                                      LocalVariant,
                                                                                      ProcessDefinition]:
    """The proposal approved as the variant's ``version``: the proposal as decided, the variant's
    version record and its process, published."""
    process = proposal.process.model_copy(update={"version": version, "published_at": at, "published_by": by})
    decided = proposal.model_copy(update={"status": ProposalStatus.APPROVED, "decided_by": by, "decided_at": at,
                                          "approved_version": version, "process": process})
    variant = LocalVariant(
        procedure_code=proposal.procedure_code, province_code=proposal.province_code, version=version,
        process_code=process.code, base_code=proposal.base_code, base_version=proposal.base_version,
        eform_additions=proposal.eform_additions, proposal_number=proposal.number, approved_by=by, approved_at=at)
    return decided, variant, process


def rejected(proposal: VariantProposal, reason: str, by: str, at: dt.datetime) -> VariantProposal:
    return proposal.model_copy(update={"status": ProposalStatus.REJECTED, "decided_by": by, "decided_at": at,
                                       "reason": reason})


class StepChange(BaseModel):
    """One step compared: in the standard, in the variant, or both (what changed)."""

    step_id: str
    standard: str | None = Field(description="Bước trong quy trình chuẩn: tên, vai trò, thời hạn")
    variant: str | None = Field(description="Bước trong quy trình đề xuất")
    changed: bool


def _describe(step_name: str, role: str, deadline: str) -> str:
    return f"{step_name} — {role} — {deadline}"


def compare(standard: ProcessDefinition, variant: ProcessDefinition) -> list[StepChange]:
    """The steps side by side, in the standard's order then the variant's new steps."""
    def text(defn: ProcessDefinition) -> Mapping[str, str]:
        return {s.id: _describe(s.name, s.role.label, s.deadline.label if s.deadline else "không tính thời hạn")
                + (" — " + ", ".join(a.label for a in s.actions) if s.actions else "")
                for s in defn.steps}
    ours, theirs = text(variant), text(standard)
    ids = [s.id for s in standard.steps] + [s.id for s in variant.steps if s.id not in theirs]
    return [StepChange(step_id=sid, standard=theirs.get(sid), variant=ours.get(sid),
                       changed=theirs.get(sid) != ours.get(sid)) for sid in ids]
