"""The agency adapter: what the ``agency_tasks`` function does with each message of the
agency-tasks queue — the state machines' task tokens only.

Messages from the state machines (``kind``; contract in ``state_machines/README.md``):

- ``handover`` — hand step ``step`` of ``dossier`` to ``agency`` with the task token: a child
  dossier in a hoso unit (``children``), a hand-over to the agency's system (``agencies``), or,
  for another ministry's system, to the coordination system (``coordinator``, SPEC §7.7);
  recorded on the parent;
- ``supplement`` — the flow waits for the applicant's supplement (answered by ``hooks`` when
  the parent comes back from status 5, or at once if it already has);
- ``escalation`` — the step timed out, was refused or failed: recorded on the parent (the
  officers see it, DVCQG gets it) and kept open for an operator's decision (``operations``);
- ``complete`` — every step is done: the parent goes to status 9, results at the desk;
- ``abandoned`` — no decision came in time (or the flow failed): recorded on the parent.

Nothing else: the outbox relay's dossier changes have their own queue and function
(``chalicelib.flows.changes``); a message without a ``kind`` fails and ends in the DLQ.

Every kind is idempotent (SQS delivers at least once): tasks are recorded by token before
anything else, and answered at most once.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import BaseModel, Field

from chalicelib.domain.dossier import Dossier
from chalicelib.errors import HosoError
from chalicelib.flows import agencies, chains, children, coordinator, hooks, sfn, store, tasks
from chalicelib.flows import parent as parents
from chalicelib.flows.model import (
    COMPLETE_FAILED,
    HANDOVER_FAILED,
    FlowTask,
    TaskKind,
    child_outcome,
    escalation_label,
    token_hash,
)
from chalicelib.observability import logger, metrics


class TaskMessage(BaseModel):
    kind: Literal["handover", "supplement", "escalation", "complete", "abandoned"]
    task_token: str | None = Field(None, min_length=1, max_length=4096)
    execution: str
    dossier: str = Field(min_length=1, max_length=64)
    flow: str
    step: str | None = None
    agency: str | None = None
    error: str | None = None


def handle(body: dict[str, Any]) -> None:
    message = TaskMessage.model_validate(body)
    {
        "handover": handover,
        "supplement": supplement,
        "escalation": escalation,
        "complete": complete,
        "abandoned": abandoned,
    }[message.kind](message)


def handle_batch(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """An SQS batch; failed records are reported (``batchItemFailures``) and come back later."""

    def record_handler(record: SQSRecord) -> None:
        try:
            handle(json.loads(record.body))
        except Exception:
            logger.exception("agency task failed", extra={"message_id": record.message_id})
            raise

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))  # fmt: skip


def _flow(message: TaskMessage) -> chains.Flow:
    flow = chains.flow(message.flow)
    if flow is None:
        raise ValueError(f"unknown flow {message.flow}")
    return flow


def _task(message: TaskMessage, kind: TaskKind, **extra: Any) -> FlowTask:
    """The task of this message, recorded now or already (a redelivery, or a retry after a failed
    delivery: what was recorded on the parent is tracked by ``announced``)."""
    if not message.task_token:
        raise ValueError(f"{message.kind} message without a task token")
    task = FlowTask(
        token_hash=token_hash(message.task_token), token=message.task_token, kind=kind, parent=message.dossier,
        flow=message.flow, step=message.step or chains.COMPLETE_STEP, agency=message.agency,
        execution=message.execution, created_at=dt.datetime.now(dt.UTC), error=message.error, **extra,
    )
    if store.put_task(task):
        return task
    record = store.get_task(task.token_hash)
    assert record is not None
    return record.task


# --- hand-over -------------------------------------------------------------------------------


def handover(message: TaskMessage) -> None:
    flow = _flow(message)
    step = flow.step(message.step or "")
    agency = chains.agency(message.agency or "")
    if agency.id != step.agency:
        raise ValueError(f"step {step.id} belongs to {step.agency}, the message names {agency.id}")
    connection = agencies.connection(agency.id) if agency.kind == "external" else None
    task = _task(message, TaskKind.HANDOVER, client=connection.client_id if connection else None)
    record = store.get_task(task.token_hash)
    if record is None or record.status != "pending":
        return  # answered already: a late redelivery
    parent = parents.get(task.parent)
    # Marked before the agency hears of it, so that its answer always comes after this.
    tasks.mark(task.parent, step.id, "handed_over", agency=agency.id, task=task.token_hash, error=None)
    child = None
    try:
        if connection is not None and connection.through_coordinator:
            coordinator.hand_over(task, parent, step, agency)
            where = f"{agency.name}, qua Hệ thống điều phối"
        elif connection is not None:
            agencies.hand_over(connection, agencies.handover_body(
                task.token, parent, step=step.id, agency=agency.id, procedure_code=step.procedure_code,
                procedure_name=step.procedure_name))  # fmt: skip
            where = agency.name
        else:
            child = _child_for(task, parent, step, agency)
            where = f"{agency.name}, hồ sơ {child.code}"
    except (agencies.HandoverRejected, children.HandoverError, HosoError) as err:
        _handover_failed(task, step, str(err))
        return
    if child is not None:
        tasks.mark(task.parent, step.id, None, child=child.code)
    if not record.announced:  # the first delivery that got through (earlier ones may have failed)
        parents.note(task.parent, actor=parents.system_actor(parent.unit_code), action="flow_handover",
                     label="Chuyển hồ sơ liên thông", text=f"{step.name} — {where}")  # fmt: skip
        store.announced(task.token_hash)
    metrics.add_metric(name="FlowHandover", unit="Count", value=1)
    if child is not None and child_outcome(child.status) != "progress":
        # A child that has already finished (a retry after a lost signal) answers at once.
        hooks.child_changed(store.ChildLink(child=child.code, parent=task.parent, step=step.id,
                                            task=task.token_hash), child)  # fmt: skip


def _child_for(task: FlowTask, parent: Dossier, step: chains.ChainStep, agency: chains.Agency) -> Dossier:
    """The child dossier answering this task: the one already made for it (a redelivery), the
    step's previous child if it can carry on (open, back from a supplement, or finished), or a
    new one."""
    child: Dossier | None
    if task.child:
        child = parents.get(task.child)
    else:
        state = store.get_state(task.parent)
        previous = state.steps[step.id].child if state and step.id in state.steps else None
        child = parents.get(previous) if previous else None
        if child is not None and child_outcome(child.status) == "refused":
            child = None
        if child is not None and child_outcome(child.status) == "supplement":
            child = children.resume_after_supplement(child, parent, step)
        if child is None:
            child = children.create(parent, step, agency)
        store.set_child(task.token_hash, child.code)
    store.link_child(store.ChildLink(child=child.code, parent=task.parent, step=step.id, task=task.token_hash))
    return child


def _handover_failed(task: FlowTask, step: chains.ChainStep, reason: str) -> None:
    logger.error("flow hand-over failed", extra={"dossier": task.parent, "step": step.id, "reason": reason[:300]})

    def work() -> None:
        parent = parents.get(task.parent)
        parents.note(task.parent, actor=parents.system_actor(parent.unit_code), action="flow_handover_failed",
                     label="Không chuyển được hồ sơ liên thông", text=f"{step.name}: {reason[:1000]}")  # fmt: skip
        sfn.fail(task.token, HANDOVER_FAILED, step.id)

    tasks.settle(task.token_hash, "handover_failed", work, reason)


# --- waits -------------------------------------------------------------------------------------


def supplement(message: TaskMessage) -> None:
    task = _task(message, TaskKind.SUPPLEMENT)
    tasks.mark(task.parent, task.step, "waiting_supplement", task=task.token_hash)
    parent = parents.get(task.parent)
    if parents.supplement_back(parent):  # the applicant was quicker than this message
        hooks.resume(task.token_hash)


def escalation(message: TaskMessage) -> None:
    task = _task(message, TaskKind.ESCALATION)
    record = store.get_task(task.token_hash)
    state = store.get_state(task.parent)
    previous = state.steps.get(task.step) if state else None
    reason = ""
    if previous and previous.task and previous.task != task.token_hash:
        # The step's hand-over (or supplement wait) is over: a late answer to it is refused.
        store.close(previous.task, task.error or "escalated")
        failed = store.get_task(previous.task)
        reason = (failed.reason or "") if failed else ""
    tasks.mark(task.parent, task.step, "escalated", task=task.token_hash, error=task.error)
    if record is not None and not record.announced:
        flow = _flow(message)
        name = flow.step(task.step).name if task.step != chains.COMPLETE_STEP else "Hoàn thành liên thông"
        label = escalation_label(task.error)
        parent = parents.get(task.parent)
        parents.note(task.parent, actor=parents.system_actor(parent.unit_code), action="flow_escalated",
                     label=f"Cảnh báo liên thông: {label}",
                     text=f"{name}: {label}{'. ' + reason if reason else ''}. Chờ người vận hành quyết định "
                          "thử lại, bỏ qua bước hoặc dừng luồng.")  # fmt: skip
        store.announced(task.token_hash)
        metrics.add_metric(name="FlowEscalated", unit="Count", value=1)
        logger.error("flow escalated", extra={"dossier": task.parent, "step": task.step, "error": task.error})


def complete(message: TaskMessage) -> None:
    flow = _flow(message)
    task = _task(message, TaskKind.COMPLETE)

    completed = False

    def work() -> None:
        nonlocal completed
        try:
            parents.complete(task.parent, flow)
        except HosoError as err:  # e.g. the parent changed meanwhile: escalates, an operator decides
            logger.error("flow completion failed", extra={"dossier": task.parent, "error_code": err.code})
            sfn.fail(task.token, COMPLETE_FAILED, err.code)
            return
        sfn.succeed(task.token, {"outcome": "success", "documents": []})
        completed = True

    if tasks.settle(task.token_hash, "complete", work) == "answered" and completed:
        store.update_state(task.parent, lambda s: s.model_copy(update={"finished": True}))
        metrics.add_metric(name="FlowCompleted", unit="Count", value=1)


def abandoned(message: TaskMessage) -> None:
    state = store.get_state(message.dossier)
    if state is None or state.finished:
        return
    parent = parents.get(message.dossier)
    parents.note(message.dossier, actor=parents.system_actor(parent.unit_code), action="flow_abandoned",
                 label="Dừng luồng liên thông",
                 text=f"{escalation_label(message.error)}: luồng dừng vì không có quyết định của người vận hành "
                      "trong thời hạn chờ (hoặc lỗi ngoài dự kiến). Xem sổ tay vận hành liên thông.")  # fmt: skip
    store.update_state(message.dossier, lambda s: s.model_copy(update={"finished": True}))
    logger.error("flow abandoned", extra={"dossier": message.dossier, "error": message.error})
