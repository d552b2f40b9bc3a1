"""Use cases on existing dossiers: view, act, list, search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from chalicelib.domain import engine
from chalicelib.domain.calendar import VN_TZ, WorkingCalendar
from chalicelib.domain.catalogue import OfficerProfile, Procedure, Unit
from chalicelib.domain.dossier import Actor, AuditEvent, Dossier
from chalicelib.domain.process import ActionKind, ProcessDefinition
from chalicelib.domain.result_rule import ResultRule, to_sign_on_approval
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import StatusChart
from chalicelib.errors import FieldError, HosoError, conflict, not_found
from chalicelib.services import attachments, charts
from chalicelib.store import catalogue, dossiers

# Process actions an officer takes only through their own use case, never bare: a payment is
# confirmed by the platform's callback or by a cash payment at the desk with its receipt
# (payments.pay_cash) — never by a click without an amount and a receipt. A result returned at the
# desk or by post is handed over with its receiver record (documents.delivery.deliver_at_desk) or
# recorded from the postal tracking (post.service) — never by a click without a receiver; only an
# electronic return ("2") keeps the bare action.
HANDED_OVER = frozenset({"0", "1"})  # Dossier.result_delivery: tại Bộ phận Một cửa, qua bưu chính công ích
OWN_USE_CASE = {  # the kind → the refusal's code and message, pointing to the right place
    ActionKind.CONFIRM_PAYMENT: ("CASH_RECEIPT_REQUIRED", "Xác nhận nộp phí, lệ phí chỉ qua cổng thanh toán hoặc khi "
                                                          "nộp tiền mặt tại Bộ phận Một cửa, với số tiền và số biên "
                                                          "lai (mục Phí, lệ phí)."),
    ActionKind.DELIVER_RESULT: ("DELIVERY_RECORD_REQUIRED", "Kết quả trả tại Bộ phận Một cửa hoặc qua bưu chính chỉ "
                                                            "được ghi nhận cùng người nhận: dùng mục Trả kết quả "
                                                            "(người nhận, giấy tờ tùy thân, đối chiếu bản chính) hoặc "
                                                            "theo trạng thái bưu gửi."),
}


def own_use_case(kind: ActionKind, dossier: Dossier) -> bool:
    """Whether this action is taken on this dossier only through its own use case, never bare."""
    if kind is ActionKind.DELIVER_RESULT:
        return dossier.result_delivery in HANDED_OVER
    return kind is ActionKind.CONFIRM_PAYMENT


def now() -> dt.datetime:
    return dt.datetime.now(VN_TZ)


def calendar_at(unit: Unit | None) -> WorkingCalendar:
    """The working calendar of ``unit`` (its office hours; the national one without a unit)."""
    overrides = catalogue.list_calendar_overrides()
    return WorkingCalendar(overrides, unit.office_hours) if unit else WorkingCalendar(overrides)


def calendar_for(unit_code: str) -> WorkingCalendar:
    return calendar_at(catalogue.get_unit(unit_code))


def timing_at(procedure: Procedure | None, calendar: WorkingCalendar, at: dt.datetime) -> engine.Timing:
    """The clock of a dossier of ``procedure`` at ``at``: its legal deadline on ``calendar``."""
    return engine.Timing(
        now=at,
        calendar=calendar,
        legal_deadline=procedure.legal_deadline if procedure else None,
        cutoff_15h=procedure.cutoff_15h if procedure else False,
    )


def timing_for(procedure_code: str, unit_code: str, at: dt.datetime) -> engine.Timing:
    return timing_at(catalogue.get_procedure(procedure_code), calendar_for(unit_code), at)


def separate_duties(procedure_code: str) -> bool:
    """Whether the procedure requires appraiser, reviewer and approver to be different people."""
    procedure = catalogue.get_procedure(procedure_code)
    return bool(procedure and procedure.separation_of_duties)


def result_rule(procedure_code: str) -> ResultRule:
    """What the procedure's result is, required before the actions that finish its dossiers."""
    return ResultRule.of(catalogue.get_procedure(procedure_code))


def process_of(dossier: Dossier) -> ProcessDefinition:
    process = catalogue.get_process(dossier.process_code, dossier.process_version)
    if process is None:  # a published version is never deleted; this is a data fault
        raise HosoError("PROCESS_MISSING", "Không tìm thấy quy trình của hồ sơ.", 409)
    return process


def visible_dossier(code: str, officer: OfficerProfile) -> Dossier:
    """The dossier if this officer works in its unit; otherwise 404 — another unit's
    officer cannot even learn that the code exists."""
    dossier = dossiers.get(code)
    if dossier is None or not officer.roles_in(dossier.unit_code):
        raise not_found("Không tìm thấy hồ sơ.")
    return dossier


