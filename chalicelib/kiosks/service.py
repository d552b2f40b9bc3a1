"""Self-service kiosks (SPEC §7.9): the device's calls, the desk taking its drafts, the
administrators registering and revoking devices. Rules in ``chalicelib.kiosks.model``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.auth import clients, registry
from chalicelib.documents import lookup
from chalicelib.documents import service as documents
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile, Unit
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError, invalid, not_found
from chalicelib.kiosks import model
from chalicelib.kiosks import store as kiosk_store
from chalicelib.observability import logger
from chalicelib.services import admin_access
from chalicelib.services import drafts as draft_service
from chalicelib.store import catalogue, dossiers

# --- the device -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    kiosk_id: str
    name: str
    unit: Unit


def device(client: clients.ClientPrincipal, now: dt.datetime) -> Device:
    """The kiosk calling (its kind was checked by the route: only kiosks hold the capability) and its
    unit, counted against its per-minute limit (429 ``KIOSK_RATE_LIMITED``)."""
    unit = catalogue.get_unit(client.unit_code) if client.unit_code else None
    if unit is None:  # a kiosk stored without a unit (before registration had one) serves nobody
        raise model.not_a_kiosk()
    if not kiosk_store.consume("all", client.client_id, model.DEVICE_PER_MINUTE, now):
        logger.info("kiosk rate limited", extra={"kiosk": client.client_id, "bucket": "all"})
        raise model.rate_limited("yêu cầu")
    return Device(client.client_id, client.name, unit)


def _limit(kiosk: Device, bucket: str, limit: int, what: str, now: dt.datetime) -> None:
    if not kiosk_store.consume(bucket, kiosk.kiosk_id, limit, now):
        logger.info("kiosk rate limited", extra={"kiosk": kiosk.kiosk_id, "bucket": bucket})
        raise model.rate_limited(what)


# --- procedures and guidance ----------------------------------------------------------------


def procedures(kiosk: Device) -> model.KioskProcedures:
    offered = [model.summary(p) for p in catalogue.list_procedures() if model.offered_by(p, kiosk.unit.code)]
    return model.KioskProcedures(unit_code=kiosk.unit.code, unit_name=kiosk.unit.name,
                                 items=sorted(offered, key=lambda p: p.code))


def procedure(kiosk: Device, code: str) -> model.KioskProcedure:
    found = catalogue.get_procedure(code) if len(code) <= 32 else None
    if found is None or not model.offered_by(found, kiosk.unit.code):
        raise not_found("Đơn vị không tiếp nhận thủ tục này.")
    eform = catalogue.get_eform(found.eform_code) if found.eform_code else None
    return model.detail(found, kiosk.unit.name, eform)


# --- what the citizen proved: status and receipt ----------------------------------------------


def _not_found() -> HosoError:
    # the public lookup's answer (chalicelib.api.public): an unknown code and a wrong token look alike
    return HosoError("NOT_FOUND", "Không tìm thấy hồ sơ hoặc mã tra cứu không đúng.", 404)


def _proven(kiosk: Device, proof: model.ProofIn, now: dt.datetime) -> Any:
    _limit(kiosk, "lookup", model.LOOKUPS_PER_MINUTE, "lượt tra cứu", now)
    code, token = proof.proof()
    # the dossier's own limit, from every kiosk and the public lookup together
    if not lookup.allow(f"code:{code}", now.timestamp(), lookup.CODE_LIMIT_PER_MINUTE):
        raise model.rate_limited("lượt tra cứu hồ sơ này")
    if not lookup.token_matches(code, token):
        raise _not_found()
    dossier = dossiers.get(code)
    if dossier is None:
        raise _not_found()
    return dossier


def status(kiosk: Device, proof: model.ProofIn, now: dt.datetime) -> lookup.PublicStatus:
    """The public status of the dossier the citizen proved (no personal data)."""
    dossier = _proven(kiosk, proof, now)
    logger.info("kiosk lookup", extra={"kiosk": kiosk.kiosk_id})
    return lookup.public_status(dossier, catalogue.get_process(dossier.process_code, dossier.process_version))


def receipt(kiosk: Device, proof: model.ProofIn, now: dt.datetime) -> dict[str, Any]:
    """The receipt PDF of the dossier the citizen proved (409 ``FORM_NOT_AVAILABLE`` before intake)."""
    dossier = _proven(kiosk, proof, now)
    logger.info("kiosk receipt reprint", extra={"kiosk": kiosk.kiosk_id, "code": dossier.code})
    return documents.print_receipt_for_applicant(dossier)


# --- intake drafts --------------------------------------------------------------------------


def create_draft(kiosk: Device, body: model.KioskDraftIn, now: dt.datetime) -> model.KioskTicket:
    """A draft waiting at the kiosk's unit's desk; the kiosk gets only its ticket."""
    _limit(kiosk, "draft", model.DRAFTS_PER_MINUTE, "tờ khai", now)
    found = catalogue.get_procedure(body.MaTTHC)
    if found is None or not model.offered_by(found, kiosk.unit.code):
        raise invalid([FieldError("MaTTHC", "Đơn vị không tiếp nhận thủ tục này.")])
    if kiosk_store.count_waiting(kiosk.unit.code, now) >= model.MAX_UNIT_DRAFTS:
        raise HosoError("KIOSK_DRAFTS_FULL", "Bộ phận Một cửa đang có quá nhiều tờ khai chờ tiếp nhận. Vui lòng khai "
                                             "trực tiếp tại quầy.", 409)
    for _ in range(5):
        ticket = model.new_ticket()
        data = body.draft_data(kiosk.unit.code, kiosk.kiosk_id, kiosk.name, ticket)
        if kiosk_store.put_draft(kiosk.unit.code, ticket, data, now, model.DRAFT_TTL_S):
            break
    else:  # 32^8 tickets: five collisions in a row do not happen
        raise RuntimeError("no free kiosk ticket")
    logger.info("kiosk draft created", extra={"kiosk": kiosk.kiosk_id, "unit": kiosk.unit.code})
    expires = (now + dt.timedelta(seconds=model.DRAFT_TTL_S)).astimezone(VN_TZ)
    return model.KioskTicket(ticket=ticket, procedure_code=found.code, procedure_name=found.name,
                             unit_name=kiosk.unit.name, expires_at=expires.strftime("%d/%m/%Y"))


def _desk_units(officer: OfficerProfile) -> list[str]:
    return sorted({a.unit_code for a in officer.assignments if a.role is Role.DESK})


def waiting_for_desk(officer: OfficerProfile, now: dt.datetime) -> list[draft_service.DraftSummary]:
    """The kiosk drafts waiting at the desks this officer works at (their ``id`` is the ticket)."""
    found = []
    for unit_code in _desk_units(officer):
        for item in kiosk_store.waiting(unit_code, now):
            data = item.data if isinstance(item.data, dict) else {}
            origin = data.get(model.KIOSK_KEY)
            origin = origin if isinstance(origin, dict) else {}
            found.append(draft_service.DraftSummary(
                id=item.sk, procedure_code=_text(data.get("MaTTHC")), unit_code=unit_code,
                applicant=_text(data.get("ChuHoSo")), updated_at=item.updated_at.astimezone(VN_TZ),
                expires_at=dt.datetime.fromtimestamp(item.expires_at or 0, VN_TZ), source="kiosk",
                kiosk_name=_text(origin.get("ten"))))
    return sorted(found, key=lambda d: d.updated_at, reverse=True)


def _text(value: Any) -> str | None:
    return (value.strip()[:255] or None) if isinstance(value, str) else None


def take(officer: OfficerProfile, unit_code: str, ticket: str, now: dt.datetime) -> draft_service.Draft:
    """The desk officer takes a kiosk draft: it becomes their own draft (``kiosk-<ticket>``), opened in
    the desk intake page; the unit's copy is gone, so a second officer gets 409 ``KIOSK_DRAFT_TAKEN``."""
    if Role.DESK not in officer.roles_in(unit_code):
        raise HosoError("FORBIDDEN_UNIT", "Bạn không phải cán bộ một cửa của đơn vị này.", 403)
    ticket = model.normalise_ticket(ticket)
    item = kiosk_store.get_draft(unit_code, ticket, now) if model.TICKET.fullmatch(ticket) else None
    if item is None:
        raise not_found("Không tìm thấy phiếu khai trước tại ki-ốt (sai số phiếu, đã hết hạn hoặc đã được tiếp nhận).")
    draft_id = f"{model.OFFICER_DRAFT_PREFIX}{ticket}"
    data = item.data if isinstance(item.data, dict) else {}
    draft, _ = draft_service.save(officer.sub, draft_id, data, now)
    if not kiosk_store.remove_draft(item):
        draft_service.delete(officer.sub, draft_id, now)
        raise HosoError("KIOSK_DRAFT_TAKEN", "Phiếu này vừa được cán bộ khác tiếp nhận.", 409)
    logger.info("kiosk draft taken", extra={"unit": unit_code, "by": officer.sub})
    return draft


