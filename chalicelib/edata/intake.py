"""The applicant's e-data store at desk intake (FR-29 "reuse documents instead of asking again").

At intake there is no dossier yet, so the rule "only through a dossier the unit is handling"
becomes its intake equivalent — the same three limits, checked before anything is read:

- **the unit**: a desk officer of the receiving unit, for a procedure that unit receives;
- **the applicant**: the owner is the applicant being entered (their personal number or tax
  code); the documents reused are recorded on the dossier of that same applicant, in the
  intake's own transaction;
- **the documents**: only the types the procedure asks for.

Each list and each reuse is in the access log first (as ``edata_list`` / ``edata_attach``, the
intake named in the entry), and lists count against the officer's look-up limit at the desk (the
population look-ups' window: one applicant every few minutes)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from chalicelib.domain.catalogue import OfficerProfile, Procedure
from chalicelib.domain.dossier import DocumentRef
from chalicelib.edata import model
from chalicelib.edata import service as edata_service
from chalicelib.edata import store as edata
from chalicelib.errors import FieldError, HosoError, not_found
from chalicelib.privacy import service as access_log
from chalicelib.services import dossiers as dossier_service
from chalicelib.services.autofill import desk_unit
from chalicelib.store import catalogue


def received_procedure(officer: OfficerProfile, unit_code: str, procedure_code: str) -> tuple[str, Procedure]:
    """The unit (where the officer is a desk officer) and the procedure it receives."""
    unit = desk_unit(officer, unit_code)
    procedure = catalogue.get_procedure(procedure_code)
    if procedure is None or (procedure.unit_codes and unit not in procedure.unit_codes):
        raise not_found("Đơn vị không tiếp nhận thủ tục này.")
    return unit, procedure


def for_intake(officer: OfficerProfile, unit_code: str, procedure_code: str, owner: str) -> edata_service.OwnerStore:
    """What the applicant's store holds of the types the procedure asks for (and their refused
    dossiers of the same procedure), as the desk receiving it may see."""
    unit, procedure = received_procedure(officer, unit_code, procedure_code)
    owner = owner.strip()
    wanted = [d.code for d in procedure.required_documents]
    if not wanted:
        return edata_service.OwnerStore(owner=owner, wanted_types=[], documents=[], refused_dossiers=[],
                                        stats=model.stats(owner, [], 0))
    access_log.allow_population_lookup(officer)
    access_log.record(officer, "edata_list", owner, unit, dossier_code="tiếp nhận",
                      detail=f"thủ tục {procedure.code}; loại giấy tờ {', '.join(wanted)}")
    documents = [d for t in wanted for d in edata.documents(owner, t)]
    refused = [r.model_copy(update={"documents": [d for d in r.documents if model.doc_type(d) in wanted]})
               for r in edata.refused_dossiers(owner) if r.procedure_code == procedure.code]
    return edata_service.OwnerStore(owner=owner, wanted_types=wanted,
                                    documents=model.rank(documents, wanted, dossier_service.now()),
                                    refused_dossiers=refused, stats=model.stats(owner, documents, len(refused)))


def reused(officer: OfficerProfile, unit_code: str, owner: str, component_code: str, copy_kind: str,
           item_ids: Sequence[str], field: str) -> list[tuple[DocumentRef, model.StoredDocument]]:
    """The applicant's stored documents of one component copied into the new dossier's attachments
    (the copies and the items, whose reuse the caller counts once the intake is registered). The
    component is one the procedure asks for (the caller checked); each item must be of that type."""
    out: list[tuple[DocumentRef, model.StoredDocument]] = []
    now = dossier_service.now()
    for i, item_id in enumerate(item_ids):
        where = f"{field}[{i}]"
        access_log.record(officer, "edata_attach", owner.strip(), unit_code, dossier_code="tiếp nhận",
                          detail=f"loại giấy tờ {component_code}; mục {item_id}")
        document = edata.get_document(owner.strip(), component_code, item_id)
        if document is None:
            raise HosoError("EDATA_NOT_FOUND", "Không tìm thấy giấy tờ trong kho dữ liệu của chủ hồ sơ.", 422,
                            errors=[FieldError(where, "Không tìm thấy giấy tờ này trong kho của chủ hồ sơ.")])
        if not document.usable(now):
            raise HosoError("EDATA_EXPIRED", "Giấy tờ đã hết thời hạn lưu trữ trong kho.", 409,
                            errors=[FieldError(where, "Giấy tờ đã hết thời hạn lưu trữ trong kho.")])
        key = edata_service.copy_into_attachments(document, "tiếp nhận")
        out.append((DocumentRef(id=uuid.uuid4().hex[:16], name=document.name, component_code=component_code,
                                s3_key=key, sha256=document.sha256, content_type=document.content_type,
                                size=document.size, copy_kind=copy_kind), document))
    return out
