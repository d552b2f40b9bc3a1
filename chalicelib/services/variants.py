"""Locally specific processes (SPEC §6, FR-7): a province administrator proposes a variant of a
procedure's standard process for their province's units, the ministry administrator approves it
(or rejects it with a reason) before it applies; intake then follows it at that province's units
(:func:`process_for`, :func:`eform_for`). Rules: ``chalicelib.domain.variants``; who may do what:
``admin_access`` (judged before anything is written)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from chalicelib.domain.catalogue import Procedure, Unit
from chalicelib.domain.eform import EFormSchema
from chalicelib.domain.process import ProcessDefinition, ProcessError
from chalicelib.domain.variants import (
    LocalVariant,
    ProposalStatus,
    StepChange,
    VariantIn,
    VariantProposal,
    applicable,
    approved,
    check_proposal,
    compare,
    is_variant_code,
    rejected,
    with_additions,
)
from chalicelib.errors import FieldError, HosoError, invalid, not_found
from chalicelib.services import admin_access, charts
from chalicelib.store import catalogue
from chalicelib.store import variants as store

Administrator = admin_access.Administrator


def _conflict() -> HosoError:
    return HosoError("CHANGED", "Đề xuất vừa được người khác thay đổi, vui lòng tải lại rồi thử lại.", 409)


def _process_invalid(errors: list[ProcessError]) -> HosoError:
    return HosoError(
        "PROCESS_INVALID", "Quy trình đề xuất chưa hợp lệ.", 422,
        errors=[FieldError(".".join(x for x in (e.step_id, e.action_id) if x) or "process", e.message)
                for e in errors],
        extra={"process_errors": [e.model_dump() for e in errors]})


def propose(actor: Administrator, body: VariantIn, at: dt.datetime) -> VariantProposal:
    admin_access.check_variant_proposal(actor, body.province_code)
    procedure = catalogue.get_procedure(body.procedure_code)
    if procedure is None:
        raise invalid([FieldError("procedure_code", "Không có thủ tục này.")])
    standard = catalogue.get_process(procedure.process_code, body.base_version)
    if standard is None:
        raise invalid([FieldError("base_version", "Quy trình chuẩn của thủ tục không có phiên bản này.")])
    eform = catalogue.get_eform(procedure.eform_code) if procedure.eform_code else None
    definition, errors = check_proposal(body, procedure, standard, eform, charts.of_process(standard.chart_version))
    if errors or definition is None:
        raise _process_invalid(errors)
    proposal = VariantProposal(
        procedure_code=procedure.code, province_code=body.province_code,
        number=store.next_proposal_number(procedure.code, body.province_code),
        base_code=standard.code, base_version=standard.version, process=definition,
        eform_additions=body.eform_additions, note=body.note, proposed_by=actor.sub, proposed_at=at)
    try:
        store.add_proposal(proposal)
    except store.Conflict:
        raise _conflict() from None
    return proposal


def _proposal(actor: Administrator, procedure_code: str, province_code: str, number: int) -> VariantProposal:
    if not actor.ministry:
        admin_access.require_province(actor, province_code)
    found = store.get_proposal(procedure_code, province_code, number)
    if found is None:
        raise not_found("Không tìm thấy đề xuất quy trình riêng này.")
    return found


def _pending(proposal: VariantProposal) -> None:
    if proposal.status is not ProposalStatus.PENDING:
        raise HosoError("PROPOSAL_DECIDED", "Đề xuất này đã được quyết định.", 409)


def approve(actor: Administrator, procedure_code: str, province_code: str, number: int,
            at: dt.datetime) -> VariantProposal:
    admin_access.require_ministry(actor)
    proposal = _proposal(actor, procedure_code, province_code, number)
    _pending(proposal)
    _, versions = store.history(procedure_code, province_code)
    version = max((v.version for v in versions), default=0) + 1
    decided, variant, process = approved(proposal, version, actor.sub, at)
    try:
        store.approve(decided, variant, process)
    except store.Conflict:
        raise _conflict() from None
    return decided


def reject(actor: Administrator, procedure_code: str, province_code: str, number: int, reason: str,
           at: dt.datetime) -> VariantProposal:
    admin_access.require_ministry(actor)
    proposal = _proposal(actor, procedure_code, province_code, number)
    _pending(proposal)
    decided = rejected(proposal, reason, actor.sub, at)
    try:
        store.reject(decided)
    except store.Conflict:
        raise _conflict() from None
    return decided


def proposals(actor: Administrator, pending: bool) -> list[VariantProposal]:
    """The ministry's administrator sees every province's; a province's, their own."""
    if actor.ministry:
        return store.list_proposals(pending)
    if actor.province_code is None:
        admin_access.require_province(actor, "")
    return store.list_proposals(pending, actor.province_code)