# --- administration -------------------------------------------------------------------------


def _unit_province(unit_code: str | None, units: dict[str, Unit | None]) -> str | None:
    if unit_code is None:
        return None
    if unit_code not in units:
        units[unit_code] = catalogue.get_unit(unit_code)
    unit = units[unit_code]
    return unit.province_code if unit else None


def _in_scope(actor: admin_access.Administrator, province: str | None) -> bool:
    return actor.ministry or (province is not None and actor.province_code == province)


def list_kiosks(actor: admin_access.Administrator, unit_code: str | None) -> list[registry.IntegrationClient]:
    """The kiosks the administrator manages (a province's administrator: their province's units)."""
    units: dict[str, Unit | None] = {}
    kiosks: Iterable[registry.IntegrationClient] = (c for c in registry.list_clients() if c.kind is ClientKind.KIOSK)
    return [k for k in kiosks if (unit_code is None or k.unit_code == unit_code)
            and _in_scope(actor, _unit_province(k.unit_code, units))]


def register(actor: admin_access.Administrator, kiosk_id: str, name: str, unit_code: str,
             now: dt.datetime) -> tuple[registry.IntegrationClient, str]:  # fmt: skip
    """A new kiosk of ``unit_code``; its bearer token is returned once (only its hash is stored)."""
    unit = catalogue.get_unit(unit_code)
    if unit is None:
        raise invalid([FieldError("unit_code", "Không có đơn vị này.")])
    admin_access.require_province(actor, unit.province_code)
    token = registry.create_client(kiosk_id, name, [], now, kind=ClientKind.KIOSK, capabilities=[Capability.KIOSK],
                                   unit_code=unit.code)
    client = registry.get_client(kiosk_id)
    assert client is not None  # just created
    logger.info("kiosk registered", extra={"by": actor.sub, "kiosk": kiosk_id, "unit": unit.code})
    return client, token


def revoke(actor: admin_access.Administrator, kiosk_id: str, now: dt.datetime) -> registry.IntegrationClient:
    client = registry.get_client(kiosk_id)
    if client is None or client.kind is not ClientKind.KIOSK:
        raise not_found("Không tìm thấy ki-ốt.")
    province = _unit_province(client.unit_code, {})
    if not _in_scope(actor, province):
        admin_access.require_province(actor, province or "")
    revoked = registry.revoke_client(kiosk_id, now)
    logger.info("kiosk revoked", extra={"by": actor.sub, "kiosk": kiosk_id})
    return revoked