def actor_for(officer: OfficerProfile, unit_code: str, performer: str) -> Actor:
    return Actor(sub=officer.sub, name=officer.name, role=performer, unit_code=unit_code)


def view(code: str, officer: OfficerProfile) -> dict[str, Any]:
    dossier = visible_dossier(code, officer)
    process = process_of(dossier)
    at = now()
    return {
        "dossier": dossier.model_dump(mode="json"),
        "display": engine.display_info(dossier, process, calendar_for(dossier.unit_code), at),
        "available_actions": [
            {"id": a.id, "label": a.label, "kind": a.kind.value,
             "requires_reason": a.requires_reason or a.kind.requires_reason}
            for a in process.step(dossier.step_id).actions
            if not own_use_case(a.kind, dossier)
            and a.id in engine.available_actions(dossier, process, officer.roles_in(dossier.unit_code), officer.sub,
                                                 separate_duties=separate_duties(dossier.procedure_code))
        ],
        "events": [e.model_dump(mode="json") for e in dossiers.events(code)],
    }


def consultable_agencies() -> dict[str, Any]:
    """Outside agencies an appraiser may consult, through the coordinator (``flows.agencies.consultable``)."""
    from chalicelib.flows import agencies  # the integration-clients secret; flows build on this module

    return dict(agencies.consultable())


def act(code: str, request: engine.ActionRequest, officer: OfficerProfile) -> Dossier:
    dossier = visible_dossier(code, officer)
    from chalicelib.specialised import outage  # builds on this module

    outage.check_hold(dossier)  # waiting for a specialised software that is down: continue it in hoso first
    process = process_of(dossier)
    roles = officer.roles_in(dossier.unit_code)
    step = process.step(dossier.step_id)
    action = next((a for a in step.actions if a.id == request.action_id), None)
    if action is not None and own_use_case(action.kind, dossier):
        raise HosoError(*OWN_USE_CASE[action.kind], 409)
    performer = step.performer(action).value if action else step.role.value
    if request.assignee is not None:
        assignee = catalogue.get_officer(request.assignee)
        if assignee is None or Role.APPRAISER not in assignee.roles_in(dossier.unit_code):
            raise HosoError("INVALID_ASSIGNEE", "Cán bộ được phân công không phải chuyên viên của đơn vị.", 422,
                            errors=[FieldError("assignee", "Cán bộ được phân công không hợp lệ.")])
        request = engine.ActionRequest(**{**request.__dict__, "assignee_name": assignee.name})
    if request.consult_units:  # units of hoso's catalogue, or outside agencies through the coordinator
        named, outside = {}, {}
        for unit_code in request.consult_units:
            unit = catalogue.get_unit(unit_code)
            agency = None if unit is not None else consultable_agencies().get(unit_code)
            if unit is None and agency is None:
                raise HosoError("UNKNOWN_UNIT", f"Không có đơn vị mã {unit_code} trong danh mục đơn vị.", 422,
                                errors=[FieldError("consult_units", "Vui lòng chọn đơn vị trong danh mục.")])
            named[unit_code] = unit.name if unit is not None else agency.name if agency is not None else ""
            if agency is not None:
                outside[unit_code] = agency.client_id
        request = engine.ActionRequest(**{**request.__dict__, "consult_units": named, "consult_outside": outside})
    rule = result_rule(dossier.procedure_code)
    transfer = action is not None and engine.enters_department(step, process.step(action.to_step))
    if transfer and request.department is None:
        choices = departments(dossier.unit_code)
        if len(choices) > 1:
            raise HosoError("DEPARTMENT_REQUIRED", "Vui lòng chọn phòng chuyên môn nhận hồ sơ.", 422,
                            errors=[FieldError("department", "Vui lòng chọn phòng chuyên môn nhận hồ sơ.")])
        if choices:  # the unit's only department
            request = engine.ActionRequest(**{**request.__dict__, "department": choices[0]})
    if request.department is not None and request.department not in departments(dossier.unit_code):
        raise HosoError("INVALID_DEPARTMENT", "Phòng được chọn không thuộc đơn vị.", 422,
                        errors=[FieldError("department", "Vui lòng chọn một phòng của đơn vị.")])
    after, event = engine.apply(
        dossier, process, request,
        actor=actor_for(officer, dossier.unit_code, performer),
        roles=roles,
        timing=timing_for(dossier.procedure_code, dossier.unit_code, now()),
        separate_duties=separate_duties(dossier.procedure_code),
        result_rule=rule, signs_now=True, chart=chart_of(process),
    )
    if request.attachments:  # the files become documents in the act's own transaction
        added = attachments.for_action(request.attachments, step.action(request.action_id).kind,
                                       owner=officer.sub, dossier=dossier)
        after = after.model_copy(update={"documents": [*after.documents, *added]})
    also = None
    to_sign = to_sign_on_approval(dossier, rule, officer.sub) if action and action.kind is ActionKind.APPROVE else []
    if to_sign:  # the approval signs the result: the signed versions, the records, the step — one transaction
        from chalicelib.documents import service as documents  # documents' use cases build on this module

        after, also = documents.sign_on_approval(dossier, after, to_sign, officer, Role(performer))
    try:
        return dossiers.transition(dossier, after, event, also)
    except dossiers.VersionConflict:
        current = dossiers.get(code)
        raise conflict(
            "Hồ sơ vừa được cán bộ khác cập nhật. Vui lòng tải lại và thử lại.",
            "VERSION_CONFLICT",
            current={"status": current.status, "step_id": current.step_id, "version": current.version}
            if current else None,
        ) from None


