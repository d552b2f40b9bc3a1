"""Dossier changes that move flows on: :func:`on_dossier_changed` looks at a dossier as it is
now (not at what changed, so duplicates and reordering do no harm) and

- a child dossier (``FLOWCHILD#`` link) answers its step: finished → success with its results,
  refused → refusal, supplement requested → the applicant is asked through the parent, anything
  else → a heartbeat (the step is alive);
- a parent dossier with a flow: back from a supplement → the waiting steps are handed over
  again; withdrawn or stopped → its execution is stopped; a flow not started yet (a crash) →
  started;
- a dossier of a flow procedure just received (status 2, or 4 at the liên thông step) that is
  neither a parent nor a child → its flow starts;
- an inbound liên thông dossier (another ministry heads the chain) once processed → its result
  goes back through the coordinator (``coordinator.return_result``);
- a request for an outside agency's opinion not handed over yet → to the coordinator
  (``outside_consultations.hand_over``);
- then a dossier of a procedure handled by a specialised software is handed to it, once
  (``chalicelib.specialised.push``).

It is called for every committed transition: by the ``dossier_changes`` function
(``chalicelib.flows.changes``) for the outbox relay's events ``{"code", "seq"}`` on the
dossier-changes queue.
"""

from __future__ import annotations

from chalicelib.domain.dossier import Dossier
from chalicelib.flows import answers, chains, children, coordinator, outside_consultations, sfn, start, store, tasks
from chalicelib.flows import parent as parents
from chalicelib.flows.model import FlowState, child_outcome
from chalicelib.observability import logger
from chalicelib.specialised import push
from chalicelib.store import dossiers

CLOSED_STATUSES = frozenset({3, 7, 8})


def on_dossier_changed(code: str) -> None:
    dossier = dossiers.get(code)
    if dossier is None:
        return
    _flows(dossier)
    coordinator.return_result(dossier)  # an inbound liên thông step processed: its result goes back (§7.7)
    outside_consultations.hand_over(dossier)  # an outside agency consulted: the request goes to the coordinator
    push.on_dossier_changed(dossier)  # after the flows: a specialised software down never delays them


def _flows(dossier: Dossier) -> None:
    code = dossier.code
    link = store.get_link(code)
    if link is not None:
        child_changed(link, dossier)
        return
    state = store.get_state(code)
    if state is not None:
        parent_changed(state, dossier)
        return
    if _may_start(dossier):
        start.start_flow(code)


def _may_start(dossier: Dossier) -> bool:
    entering = dossier.status == 2 or (dossier.status == 4 and parents.offers(dossier, chains.COMPLETE_ACTION))
    return entering and start.flow_of(dossier.procedure_code) is not None and not children.is_child(dossier.code)


def child_changed(link: store.ChildLink, child: Dossier) -> None:
    task = answers.pending(link.task)
    if task is None:
        return
    actor = parents.system_actor(child.unit_code)
    outcome = child_outcome(child.status)
    if outcome == "success":
        step = chains.FLOWS[task.flow].step(task.step)
        answers.success(task, actor, parents.child_results(child, step.id))
    elif outcome == "refused":
        answers.refused(task, actor, f"Hồ sơ {child.code}: {children.last_reason(child)}")
    elif outcome == "supplement":
        answers.supplement(task, actor, children.supplement_content(child))
    else:
        try:
            sfn.heartbeat(task.token)
        except sfn.TaskOver:
            logger.info("child heartbeat after its task ended", extra={"dossier": child.code, "step": task.step})


def parent_changed(state: FlowState, parent: Dossier) -> None:
    if parent.status in CLOSED_STATUSES:
        if not state.finished:
            execution = sfn.describe(state.execution_arn)
            if execution is not None and execution["status"] == "RUNNING":
                sfn.stop(state.execution_arn, "Flow.DossierClosed", f"status {parent.status}")
            store.update_state(parent.code, lambda s: s.model_copy(update={"finished": True}))
        return
    if not state.started:
        start.start_flow(parent.code)
        return
    if parents.supplement_back(parent):
        for step in state.steps.values():
            if step.status == "waiting_supplement" and step.task:
                resume(step.task)


def resume(token_hash: str) -> None:
    """The applicant's supplement is in: the waiting step is handed over again (and marked so
    by its new hand-over)."""
    task = answers.pending(token_hash)
    if task is None:
        return
    tasks.settle(token_hash, "supplemented", lambda: sfn.succeed(task.token, {"supplemented": True}))
