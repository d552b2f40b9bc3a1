"""Steps handled by hoso's own units: a child dossier in that unit's process.

The child is a real dossier (its own code from the unit's counter, its own audit trail, synced
like any other), received directly at the unit (its process's direct entry step), carrying the
parent's applicant, eForm data and documents — results of earlier steps included. Its first
audit event is by the flow's system actor, which is how a child of a flow procedure is told
apart from a parent (a child never starts a flow of its own).

Its status answers the step (``model.child_outcome``): 9/10 → success with its result
documents; 3/7/8 → refused; 5 → the applicant must supplement (through the parent). After the
supplement, handing the step over again resumes the same child (its "receive supplement"
action) instead of opening a new one; after a refusal, a retry opens a new child.
"""

from __future__ import annotations

from chalicelib.domain import engine
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.process import ActionKind
from chalicelib.flows import chains
from chalicelib.flows import parent as parents
from chalicelib.services import dossiers as service
from chalicelib.services import variants
from chalicelib.store import catalogue, dossiers


class HandoverError(Exception):
    """The step cannot be handed over as configured (Vietnamese message for the audit trail)."""


def _first_actor(code: str) -> str | None:
    first = next(iter(dossiers.events_after(code, 0)), None)
    return first.actor.sub if first else None


def is_child(code: str) -> bool:
    return _first_actor(code) == parents.SYSTEM_SUB


def create(parent: Dossier, step: chains.ChainStep, agency: chains.Agency) -> Dossier:
    procedure = catalogue.get_procedure(step.procedure_code)
    if procedure is None:
        raise HandoverError(f"Thủ tục {step.procedure_code} ({step.procedure_name}) chưa có trong danh mục.")
    unit_code = agency.unit or parent.unit_code
    unit = catalogue.get_unit(unit_code)
    process_code = step.process_code or procedure.process_code
    # the chain's own process for the step, else the procedure's at that unit (its province's variant, if approved)
    process = (catalogue.get_process(process_code) if step.process_code
               else variants.process_for(procedure.code, unit_code, procedure.process_code))
    if unit is None or process is None:
        raise HandoverError(f"Đơn vị {unit_code} hoặc quy trình {process_code} chưa có trong danh mục.")
    if process.code == chains.LIEN_THONG_PROCESS:
        raise HandoverError(f"Hồ sơ con của bước {step.name} không thể theo quy trình liên thông.")
    now = service.now()
    timing = service.timing_for(procedure.code, unit_code, now)
    actor = parents.system_actor(unit_code)
    documents = [d.model_copy(update={"kind": "submitted"}) for d in parent.documents
                 if not d.deleted and d.kind not in ("internal", "opinion")]
    text = f"Hồ sơ liên thông từ hồ sơ {parent.code}: {step.name}"

    new = Dossier(
        code="", procedure_code=procedure.code, procedure_name=procedure.name, field_code=procedure.field_code,
        field_name=procedure.field_name, unit_code=unit_code, province_code=unit.province_code,
        channel=parent.channel, result_delivery=parent.result_delivery, applicant=parent.applicant,
        summary=f"{procedure.name} (liên thông, hồ sơ gốc {parent.code})", form_data=parent.form_data,
        status=2, step_id="", process_code=process.code, process_version=process.version,
        submitted_at=now, step_started_at=now, documents=documents, created_at=now, updated_at=now,
    )
    placed, first_event = engine.start(new, process, direct=True, actor=actor, timing=timing, note=text)
    return dossiers.create(placed, first_event)


def resume_after_supplement(child: Dossier, parent: Dossier, step: chains.ChainStep) -> Dossier:
    """The applicant supplemented through the parent: give the child the new documents and take
    its "receive supplement" action, so its unit carries on."""
    actor = parents.system_actor(child.unit_code)
    known = {d.id for d in child.documents}
    new = [d.model_copy(update={"kind": "submitted"}) for d in parent.documents
           if not d.deleted and d.kind not in ("internal", "opinion") and d.id not in known]
    if new:
        parents.note(child.code, actor=actor, action="flow_supplement_forwarded", label="Nhận hồ sơ bổ sung",
                     text=f"Hồ sơ bổ sung từ hồ sơ gốc {parent.code}: " + ", ".join(d.name for d in new),
                     change=lambda d: {"documents": [*d.documents, *new]})  # fmt: skip
        child = parents.get(child.code)
    process_step = service.process_of(child).step(child.step_id)
    action = next((a for a in process_step.actions if a.kind is ActionKind.RECEIVE_SUPPLEMENT), None)
    if action is None:
        raise HandoverError(f"Quy trình của hồ sơ {child.code} không có thao tác tiếp nhận hồ sơ bổ sung.")
    return service.system_act(child.code, engine.ActionRequest(action_id=action.id, reason=step.name), actor)


def last_reason(child: Dossier) -> str:
    """Why a child was refused or sent back: the note of its latest audit event."""
    events = dossiers.events(child.code)
    return next((e.note for e in reversed(events) if e.note), "")


def supplement_content(child: Dossier) -> str:
    return child.supplements[-1].content if child.supplements else last_reason(child)
