"""The process engine: what an action does to a dossier. Pure — the caller loads the
dossier, its process version and the calendar, and persists the result atomically.

Every rule an officer can break answers a ``HosoError`` with a stable code and a
Vietnamese message; nothing here touches AWS.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import cast

from chalicelib.domain import consultation
from chalicelib.domain.calendar import Duration, WorkingCalendar
from chalicelib.domain.dossier import Actor, AuditEvent, Dossier, SupplementRound
from chalicelib.domain.process import ActionKind, ProcessDefinition, Step
from chalicelib.domain.result_rule import ResultRule
from chalicelib.domain.result_rule import check as check_result
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DEFAULT_CHART, DossierStatus, StatusChart, overdue_label
from chalicelib.errors import FieldError, HosoError

SUPPLEMENT_KINDS = frozenset({ActionKind.REQUEST_SUPPLEMENT, ActionKind.REQUEST_CORRECTION})
FINISHING_STATUSES = frozenset({DossierStatus.NOT_RECEIVED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED,
                                DossierStatus.PROCESSED})
# The duties a procedure may require to be held by different people (``Procedure.separation_of_duties``):
# an action belongs to the duty of the role performing it. Who held each one is recorded on every
# dossier (``Dossier.duty_holders``), so the option applies to dossiers already under way.
DUTIES: dict[Role, str] = {Role.APPRAISER: "thẩm định", Role.HEAD: "xem xét (lãnh đạo phòng)",
                           Role.LEADER: "phê duyệt"}


@dataclass(frozen=True)
class ActionRequest:
    action_id: str
    reason: str = ""
    assignee: str | None = None
    assignee_name: str | None = None
    consult_deadline: Duration | None = None
    # consultation: the consulted units (code → name, resolved from the catalogue by the caller) and
    # the documents they may read (chalicelib.domain.consultation)
    consult_units: dict[str, str] = field(default_factory=dict)
    consult_outside: dict[str, str] = field(default_factory=dict)  # outside agencies: code → coordinator client
    consult_documents: tuple[str, ...] = field(default_factory=tuple)
    extension: Duration | None = None
    attachments: tuple[str, ...] = field(default_factory=tuple)
    department: str | None = None  # transfer: the department (phòng chuyên môn) chosen by the desk


@dataclass(frozen=True)
class Timing:
    """What the engine needs to know about time: now, the unit's calendar, the procedure's
    legal deadline and its 15:00 cut-off rule."""

    now: dt.datetime
    calendar: WorkingCalendar
    legal_deadline: Duration | None
    cutoff_15h: bool = False


def _refuse(code: str, message: str, status: int = 409, errors: list[FieldError] | None = None) -> HosoError:
    return HosoError(code, message, status, errors=errors or [])


def step_due(now: dt.datetime, step: Step, due_at: dt.datetime | None, calendar: WorkingCalendar,
             chart: StatusChart = DEFAULT_CHART) -> dt.datetime | None:
    """When ``step``, entered at ``now``, is due: its own duration, but never after the dossier's
    legal due moment while the legal clock runs in the step's status — a 1-working-day procedure
    on a process whose appraisal takes 8 days has its appraisal due with the dossier. (Where the
    clock stands still — supplement, fees — ``due_at`` moves later, so it caps nothing.)"""
    if step.deadline is None:
        return None
    own = calendar.add(now, step.deadline)
    if due_at is not None and chart.counts_time(step.status) and own > due_at:
        return due_at
    return own


def start(dossier: Dossier, process: ProcessDefinition, *, direct: bool, actor: Actor, timing: Timing,
          note: str = "") -> tuple[Dossier, AuditEvent]:
    """Place a new dossier on its process's entry step (online: status 1; direct: received)."""
    step = process.entry_step(direct=direct)
    now = timing.now
    received = step.status != DossierStatus.NEW
    due_at = (
        timing.calendar.appointment(now, timing.legal_deadline, timing.cutoff_15h)
        if received and timing.legal_deadline
        else None
    )
    placed = dossier.model_copy(update={
        "status": int(step.status),
        "step_id": step.id,
        "step_role": step.role.value,
        "process_code": process.code,
        "process_version": process.version,
        "received_at": now if received else None,
        "due_at": due_at,
        "step_started_at": now,
        "step_due_at": step_due(now, step, due_at, timing.calendar),
        "seq": 1,
        "version": 1,
    })
    event = AuditEvent(
        seq=1, at=now, actor=actor, action="receive" if received else "submit_online",
        label="Tiếp nhận hồ sơ" if received else "Nộp hồ sơ trực tuyến",
        from_step=None, to_step=step.id, from_status=None, to_status=int(step.status), note=note,
        due_at=due_at, step_due_at=placed.step_due_at, department=step.tt11.department,
    )
    return placed, event