class ProposalDetail(BaseModel):
    proposal: VariantProposal
    standard: ProcessDefinition = Field(description="Phiên bản quy trình chuẩn được sao chép")
    standard_latest_version: int = Field(description="Phiên bản mới nhất của quy trình chuẩn hiện nay")
    changes: list[StepChange] = Field(description="So sánh từng bước với quy trình chuẩn")
    eform: EFormSchema | None = Field(description="Biểu mẫu điện tử tại các đơn vị của tỉnh nếu được phê duyệt")


def detail(actor: Administrator, procedure_code: str, province_code: str, number: int) -> ProposalDetail:
    proposal = _proposal(actor, procedure_code, province_code, number)
    standard = catalogue.get_process(proposal.base_code, proposal.base_version)
    latest = catalogue.get_process(proposal.base_code)
    if standard is None or latest is None:
        raise not_found("Không tìm thấy quy trình chuẩn của đề xuất.")
    procedure = catalogue.get_procedure(procedure_code)
    eform = catalogue.get_eform(procedure.eform_code) if procedure and procedure.eform_code else None
    return ProposalDetail(proposal=proposal, standard=standard, standard_latest_version=latest.version,
                          changes=compare(standard, proposal.process),
                          eform=with_additions(eform, proposal.eform_additions) if eform else None)


class VariantHistory(BaseModel):
    procedure_code: str
    province_code: str
    versions: list[LocalVariant] = Field(description="Các phiên bản đã phê duyệt (mới nhất áp dụng)")
    proposals: list[VariantProposal] = Field(description="Mọi đề xuất, kể cả bị từ chối")


def history(actor: Administrator, procedure_code: str, province_code: str) -> VariantHistory:
    if not actor.ministry:
        admin_access.require_province(actor, province_code)
    found_proposals, versions = store.history(procedure_code, province_code)
    if not found_proposals:
        raise not_found("Tỉnh chưa có đề xuất quy trình riêng cho thủ tục này.")
    return VariantHistory(procedure_code=procedure_code, province_code=province_code, versions=versions,
                          proposals=found_proposals)


def reserved_code(code: str) -> bool:
    """Standard processes may not take a variant's code."""
    return is_variant_code(code)


def variant_at(procedure: Procedure, unit: Unit | None) -> LocalVariant | None:
    """The approved variant a new dossier of ``procedure`` received by ``unit`` follows, or None."""
    if unit is None or not unit.province_code:
        return None
    return applicable(procedure, unit, store.latest(procedure.code, unit.province_code))


def _variant_for(procedure_code: str, unit_code: str) -> LocalVariant | None:
    procedure = catalogue.get_procedure(procedure_code)
    return variant_at(procedure, catalogue.get_unit(unit_code)) if procedure is not None else None


def process_under(variant: LocalVariant | None, standard_code: str) -> ProcessDefinition | None:
    """The variant's process version, or the latest standard version when no variant applies."""
    if variant is not None:
        return catalogue.get_process(variant.process_code, variant.version)
    return catalogue.get_process(standard_code)


def eform_under(variant: LocalVariant | None, eform: EFormSchema | None) -> EFormSchema | None:
    """The eForm with the variant's additions (unchanged when no variant applies)."""
    return eform if eform is None or variant is None else with_additions(eform, variant.eform_additions)


def process_for(procedure_code: str, unit_code: str, standard_code: str) -> ProcessDefinition | None:
    """The process a new dossier of the procedure received by the unit follows: the province's
    approved variant when one applies, otherwise the latest standard version."""
    return process_under(_variant_for(procedure_code, unit_code), standard_code)


def eform_for(procedure_code: str, unit_code: str | None, eform: EFormSchema | None) -> EFormSchema | None:
    """The procedure's eForm as filled at the unit: with the province's additions when its
    variant applies there."""
    if eform is None or not unit_code:
        return eform
    return eform_under(_variant_for(procedure_code, unit_code), eform)


def eform_of_dossier(procedure_code: str, process_code: str, process_version: int,
                     eform: EFormSchema | None) -> EFormSchema | None:
    """The eForm of a dossier already received: with the additions of the variant version it
    follows (its own version, whatever the province approved since)."""
    if eform is None or not is_variant_code(process_code):
        return eform
    found = store.version(procedure_code, process_code[2:4], process_version)
    return eform if found is None else with_additions(eform, found.eform_additions)
