"""Starting a parent dossier's flow (idempotent: every step may run again after a crash).

1. The flow state ``FLOW#<code>`` is created once, with the execution's name and ARN (the
   name is the dossier code and the flow: ``model.execution_name``).
2. The parent enters the flow: status 4 "đang xử lý liên thông" (``parent.start``).
3. The execution starts; an execution of that name that already exists is the same flow.
4. The state is marked started.
"""

from __future__ import annotations

import datetime as dt

from chalicelib.errors import HosoError
from chalicelib.flows import chains, model, sfn, store
from chalicelib.flows import parent as parents
from chalicelib.observability import logger, metrics
from chalicelib.services import dossiers as service
from chalicelib.store import catalogue


def flow_of(procedure_code: str) -> chains.Flow | None:
    procedure = catalogue.get_procedure(procedure_code)
    return chains.flow(procedure.flow) if procedure and procedure.flow else None


def start_flow(code: str, *, timing: model.FlowTiming | None = None,
               chosen: list[str] | None = None) -> model.FlowState:  # fmt: skip
    """Start the flow of ``code``'s procedure. ``timing`` replaces the legal deadlines (tests run
    in seconds); ``chosen`` replaces the applicant's choice of optional steps read from the eForm."""
    dossier = parents.get(code)
    flow = flow_of(dossier.procedure_code)
    if flow is None:
        raise HosoError("FLOW_NOT_CONFIGURED", "Thủ tục của hồ sơ không có luồng liên thông.", 409)
    steps = model.selected_steps(flow, dossier.form_data, chosen)
    if timing is None:
        silences = {s.id: chains.agency(s.agency).silence for s in steps}
        timing = model.legal_timing(flow, service.calendar_for(dossier.unit_code), service.now(), silences)
    machine = sfn.state_machine_arn(flow.state_machine)
    name = model.execution_name(code, flow.id)
    state = store.get_state(code)
    if state is None:
        state = model.FlowState(
            parent=code, flow=flow.id, state_machine=flow.state_machine, execution_name=name,
            execution_arn=sfn.execution_arn(machine, name), created_at=dt.datetime.now(dt.UTC),
        )
        if not store.create_state(state):
            state = store.get_state(code) or state
    if state.started:
        return state
    if parents.offers(dossier, chains.START_ACTION) or dossier.status == 2:
        parents.start(code, flow, steps)
    arn = sfn.start(machine, name, model.execution_input(flow, code, steps, timing))
    state = store.update_state(code, lambda s: s.model_copy(update={"started": True, "execution_arn": arn}))
    metrics.add_metric(name="FlowStarted", unit="Count", value=1)
    logger.info("flow started", extra={"dossier": code, "flow": flow.id, "execution": name})
    return state