def available_actions(dossier: Dossier, process: ProcessDefinition, roles: set[Role], sub: str, *,
                      separate_duties: bool = False) -> list[str]:
    """The action ids this officer may take now (for the UI; ``apply`` re-checks everything)."""
    step = process.step(dossier.step_id)
    out = []
    for action in step.actions:
        try:
            _check_actor(dossier, step, action.id, step.performer(action), roles, sub)
            if separate_duties:
                check_separation_of_duties(dossier, step.performer(action), sub)
        except HosoError:
            continue
        limit = action.max_times
        if limit is not None and dossier.action_counts.get(action.kind.value, 0) >= limit:
            continue
        out.append(action.id)
    return out


def _check_actor(dossier: Dossier, step: Step, action_id: str, performer: Role, roles: set[Role], sub: str) -> None:
    if performer not in roles:
        raise _refuse("FORBIDDEN_ROLE", "Bạn không có vai trò thực hiện thao tác này tại đơn vị của hồ sơ.", 403)
    if performer is Role.APPRAISER and dossier.assignee and dossier.assignee != sub:
        raise _refuse("NOT_ASSIGNEE", "Hồ sơ đang được phân công cho cán bộ khác.", 403)


def check_separation_of_duties(dossier: Dossier, performer: Role, sub: str) -> None:
    """403 ``SEPARATION_OF_DUTIES`` if ``sub`` already held another of the separated duties on this dossier."""
    duty = DUTIES.get(performer)
    if duty is None:
        return
    for role, holders in dossier.duty_holders.items():
        if role != performer.value and sub in holders:
            held = DUTIES.get(Role(role), role)
            raise _refuse("SEPARATION_OF_DUTIES",
                          f"Thủ tục này yêu cầu người thẩm định, người xem xét và người phê duyệt là những người "
                          f"khác nhau: bạn đã {held} hồ sơ này nên không được {duty}.", 403)


