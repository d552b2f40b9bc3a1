"""How an agency's answer to a step reaches the flow — the same for an external agency's
callback and for a hoso child dossier's status: record it on the parent dossier, then answer
the task (success → next step; refusal → escalation; supplement → the applicant is asked on
DVCQG and the flow waits, then hands the step over again)."""

from __future__ import annotations

from chalicelib.domain.dossier import Actor, DocumentRef
from chalicelib.flows import chains, sfn, store, tasks
from chalicelib.flows import parent as parents
from chalicelib.flows.model import REFUSED, SUPPLEMENT_NOT_ALLOWED, SUPPLEMENT_REQUESTED, FlowTask
from chalicelib.flows.tasks import Settled
from chalicelib.observability import logger, metrics


def _step(task: FlowTask) -> chains.ChainStep:
    flow = chains.flow(task.flow)
    if flow is None:
        raise KeyError(f"unknown flow {task.flow}")
    return flow.step(task.step)


def success(task: FlowTask, actor: Actor, refs: list[DocumentRef]) -> Settled:
    step = _step(task)

    def work() -> None:
        parents.collect_results(task.parent, actor=actor, step=step, refs=refs)
        sfn.succeed(task.token, {"outcome": "success", "documents": [r.id for r in refs]})

    settled = tasks.settle(task.token_hash, "success", work)
    if settled == "answered":
        tasks.mark(task.parent, task.step, "done", task=None)
        metrics.add_metric(name="FlowStepSucceeded", unit="Count", value=1)
    return settled


def refused(task: FlowTask, actor: Actor, reason: str) -> Settled:
    step = _step(task)

    def work() -> None:
        parents.note(task.parent, actor=actor, action="flow_refused", label="Cơ quan phối hợp từ chối giải quyết",
                     text=f"{step.name}: {reason}")  # fmt: skip
        sfn.fail(task.token, REFUSED, task.step)

    settled = tasks.settle(task.token_hash, "refused", work, reason)
    if settled == "answered":
        logger.info("flow step refused", extra={"dossier": task.parent, "step": task.step})
    return settled


def supplement(task: FlowTask, actor: Actor, reason: str) -> Settled:
    step = _step(task)

    def work() -> None:
        allowed = parents.request_supplement(task.parent, actor=actor, step=step, reason=reason)
        sfn.fail(task.token, SUPPLEMENT_REQUESTED if allowed else SUPPLEMENT_NOT_ALLOWED, task.step)

    return tasks.settle(task.token_hash, "supplement", work, reason)


def progress(task: FlowTask, actor: Actor, reason: str | None) -> None:
    """The agency is still working on it: a heartbeat (and its note on the parent, if any)."""
    sfn.heartbeat(task.token)
    if reason:
        parents.note(task.parent, actor=actor, action="flow_progress", label="Cơ quan phối hợp cập nhật tiến độ",
                     text=f"{_step(task).name}: {reason}")  # fmt: skip


def pending(token_hash: str) -> FlowTask | None:
    record = store.get_task(token_hash)
    return record.task if record and record.status == "pending" else None
