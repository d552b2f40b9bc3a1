"""The specialised software's two reports, applied once each (see the package docstring).

Checks, in order: the client was granted the route (403 ``FORBIDDEN_CAPABILITY``, by the route
wrapper); the dossier exists (404 ``NOT_FOUND``) and is of a procedure the client is scoped to
(403 ``FORBIDDEN_PROCEDURE``); for a status report, the client was granted that kind of process
action — never a withdrawal, a leader's action only if configured (403 ``FORBIDDEN_CAPABILITY``);
the ``event_id`` is new, or the same report again
(answered as the first time, ``replayed``), never another report under a used id (409
``SPECIALISED_EVENT_REUSED``) nor one still being applied (409 ``SPECIALISED_EVENT_IN_PROGRESS``);
then the report's own rules (``reports``) and the process's (``engine``, through
``services.dossiers``). A refused report changes nothing and may be sent again, corrected.

The audit trail records the client as the actor (``client:<id>``); the handler the software
names is recorded beside it as *asserted by the client* (``Actor.asserted``), never as an
officer's own act.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.auth.clients import ClientPrincipal, require_procedure
from chalicelib.domain.clients import require_action
from chalicelib.domain.dossier import Actor, AssertedPerson, Dossier
from chalicelib.domain.engine import ActionRequest
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError, conflict, invalid, not_found
from chalicelib.flows import parent as results
from chalicelib.observability import logger, metrics
from chalicelib.services import dossiers as service
from chalicelib.specialised import events, outage, reports
from chalicelib.store import catalogue, dossiers

RESULT_ACTION = "specialised_result"
RESULT_LABEL = "Phần mềm chuyên ngành trả kết quả giải quyết"


def _dossier(client: ClientPrincipal, code: str) -> Dossier:
    dossier = dossiers.get(code)
    if dossier is None:
        raise not_found("Không tìm thấy hồ sơ.")
    require_procedure(client, dossier.procedure_code)
    return dossier


def _once(client: ClientPrincipal, event_id: str, code: str, fingerprint: str,
          apply: Callable[[bool], dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    """Run ``apply(taken_over)`` for a new ``event_id`` and keep its answer; answer a repeat with it."""
    claim = events.claim(client.client_id, event_id, code, fingerprint)
    if claim.outcome == "done":
        return {**(claim.answer or {}), "replayed": True}
    if claim.outcome == "reused":
        raise conflict("Mã sự kiện đã được dùng cho một báo cáo khác.", "SPECIALISED_EVENT_REUSED")
    if claim.outcome == "busy":
        raise conflict("Báo cáo cùng mã sự kiện đang được xử lý; vui lòng gửi lại sau.",
                       "SPECIALISED_EVENT_IN_PROGRESS")  # fmt: skip
    try:
        answer = apply(claim.outcome == "taken_over")
    except HosoError:
        events.release(client.client_id, event_id, claim.claimed_at)
        raise
    events.complete(client.client_id, event_id, answer)
    outage.reported(client.client_id, code)  # it answers again: its incident, if any, resolves
    return answer


def _actor(client: ClientPrincipal, dossier: Dossier, handler: reports.HandlerIn | None, role: Role) -> Actor:
    """The client itself, and the handler it names marked as asserted by it. A named hoso account
    must be an officer of the dossier's unit (it answers for an assignment), but the act stays the
    client's: it is the client's word that this person acted."""
    asserted = None
    if handler is not None:
        if handler.sub is not None:
            officer = catalogue.get_officer(handler.sub)
            if officer is None or not officer.roles_in(dossier.unit_code):
                raise invalid([FieldError("handler.sub", "Không phải tài khoản cán bộ của đơn vị xử lý hồ sơ.")])
        asserted = AssertedPerson(name=handler.name, sub=handler.sub)
    return Actor(sub=client.actor_sub, name=reports.actor_name(handler.name if handler else None, client.name),
                 role=role.value, unit_code=dossier.unit_code, asserted=asserted)  # fmt: skip


def report_status(client: ClientPrincipal, code: str, report: reports.StatusReportIn) -> dict[str, Any]:
    _dossier(client, code)

    def apply(taken_over: bool) -> dict[str, Any]:
        dossier = _dossier(client, code)
        process = service.process_of(dossier)
        if taken_over and _already_applied(dossier, client, report):
            return reports.response(dossier, [])
        action = reports.check_status_report(dossier, process, report)
        role = process.step(dossier.step_id).performer(action)
        require_action(client.grants, action.kind, role)
        assignee_name = None
        if report.assignee is not None:
            officer = catalogue.get_officer(report.assignee)
            if officer is None or Role.APPRAISER not in officer.roles_in(dossier.unit_code):
                raise invalid([FieldError("assignee", "Cán bộ được phân công không phải chuyên viên của đơn vị.")])
            assignee_name = officer.name
        request = ActionRequest(action_id=action.id, reason=report.reason, assignee=report.assignee,
                                assignee_name=assignee_name)  # fmt: skip
        after = service.system_act(code, request, _actor(client, dossier, report.handler, role))
        metrics.add_metric(name="SpecialisedStatusReport", unit="Count", value=1)
        logger.info("specialised status report", extra={"dossier": code, "client_id": client.client_id,
                                                        "action": action.id, "status": after.status})  # fmt: skip
        return reports.response(after, [])

    return _once(client, report.event_id, code, reports.fingerprint("status", code, report), apply)


def _already_applied(dossier: Dossier, client: ClientPrincipal, report: reports.StatusReportIn) -> bool:
    """After a crash between the change and its record: the dossier's latest event is this report's."""
    if dossier.step_id == report.from_step:
        return False
    latest = dossiers.events(dossier.code)[-1]
    named = report.handler.sub if report.handler else None
    asserted = latest.actor.asserted.sub if latest.actor.asserted else None
    return (latest.actor.sub, asserted, latest.from_step, latest.to_status, latest.note) == (
        client.actor_sub, named, report.from_step, report.status, report.reason.strip())


def report_results(client: ClientPrincipal, code: str, report: reports.ResultsReportIn) -> dict[str, Any]:
    _dossier(client, code)
    ids = [reports.result_document_id(client.client_id, report.event_id, i)
           for i in range(len(report.result_documents))]  # fmt: skip

    def apply(taken_over: bool) -> dict[str, Any]:
        dossier = _dossier(client, code)
        if taken_over and set(ids) <= {d.id for d in dossier.documents}:
            return reports.response(dossier, ids)
        reports.check_results_allowed(dossier)
        refs = results.store_results(
            [results.IncomingDocument(name=d.name, content_base64=d.content_base64, component_code=d.component_code,
                                      number=d.number)
             for d in report.result_documents],
            prefix="chuyen-nganh", issuer=client.name, id_for=lambda _sha, i: ids[i])  # fmt: skip
        names = ", ".join(r.name for r in refs)
        note = f"{names}. {report.note.strip()}" if report.note.strip() else names

        def add(d: Dossier) -> dict[str, Any]:
            known = {doc.id for doc in d.documents}
            return {"documents": [*d.documents, *(r for r in refs if r.id not in known)]}

        actor = _actor(client, dossier, report.handler, Role.APPRAISER)
        after = service.record(code, actor=actor, action=RESULT_ACTION, label=RESULT_LABEL, note=note, change=add,
                               expected_version=dossier.version)  # fmt: skip
        metrics.add_metric(name="SpecialisedResults", unit="Count", value=1)
        logger.info("specialised results", extra={"dossier": code, "client_id": client.client_id,
                                                  "documents": len(refs)})  # fmt: skip
        return reports.response(after, ids)

    return _once(client, report.event_id, code, reports.fingerprint("results", code, report), apply)