def apply(dossier: Dossier, process: ProcessDefinition, request: ActionRequest, *, actor: Actor,
          roles: set[Role], timing: Timing, chart: StatusChart = DEFAULT_CHART,
          separate_duties: bool = False, result_rule: ResultRule | None = None,
          signs_now: bool = False) -> tuple[Dossier, AuditEvent]:
    """The dossier after ``request`` and the audit event that records it. ``separate_duties``: the
    procedure requires appraiser, reviewer and approver to be different people. ``result_rule``:
    the procedure's result, required before the actions that finish the dossier (``signs_now``:
    this approval signs it, see :mod:`chalicelib.domain.result_rule`)."""
    step = process.step(dossier.step_id)
    try:
        action = step.action(request.action_id)
    except KeyError:
        raise _refuse("ACTION_NOT_ALLOWED", "Thao tác không được phép ở bước hiện tại của hồ sơ.") from None
    performer = step.performer(action)
    _check_actor(dossier, step, action.id, performer, roles, actor.acting_for)
    if separate_duties:
        check_separation_of_duties(dossier, performer, actor.acting_for)
    reason = request.reason.strip()
    if (action.requires_reason or action.kind.requires_reason) and not reason:
        raise _refuse("REASON_REQUIRED", "Vui lòng nhập lý do.", 422, [FieldError("reason", "Vui lòng nhập lý do.")])
    used = dossier.action_counts.get(action.kind.value, 0)
    if action.max_times is not None and used >= action.max_times:
        raise _refuse("ACTION_LIMIT_REACHED", f"Thao tác “{action.label}” chỉ được thực hiện {action.max_times} lần.")
    target = process.step(action.to_step)
    if target.status != step.status and not chart.allows(step.status, target.status):
        raise _refuse("STATUS_TRANSITION_FORBIDDEN", "Chuyển trạng thái không hợp lệ theo sơ đồ trạng thái.")
    if result_rule is not None:
        check_result(dossier, action.kind, result_rule, signs_now=signs_now)
    if request.department and not enters_department(step, target):
        raise _refuse("DEPARTMENT_NOT_ALLOWED", "Chỉ chọn phòng khi chuyển hồ sơ đến lãnh đạo phòng phân công.", 422,
                      [FieldError("department", "Thao tác này không chuyển hồ sơ đến một phòng.")])

    now, cal = timing.now, timing.calendar
    update: dict[str, object] = {"department": request.department} if request.department else {}
    kind = action.kind
    if kind is ActionKind.RECEIVE:
        update["received_at"] = now
        if timing.legal_deadline:
            update["due_at"] = cal.appointment(now, timing.legal_deadline, timing.cutoff_15h)
    elif kind in (ActionKind.ASSIGN, ActionKind.REASSIGN):
        if not request.assignee:
            raise _refuse("ASSIGNEE_REQUIRED", "Vui lòng chọn cán bộ xử lý.", 422,
                          [FieldError("assignee", "Vui lòng chọn cán bộ xử lý.")])
        update["assignee"], update["assignee_name"] = request.assignee, request.assignee_name
    elif kind is ActionKind.CONSULT:
        update["consultations"] = [*dossier.consultations, *consultation.request(
            dossier, consultation.Asked(units=request.consult_units, outside=request.consult_outside, content=reason,
                                        deadline=request.consult_deadline, documents=request.consult_documents),
            actor=actor, now=now, calendar=cal)]
    elif kind is ActionKind.RECORD_OPINION:  # continue after the consultation: every opinion in, or overdue
        update["consultations"] = consultation.resume(dossier, now)
    elif kind is ActionKind.EXTEND:
        if request.extension is None or dossier.due_at is None:
            raise _refuse("EXTENSION_REQUIRED", "Vui lòng nhập thời gian gia hạn.", 422,
                          [FieldError("extension", "Vui lòng nhập thời gian gia hạn.")])
        update["due_at"] = cal.extend(dossier.due_at, request.extension)

    # The administered chart says which statuses stop the clock (5 supplement, 6 fees).
    if chart.pauses_clock(target.status) and not chart.pauses_clock(step.status):
        update["paused_at"] = now
        if kind in SUPPLEMENT_KINDS:
            update["supplements"] = [*dossier.supplements, SupplementRound(
                id=uuid.uuid4().hex[:12], requested_by=actor.name, content=reason, requested_at=now,
                due_before=dossier.due_at,
            )]
    elif dossier.paused_at is not None and chart.pauses_clock(step.status) and not chart.pauses_clock(target.status):
        # Leaving a paused status: FR-15.8 recomputes from the complete dossier when the
        # process says so; otherwise the pause simply doesn't count. Receipt after a correction
        # asked before it: the appointment just set counts from this receipt, the pause is before it.
        if kind is ActionKind.RECEIVE:
            new_due = cast(dt.datetime | None, update.get("due_at"))
        elif action.recompute_deadline and timing.legal_deadline:
            new_due = cal.recompute_after_supplement(now, timing.legal_deadline)
        elif dossier.due_at is not None:
            new_due = cal.resume_deadline(dossier.due_at, dossier.paused_at, now)
        else:
            new_due = None
        update["due_at"], update["paused_at"] = new_due, None
        open_round = dossier.supplements and dossier.supplements[-1].received_at is None
        if open_round and kind is not ActionKind.CONFIRM_PAYMENT:
            last = dossier.supplements[-1].model_copy(update={"received_at": now, "received_by": actor.name,
                                                                "due_after": new_due})
            update["supplements"] = [*dossier.supplements[:-1], last]

    if target.status in FINISHING_STATUSES and dossier.finished_at is None:
        update["finished_at"] = now
    if target.status == DossierStatus.DELIVERED:
        update["delivered_at"] = now
    holders = dossier.duty_holders.get(performer.value, [])
    if performer in DUTIES and actor.acting_for not in holders:
        update["duty_holders"] = {**dossier.duty_holders, performer.value: [*holders, actor.acting_for]}

    seq = dossier.seq + 1
    due_after = cast(dt.datetime | None, update.get("due_at", dossier.due_at))
    after = dossier.model_copy(update={
        **update,
        "status": int(target.status),
        "step_id": target.id,
        "step_role": target.role.value,
        "step_started_at": now,
        "step_due_at": step_due(now, target, due_after, cal, chart),
        "action_counts": {**dossier.action_counts, kind.value: used + 1},
        "version": dossier.version + 1,
        "seq": seq,
        "updated_at": now,
    })
    event = AuditEvent(
        seq=seq, at=now, actor=actor, action=kind.value, label=action.label, from_step=step.id, to_step=target.id,
        from_status=int(step.status), to_status=int(target.status), note=reason,
        attachments=list(request.attachments), due_at=after.due_at, step_due_at=after.step_due_at,
        department=department_at(after, target),
    )
    return after, event


def enters_department(step: Step, target: Step) -> bool:
    """The action hands the dossier from outside a department (the desk) to a head of department."""
    return target.role is Role.HEAD and step.role not in (Role.HEAD, Role.APPRAISER)


def department_at(dossier: Dossier, step: Step) -> str:
    """The department handling the dossier at ``step``: the one the desk chose, for the steps of a
    department (its head and appraisers), else the process's."""
    if dossier.department and step.role in (Role.HEAD, Role.APPRAISER):
        return dossier.department
    return step.tt11.department


def display_info(dossier: Dossier, process: ProcessDefinition, calendar: WorkingCalendar,
                 now: dt.datetime) -> dict[str, str]:
    """TT11 item 4: where the dossier is, who handles it, and its deadline in words. The handler
    is the assigned appraiser only while the dossier is at an appraiser's step: once it moves on
    to the head, the leader or the desk, that role's queue holds it (the assignee stays on the
    dossier for reports and a return to appraisal)."""
    step = process.step(dossier.step_id)
    deadline = dossier.due_at
    holds = step.role is Role.APPRAISER and dossier.finished_at is None
    return {
        "position": step.tt11.position or step.name,
        "department": department_at(dossier, step),
        "handler": (dossier.assignee_name or "") if holds else "",
        "deadline": overdue_label(deadline, now, calendar) if deadline and dossier.finished_at is None else "",
    }
