"""Use cases of a specialised software's outage (rules: ``model``; records: ``store``;
docs/specialised-outage.md).

- the push (``push``) tells it of each hand-over: ``pushed`` (the software took it; a
  failed-hand-over incident resolves), ``push_failed`` (counted; after the retries the dossier is
  queued and the software's incident opened or added to — the signal is then acknowledged, never
  retried into the dead-letter queue);
- the software's reports (``service``) tell it the software answers again: ``reported``;
- officers: the incidents affecting their units (``for_officer``), the hold on a dossier waiting
  for a software that is down (``check_hold``, called by ``services.dossiers.act``) and the
  continuation in hoso with a reason (``continue_in_hoso``);
- operators: every open incident and the latest resolved ones (``for_operators``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.auth import registry
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Actor, Dossier
from chalicelib.errors import FieldError, HosoError, conflict, invalid
from chalicelib.observability import count, logger
from chalicelib.services import dossiers as service
from chalicelib.specialised import model, store

CONTINUE_ACTION = "specialised_continued"
CONTINUE_LABEL = "Tiếp tục xử lý trên hoso (phần mềm chuyên ngành gặp sự cố)"
QUEUED_ACTION = "specialised_queued"
QUEUED_LABEL = "Phần mềm chuyên ngành gặp sự cố: hồ sơ chờ chuyển sang"
SILENT_ACTION = "specialised_silent"
SILENT_LABEL = "Phần mềm chuyên ngành không phản hồi về hồ sơ"
SYSTEM_SUB = "specialised-push"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def name_of(system: str) -> str:
    client = registry.get_client(system)
    return client.name if client is not None else system


def _system_actor(unit_code: str) -> Actor:
    return Actor(sub=SYSTEM_SUB, name="Hệ thống hoso", role="system", unit_code=unit_code)


def system_note(code: str, unit_code: str, action: str, label: str, text: str) -> None:
    from chalicelib.flows import parent  # the flows' retrying note (the flows import this package)

    parent.note(code, actor=_system_actor(unit_code), action=action, label=label, text=text)


def _opened(system: str, kind: str, at: dt.datetime) -> None:
    count("SpecialisedIncidentOpened")
    logger.error("specialised software incident opened", extra={"system": system, "kind": kind,
                                                                 "since": at.isoformat()})  # fmt: skip


# ---------------------------------------------------------------- push and reports
def pushed(dossier: Dossier, system: str) -> None:
    """The software took the dossier: it waits for the software's first report."""
    at = now()
    store.set_state(dossier.code, system, dossier.unit_code, "waiting", at, pushed=True)
    incident = store.get_open(system)
    if incident is not None and model.resolves(incident.kind, "push"):
        resolve(system, at)


def push_failed(dossier: Dossier, system: str, error: str) -> bool:
    """Count a failed push; True if the dossier is now queued for the software's return (the
    caller acknowledges the signal), False if it should be retried (the caller raises)."""
    attempts = store.failed_push(dossier.code, system, dossier.unit_code, error)
    if not model.should_queue(attempts, store.get_open(system) is not None):
        return False
    at = now()
    if not store.set_state(dossier.code, system, dossier.unit_code, "queued", at,
                           expect=frozenset({"waiting", "queued"})):  # fmt: skip
        return True  # continued by an officer meanwhile: nothing to queue
    if store.open_incident(system, "handover_failed", at, {model.affected_key(dossier.unit_code, dossier.code)}, error):
        _opened(system, "handover_failed", at)
    system_note(dossier.code, dossier.unit_code, QUEUED_ACTION, QUEUED_LABEL,
          f"Phần mềm chuyên ngành {name_of(system)} không nhận hồ sơ sau {attempts} lần gửi ({error[:200]}). Hồ sơ "
          "được gửi lại khi phần mềm hoạt động trở lại; cán bộ có thể tiếp tục xử lý trên hoso.")  # fmt: skip
    return True


def reported(system: str, code: str) -> None:
    """The software reported on a dossier: it answers again."""
    at = now()
    handover = store.get_handover(code)
    if handover is not None and handover.state in ("waiting", "silent", "queued"):
        store.set_state(code, handover.system, handover.unit_code, "answered", at,
                        expect=frozenset({"waiting", "silent", "queued"}))  # fmt: skip
    if store.get_open(system) is not None:
        resolve(system, at)


