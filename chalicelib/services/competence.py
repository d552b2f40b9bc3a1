"""Use cases of the transfer to the competent unit (rules: ``chalicelib.domain.competence``).

The transfer is one transition of the dossier (``chalicelib.store.dossiers.transition``): the
dossier's unit, step and assignment, its audit event and its outbox record (synced to DVCQG like
every step) are written in one transaction, conditional on the version read here — of two
concurrent transfers (or a transfer and any other act) exactly one lands, the other is a 409.
The unit's worklist, search and applicant indexes follow the dossier's unit, so it leaves the old
unit's lists and appears in the new unit's in that same write. A dossier other units work on (its
liên thông flow, read here from the flows' store; an opinion it waits for) is refused by the domain.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain import competence
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Dossier
from chalicelib.errors import FieldError, HosoError, conflict
from chalicelib.flows import chains
from chalicelib.flows import store as flows
from chalicelib.services import dossiers as service
from chalicelib.store import catalogue
from chalicelib.store import dossiers as repo

# A flow step still with another agency (``chalicelib.flows.model.StepStatus``).
WAITING_STEP = frozenset({"handed_over", "waiting_supplement", "escalated"})


def options(code: str, officer: OfficerProfile) -> dict[str, Any]:
    """Whether this officer may transfer the dossier now, and to which units."""
    dossier = service.visible_dossier(code, officer)
    allowed = competence.may_transfer(dossier, officer.roles_in(dossier.unit_code))
    units = []
    for unit_code in competence.candidates(dossier, catalogue.get_procedure(dossier.procedure_code)):
        unit = catalogue.get_unit(unit_code)
        if unit is not None:
            units.append({"code": unit.code, "name": unit.name})
    return {"allowed": allowed, "units": units if allowed else []}


def lien_thong(code: str) -> competence.LienThong:
    """The dossier's part in a liên thông flow: a step (child) of a parent's flow, or the parent
    of a flow that has not finished and the names of its steps still with other agencies."""
    link = flows.get_link(code)
    if link is not None:
        return competence.LienThong(parent=link.parent)
    state = flows.get_state(code)
    if state is None or state.finished:
        return competence.NOT_IN_LIEN_THONG
    flow = chains.flow(state.flow)
    waiting = tuple(flow.step(step_id).name if flow else step_id
                    for step_id, step in state.steps.items() if step.status in WAITING_STEP)  # fmt: skip
    return competence.LienThong(running=True, waiting_steps=waiting)


def transfer(code: str, to_unit: str, reason: str, officer: OfficerProfile) -> Dossier:
    dossier = service.visible_dossier(code, officer)
    roles = officer.roles_in(dossier.unit_code)
    competence.check(dossier, roles, catalogue.get_procedure(dossier.procedure_code), to_unit, reason,
                     lien_thong(code))
    unit = catalogue.get_unit(to_unit)
    if unit is None:  # named by the procedure but missing from the catalogue
        raise HosoError("INVALID_TRANSFER", "Không tìm thấy đơn vị được chọn.", 422,
                        errors=[FieldError("unit_code", "Không tìm thấy đơn vị được chọn.")])
    performer = next(r for r in sorted(competence.TRANSFERRERS) if r in roles).value
    after, event = competence.transferred(
        dossier, service.process_of(dossier), to_unit=unit, reason=reason,
        actor=service.actor_for(officer, dossier.unit_code, performer),
        calendar=service.calendar_for(unit.code), now=service.now(),
    )
    try:
        return repo.transition(dossier, after, event)
    except repo.VersionConflict:
        raise conflict("Hồ sơ vừa được cán bộ khác cập nhật hoặc đã được chuyển. Vui lòng tải lại.",
                       "VERSION_CONFLICT") from None


def unit_name(unit_code: str) -> str:
    """The unit's name for the officer's confirmation (its code if the catalogue lost it)."""
    unit = catalogue.get_unit(unit_code)
    return unit.name if unit else unit_code
