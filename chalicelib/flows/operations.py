"""What operators see of a flow and how they repair it (``docs/runbooks/lien-thong.md``).

- :func:`view`: the flow state, the execution (status, error) and a summary of its history;
- :func:`decide`: answer an escalation — ``retry`` hands the step over again, ``skip`` goes on
  to the next step, ``abort`` stops the flow and the parent dossier (status 8, with the
  reason). Every decision is recorded on the parent dossier by the operator before Step
  Functions gets it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.dossier import Actor
from chalicelib.errors import FieldError, HosoError, conflict, not_found
from chalicelib.flows import chains, sfn, store, tasks
from chalicelib.flows import parent as parents
from chalicelib.flows.model import Decision, FlowState, escalation_label

HISTORY_LIMIT = 200


class DecisionIn(BaseModel):
    """Quyết định của người vận hành cho một bước liên thông đang cảnh báo."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"decision": "retry", "reason": "Hệ thống Công an xã đã hoạt động lại.", "step": "thuong_tru"}]})

    decision: Decision = Field(description="retry: chuyển lại cho cơ quan; skip: bỏ qua bước; abort: dừng luồng")
    reason: str = Field(min_length=1, max_length=2000, description="Lý do (ghi vào nhật ký xử lý hồ sơ)")
    step: str | None = Field(None, max_length=40, description="Mã bước; bắt buộc khi nhiều bước cùng cảnh báo")


class StepView(BaseModel):
    step: str
    name: str
    status: str
    agency: str | None
    child: str | None
    attempts: int
    error: str | None
    escalation: str | None
    updated_at: dt.datetime


class HistoryEntry(BaseModel):
    id: int
    at: dt.datetime
    type: str
    state: str | None = None
    error: str | None = None


class FlowView(BaseModel):
    dossier: str
    flow: str
    flow_name: str
    state_machine: str
    execution_name: str
    execution_arn: str
    execution_status: str | None
    execution_error: str | None
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    steps: list[StepView]
    history: list[HistoryEntry]


def _state(code: str) -> FlowState:
    state = store.get_state(code)
    if state is None:
        raise not_found("Hồ sơ không có luồng liên thông.")
    return state


def _step_name(flow: chains.Flow | None, step: str) -> str:
    if step == chains.COMPLETE_STEP:
        return "Hoàn thành liên thông"
    try:
        return flow.step(step).name if flow else step
    except KeyError:
        return step


def _summary(events: list[dict[str, Any]]) -> list[HistoryEntry]:
    """The events an operator reads: states entered and left, failures, the execution's own
    (task scheduling and submission details are left out; the console has them all)."""
    out = []
    for event in events:
        state = error = None
        for key, details in event.items():
            if key.endswith("EventDetails") and isinstance(details, dict):
                state = details.get("name", state)
                error = details.get("error", error)
        kind = str(event["type"])
        if state or error or kind.startswith("Execution"):
            out.append(HistoryEntry(id=int(event["id"]), at=event["timestamp"], type=kind, state=state, error=error))
    return out


def view(code: str) -> FlowView:
    state = _state(code)
    flow = chains.flow(state.flow)
    execution = sfn.describe(state.execution_arn) if state.started else None
    history = _summary(sfn.history(state.execution_arn, HISTORY_LIMIT)) if execution else []
    return FlowView(
        dossier=code, flow=state.flow, flow_name=flow.name if flow else state.flow, state_machine=state.state_machine,
        execution_name=state.execution_name, execution_arn=state.execution_arn,
        execution_status=execution["status"] if execution else None,
        execution_error=execution.get("error") if execution else None,
        started_at=execution.get("startDate") if execution else None,
        stopped_at=execution.get("stopDate") if execution else None,
        steps=[
            StepView(step=sid, name=_step_name(flow, sid), status=s.status, agency=s.agency, child=s.child,
                     attempts=s.attempts, error=s.error,
                     escalation=escalation_label(s.error) if s.status == "escalated" else None,
                     updated_at=s.updated_at)
            for sid, s in state.steps.items()
        ],  # fmt: skip
        history=history,
    )


def decide(code: str, body: DecisionIn, *, operator_sub: str, operator_name: str) -> FlowView:
    state = _state(code)
    flow = chains.flow(state.flow)
    open_steps = {sid: s for sid, s in state.steps.items() if s.status == "escalated" and s.task}
    if not open_steps:
        raise conflict("Luồng liên thông của hồ sơ không có bước nào đang chờ quyết định.", "FLOW_NO_ESCALATION")
    if body.step is None and len(open_steps) > 1:
        raise HosoError("FLOW_STEP_REQUIRED", "Nhiều bước đang chờ quyết định: vui lòng chọn bước.", 422,
                        errors=[FieldError("step", f"Một trong: {', '.join(sorted(open_steps))}.")])  # fmt: skip
    step_id = body.step or next(iter(open_steps))
    if step_id not in open_steps:
        raise conflict("Bước này không đang chờ quyết định.", "FLOW_STEP_NOT_ESCALATED")
    token_hash = open_steps[step_id].task or ""
    record = store.get_task(token_hash)
    if record is None or record.status != "pending":
        raise conflict("Bước này đã có quyết định.", "FLOW_DECISION_TAKEN")
    parent = parents.get(code)
    actor = Actor(sub=operator_sub, name=operator_name, role="operator", unit_code=parent.unit_code)
    reason = body.reason.strip()
    name = _step_name(flow, step_id)

    def work() -> None:
        parents.note(code, actor=actor, action="flow_decision", label="Quyết định của người vận hành",
                     text=f"{name}: {body.decision.label}. Lý do: {reason}")  # fmt: skip
        sfn.succeed(record.task.token, {"decision": body.decision.value})
        if body.decision is Decision.ABORT:
            parents.stop(code, actor=actor, reason=f"Dừng luồng liên thông tại bước {name}: {reason}")

    settled = tasks.settle(token_hash, f"decision:{body.decision.value}", work, reason)
    if settled == "busy":
        raise conflict("Bước này đã có quyết định.", "FLOW_DECISION_TAKEN")
    if settled == "closed":
        raise conflict("Luồng liên thông không còn chờ quyết định này (đã kết thúc hoặc quá hạn).", "FLOW_TASK_CLOSED")
    if body.decision is not Decision.RETRY:  # a retry is marked by its new hand-over
        tasks.mark(code, step_id, "skipped" if body.decision is Decision.SKIP else "stopped", task=None)
    return view(code)