def silent(system: str, handovers: list[store.Handover], at: dt.datetime) -> int:
    """These dossiers got no report in time: held, and the software's incident opened or added to."""
    marked = [h for h in handovers
              if store.set_state(h.code, system, h.unit_code, "silent", at, expect=frozenset({"waiting"}))]  # fmt: skip
    if not marked:
        return 0
    keys = {model.affected_key(h.unit_code, h.code) for h in marked}
    if store.open_incident(system, "silent", at, keys, "không có phản hồi"):
        _opened(system, "silent", at)
    for h in marked:
        system_note(h.code, h.unit_code, SILENT_ACTION, SILENT_LABEL,
              f"Phần mềm chuyên ngành {name_of(system)} chưa báo tiến độ hồ sơ kể từ khi nhận. Cán bộ có thể tiếp "
              "tục xử lý trên hoso.")  # fmt: skip
    return len(marked)


def resolve(system: str, at: dt.datetime) -> None:
    closed = store.resolve(system, at)
    if closed is not None:
        count("SpecialisedIncidentResolved")
        logger.info("specialised software incident resolved", extra={"system": system, "id": closed.id})


# ---------------------------------------------------------------- officers
def check_hold(dossier: Dossier) -> None:
    """Before an officer's process action: 409 ``SPECIALISED_INCIDENT`` while the dossier waits for a
    software that is down (the officer continues it in hoso first, with a reason); a dossier still
    waiting for the software's first word is processed in hoso now, so it never turns silent."""
    handover = store.get_handover(dossier.code)
    if handover is None:
        return
    if model.held(handover.state):
        raise conflict(model.hold_message(name_of(handover.system)), "SPECIALISED_INCIDENT", system=handover.system)
    if handover.state == "waiting":  # officers process it in hoso: it no longer waits for the software's word
        store.set_state(dossier.code, handover.system, handover.unit_code, "answered", now(),
                        expect=frozenset({"waiting"}))  # fmt: skip


def for_officer(officer: OfficerProfile) -> list[dict[str, Any]]:
    """Open incidents affecting the officer's units, with only those units' dossiers."""
    units = {a.unit_code for a in officer.assignments}
    out = []
    for incident in store.incidents({}):
        mine = [d for d in incident.dossiers if d.unit_code in units]
        if mine:
            named = incident.model_copy(update={"dossiers": mine,
                                                "message": model.message(name_of(incident.system), incident.kind,
                                                                         incident.since)})  # fmt: skip
            out.append(named.model_dump(mode="json"))
    return out


def for_operators(history: int = 20) -> list[dict[str, Any]]:
    names: dict[str, str] = {}
    out = []
    for incident in store.incidents({}, history=history):
        name = names.setdefault(incident.system, name_of(incident.system))
        out.append(incident.model_copy(update={"message": model.message(name, incident.kind, incident.since)})
                   .model_dump(mode="json"))  # fmt: skip
    return out


def continue_in_hoso(code: str, reason: str, officer: OfficerProfile) -> Dossier:
    dossier = service.visible_dossier(code, officer)
    roles = officer.roles_in(dossier.unit_code)
    if not roles:
        raise HosoError("FORBIDDEN_ROLE", "Bạn không có vai trò xử lý hồ sơ tại đơn vị của hồ sơ.", 403)
    text = reason.strip()
    if not text:
        raise invalid([FieldError("reason", "Vui lòng nhập lý do tiếp tục xử lý trên hoso.")])
    handover = store.get_handover(code)
    state = handover.state if handover else None
    incident_open = handover is not None and store.get_open(handover.system) is not None
    if handover is None or not model.may_continue(state, incident_open):
        error_code, message = model.continue_refusal(state, incident_open)
        raise conflict(message, error_code)
    at = now()
    role = sorted(r.value for r in roles)[0]
    actor = service.actor_for(officer, dossier.unit_code, role)
    after = service.record(code, actor=actor, action=CONTINUE_ACTION, label=CONTINUE_LABEL,
                           note=f"Phần mềm chuyên ngành {name_of(handover.system)} gặp sự cố. Lý do: {text}",
                           expected_version=dossier.version,
                           also=lambda tx: store.continue_in(tx, code, handover, officer.sub, text, at))  # fmt: skip
    count("SpecialisedContinued")
    return after