def chart_of(process: ProcessDefinition) -> StatusChart:
    """The status chart a dossier on ``process`` moves under: the version the process was checked against."""
    return charts.of_process(process.chart_version)


def departments(unit_code: str) -> list[str]:
    """The unit's departments a dossier can be transferred to: those its heads of department lead."""
    return sorted({o.department for o in catalogue.list_officers()
                   if o.active and o.department and Role.HEAD in o.roles_in(unit_code)})


def require_unit(officer: OfficerProfile, unit_code: str) -> set[Role]:
    roles = officer.roles_in(unit_code)
    if not roles:
        raise HosoError("FORBIDDEN_UNIT", "Bạn không thuộc đơn vị này.", 403)
    return roles


def system_step(dossier: Dossier, request: engine.ActionRequest, actor: Actor) -> tuple[Dossier, AuditEvent]:
    """The dossier after a system's process action and its audit event (not written yet)."""
    process = process_of(dossier)
    step = process.step(dossier.step_id)
    performers = {step.performer(a) for a in step.actions if a.id == request.action_id}
    return engine.apply(dossier, process, request, actor=actor, roles=performers,
                        timing=timing_for(dossier.procedure_code, dossier.unit_code, now()),
                        separate_duties=separate_duties(dossier.procedure_code),
                        result_rule=result_rule(dossier.procedure_code), chart=chart_of(process))


def system_act(code: str, request: engine.ActionRequest, actor: Actor) -> Dossier:
    """A process action taken by a system on the dossier's behalf (payment platform callback,
    a liên thông flow step, specialised software): the process still decides whether the
    action is allowed here; the actor is recorded in the audit trail."""
    dossier = dossiers.get(code)
    if dossier is None:
        raise not_found("Không tìm thấy hồ sơ.")
    after, event = system_step(dossier, request, actor)
    try:
        return dossiers.transition(dossier, after, event)
    except dossiers.VersionConflict:
        raise conflict("Hồ sơ vừa được cập nhật, vui lòng thử lại.", "VERSION_CONFLICT") from None


def record(code: str, *, actor: Actor, action: str, label: str, note: str = "",
           change: Callable[[Dossier], dict[str, Any]] | None = None, expected_version: int | None = None,
           also: dossiers.Also | None = None) -> Dossier:
    """Record something that happened to a dossier without moving it along its process
    (a document attached, a result signed, a flow step finished): the change and its audit
    event are one transaction, conditional on the version, like every transition; ``also``
    adds more writes of the use case to that transaction."""
    dossier = dossiers.get(code)
    if dossier is None:
        raise not_found("Không tìm thấy hồ sơ.")
    if expected_version is not None and dossier.version != expected_version:
        raise conflict("Hồ sơ vừa được cập nhật, vui lòng thử lại.", "VERSION_CONFLICT")
    after, event = recorded(dossier, actor=actor, action=action, label=label, note=note,
                            update=change(dossier) if change else {})
    try:
        return dossiers.transition(dossier, after, event, also)
    except dossiers.VersionConflict:
        raise conflict("Hồ sơ vừa được cập nhật, vui lòng thử lại.", "VERSION_CONFLICT") from None


def recorded(dossier: Dossier, *, actor: Actor, action: str, label: str, note: str = "",
             update: dict[str, Any] | None = None) -> tuple[Dossier, AuditEvent]:
    """The dossier after something recorded on it (``update``) and its audit event (not written yet)."""
    at = now()
    seq = dossier.seq + 1
    after = dossier.model_copy(update={**(update or {}), "version": dossier.version + 1, "seq": seq, "updated_at": at})
    event = AuditEvent(seq=seq, at=at, actor=actor, action=action, label=label, from_step=dossier.step_id,
                       to_step=after.step_id, from_status=dossier.status, to_status=after.status, note=note,
                       due_at=after.due_at, step_due_at=after.step_due_at)
    return after, event
