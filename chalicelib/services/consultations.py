"""The consulted unit's side of a consultation (xin ý kiến, chalicelib.domain.consultation): its list,
the request with the documents it may read — and nothing else of the dossier —, and its answer.

Who may do what: an officer holding a processing role in the consulted unit reads the request and
the chosen documents and answers; anyone else (the dossier's own officers included, who see the whole
dossier through its own page) gets 404 here, so another unit cannot even learn that the request exists.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain import consultation as rules
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Actor, Consultation, DocumentRef, Dossier
from chalicelib.domain.roles import PROCESSING_ROLES, Role
from chalicelib.errors import HosoError, not_found
from chalicelib.services import attachments
from chalicelib.services import dossiers as dossier_service
from chalicelib.store import catalogue, dossiers
from chalicelib.store import consultations as lists

ANSWERING = (Role.APPRAISER, Role.HEAD, Role.LEADER)
STATES = {"open": lists.OPEN, "done": lists.DONE}


def listing(unit_code: str, state: str, officer: OfficerProfile, limit: int, cursor: str | None) -> lists.Page:
    dossier_service.require_unit(officer, unit_code)
    if state not in STATES:
        raise HosoError("INVALID_QUERY", "Tham số state chỉ nhận open hoặc done.", 400)
    return lists.page(unit_code, STATES[state], limit, cursor)


def _consulted(code: str, consultation_id: str, officer: OfficerProfile) -> tuple[Dossier, Consultation, set[Role]]:
    dossier = dossiers.get(code)
    found = rules.find(dossier, consultation_id) if dossier is not None else None
    roles = officer.roles_in(found.unit_code) & set(PROCESSING_ROLES) if found is not None else set()
    if dossier is None or found is None or not roles:
        raise not_found("Không tìm thấy yêu cầu xin ý kiến.")
    return dossier, found, roles


def _document(d: DocumentRef) -> dict[str, Any]:
    return {"id": d.id, "name": d.name, "content_type": d.content_type, "size": d.size, "kind": d.kind}


def view(code: str, consultation_id: str, officer: OfficerProfile) -> dict[str, Any]:
    """The request as the consulted unit sees it: the dossier's code, the asking unit, the
    consultation, and the documents it may read."""
    dossier, found, _ = _consulted(code, consultation_id, officer)
    asking = catalogue.get_unit(dossier.unit_code)
    return {
        "code": dossier.code,
        "asking_unit": dossier.unit_code,
        "asking_unit_name": asking.name if asking else dossier.unit_code,
        "consultation": found.model_dump(mode="json"),
        "documents": [_document(d) for d in rules.readable_by(dossier, found)],
    }


def document_link(code: str, consultation_id: str, doc_id: str, officer: OfficerProfile) -> dict[str, Any]:
    """A short-lived link to one document the consulted unit may read (404 for any other)."""
    dossier, found, _ = _consulted(code, consultation_id, officer)
    ref = next((d for d in rules.readable_by(dossier, found) if d.id == doc_id), None)
    if ref is None:
        raise not_found("Không tìm thấy tài liệu được chia sẻ với đơn vị.")
    from chalicelib.documents import service as documents  # documents' use cases build on the dossier service

    return documents.link_to(code, ref)


def answer(code: str, consultation_id: str, officer: OfficerProfile, opinion: str,
           upload_ids: list[str]) -> dict[str, Any]:
    """Record the consulted unit's opinion: its files, and the opinion letter signed by the officer,
    become documents of the dossier, with the answer and its audit event, in one transaction."""
    dossier, found, roles = _consulted(code, consultation_id, officer)
    role = next((r for r in ANSWERING if r in roles), None)
    if role is None:
        raise HosoError("FORBIDDEN_ROLE", "Chỉ chuyên viên hoặc lãnh đạo của đơn vị được hỏi trả lời ý kiến.", 403)
    actor = Actor(sub=officer.sub, name=officer.name, role=role.value, unit_code=found.unit_code)
    # refused before anything is stored or signed
    rules.answer(found, opinion, actor=actor, now=dossier_service.now(), documents=[], signed_document="")
    files = attachments.documents([attachments.Attaching(u) for u in upload_ids], owner=officer.sub, dossier=dossier,
                                  kind=attachments.INTERNAL)
    from chalicelib.documents import opinions  # reportlab, pyHanko: loaded by the first answer

    letter = opinions.signed_letter(dossier, found, opinion.strip(), officer)
    answered = rules.answer(found, opinion, actor=actor, now=dossier_service.now(),
                            documents=[f.id for f in files], signed_document=letter.id)

    def change(d: Dossier) -> dict[str, Any]:
        return {"documents": [*d.documents, *files, letter],
                "consultations": [answered if c.id == answered.id else c for c in d.consultations]}

    dossier_service.record(code, actor=actor, action="consultation_opinion",
                           label=f"Ý kiến tham gia của {found.unit_name or found.unit_code}",
                           note=answered.opinion or "",
                           change=change, expected_version=dossier.version)
    return view(code, consultation_id, officer)
