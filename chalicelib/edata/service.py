"""Use cases of the e-data store: capture from the dossiers' stream, list an owner's documents
for a dossier, reuse one in a dossier, statistics (see the package docstring)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field
from pynamodb.exceptions import DoesNotExist

from chalicelib.aws import client
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import AuditEvent, DocumentRef, Dossier
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DossierStatus
from chalicelib.edata import model
from chalicelib.edata import store as edata
from chalicelib.errors import HosoError, conflict, not_found
from chalicelib.observability import logger
from chalicelib.privacy import service as access_log
from chalicelib.services import dossiers as dossier_service
from chalicelib.settings import get_settings
from chalicelib.store import catalogue
from chalicelib.store import dossiers as dossier_repo
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import DocumentItem, EventItem

REUSERS = frozenset({Role.DESK, Role.APPRAISER, Role.HEAD})


# --- capture (the dossiers table's stream) -----------------------------------------------------
def _signal(record: dict[str, Any]) -> tuple[str, int] | None:
    """(code, seq) of a committed audit event's outbox record, or None for any other change."""
    if record.get("eventName") != "INSERT":
        return None
    image = record.get("dynamodb", {}).get("NewImage", {})
    if not image.get("sk", {}).get("S", "").startswith("OUTBOX#"):
        return None
    data = json.loads(image["data"]["S"])
    return str(data["code"]), int(data["seq"])


def _event(code: str, seq: int) -> AuditEvent | None:
    try:
        item = EventItem.get(dossier_pk(code), f"EVENT#{seq:06d}", consistent_read=True)
    except DoesNotExist:
        return None
    return AuditEvent.model_validate(item.data)


def _number_and_signatures(code: str, ref: DocumentRef) -> tuple[str, int]:
    """The result's số/ký hiệu and signature count from its document record (kept by documents)."""
    try:
        data = DocumentItem.get(dossier_pk(code), f"DOC#{ref.id}", consistent_read=True).data
    except DoesNotExist:
        return "", 0
    return str(data.get("number", "")), len(data.get("signatures", []))


def store_issued(dossier: Dossier, at: dt.datetime) -> int:
    """Store the dossier's current results and components; answer how many changed."""
    owner, owner_kind = model.owner_of(dossier)
    changed = 0
    known: dict[str, set[str]] = {}
    for source, ref in model.documents_to_store(dossier):
        doc_type = model.doc_type(ref)
        item_id = model.item_id(dossier.code, ref.id)
        existing = edata.get_document(owner, doc_type, item_id)
        if existing is not None and existing.sha256 == ref.sha256:
            continue
        if existing is None and source == "submitted":
            # the same content stored from another dossier (e.g. reused from the store): once is enough
            hashes = known.setdefault(doc_type, {d.sha256 for d in edata.documents(owner, doc_type)})
            if ref.sha256 in hashes:
                continue
        number, signatures = _number_and_signatures(dossier.code, ref) if source == "result" else ("", 0)
        stored_at = existing.stored_at if existing else at
        edata.put_document(model.StoredDocument(
            owner=owner, owner_kind=owner_kind, id=item_id, doc_type=doc_type, name=ref.name, source=source,
            dossier_code=dossier.code, doc_id=ref.id, procedure_code=dossier.procedure_code,
            procedure_name=dossier.procedure_name, number=number, signatures=signatures,
            bucket="results" if source == "result" else "attachments", s3_key=ref.s3_key, sha256=ref.sha256,
            size=ref.size, content_type=ref.content_type, stored_at=stored_at, updated_at=at,
            retain_until=model.retain_until(source, stored_at),
            reuse_count=existing.reuse_count if existing else 0,
            last_reused_at=existing.last_reused_at if existing else None,
        ))
        changed += 1
    return changed


def keep_refused(dossier: Dossier, event: AuditEvent) -> None:
    owner, _ = model.owner_of(dossier)
    edata.put_refused(model.RefusedDossier(
        owner=owner, dossier_code=dossier.code, procedure_code=dossier.procedure_code,
        procedure_name=dossier.procedure_name, unit_code=dossier.unit_code, refused_at=event.at,
        refused_by=event.actor.name, stage="intake" if event.action == "refuse_intake" else "processing",
        reason=event.note, documents=[d for d in dossier.documents if not d.deleted],
        retain_until=model.retain_until("refused", event.at),
    ))


def capture_one(code: str, seq: int) -> None:
    event = _event(code, seq)
    what = model.capture_for(event) if event is not None else None
    if event is None or what is None:
        return
    dossier = dossier_repo.get(code)
    if dossier is None or not dossier.applicant.id_number.strip():
        return
    if what == "refused":
        keep_refused(dossier, event)
    else:
        store_issued(dossier, dossier_service.now())
    logger.info("e-data store updated", extra={"code": code, "seq": seq, "capture": what})


def capture(records: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """The stream consumer: records in order; on a failure, the batch is answered with the
    failed record's sequence number so the stream retries from there (ReportBatchItemFailures)."""
    for record in records:
        signal = _signal(record)
        if signal is None:
            continue
        try:
            capture_one(*signal)
        except Exception:
            logger.exception("e-data capture failed", extra={"code": signal[0], "seq": signal[1]})
            return {"batchItemFailures": [{"itemIdentifier": str(record["dynamodb"]["SequenceNumber"])}]}
    return {"batchItemFailures": []}


# --- officers ----------------------------------------------------------------------------------
class OwnerStore(BaseModel):
    owner: str
    wanted_types: list[str] = Field(description="Mã loại giấy tờ thủ tục của hồ sơ yêu cầu")
    documents: list[model.StoredDocument] = Field(description="Giấy tờ dùng lại được, loại thủ tục yêu cầu trước")
    refused_dossiers: list[model.RefusedDossier]
    stats: model.OwnerStats


def owner_stats(owner: str, officer: OfficerProfile) -> model.OwnerStats:
    """An owner's statistics for the ministry's administrator (the read is in the access log)."""
    owner = owner.strip()
    access_log.record(officer, "edata_stats", owner, access_log.admin_unit(officer))
    return model.stats(owner, edata.documents(owner), len(edata.refused_dossiers(owner)))


def _handled(code: str, officer: OfficerProfile) -> tuple[Dossier, str, list[str]]:
    """A dossier the officer's unit is handling now (404 otherwise, 409 once it is closed), its
    applicant and the document types its procedure asks for — the only ones offered from the
    applicant's store."""
    dossier = dossier_service.visible_dossier(code, officer)
    if DossierStatus(dossier.status) not in model.OPEN_FOR_DOCUMENTS:
        raise conflict("Hồ sơ không còn ở giai đoạn tiếp nhận, xử lý để dùng kho dữ liệu điện tử.", "DOSSIER_CLOSED")
    owner, _ = model.owner_of(dossier)
    procedure = catalogue.get_procedure(dossier.procedure_code)
    wanted = [d.code for d in procedure.required_documents] if procedure else []
    return dossier, owner, wanted


def for_dossier(code: str, officer: OfficerProfile, doc_type: str | None = None) -> OwnerStore:
    """The dossier's applicant's store as the officer handling the dossier sees it: only the
    documents of the types the dossier's procedure asks for, and the applicant's refused dossiers
    of the same procedure. The read is recorded in the access log first."""
    dossier, owner, wanted = _handled(code, officer)
    types = [t for t in wanted if doc_type in (None, t)]
    if not owner or not types:
        return OwnerStore(owner=owner, wanted_types=wanted, documents=[], refused_dossiers=[],
                          stats=model.stats(owner, [], 0))
    access_log.record(officer, "edata_list", owner, dossier.unit_code, dossier_code=code,
                      detail=f"thủ tục {dossier.procedure_code}; loại giấy tờ {', '.join(types)}")
    documents = [d for t in types for d in edata.documents(owner, t)]
    refused = [r.model_copy(update={"documents": [d for d in r.documents if model.doc_type(d) in wanted]})
               for r in edata.refused_dossiers(owner) if r.procedure_code == dossier.procedure_code]
    shown = model.rank([d for d in documents if d.dossier_code != code], wanted, dossier_service.now())
    return OwnerStore(owner=owner, wanted_types=wanted, documents=shown, refused_dossiers=refused,
                      stats=model.stats(owner, documents, len(refused)))


def copy_into_attachments(document: model.StoredDocument, code: str) -> str:
    """The stored bytes copied into the dossier's attachments; the copy's SHA-256 is checked."""
    s = get_settings()
    source = s.results_bucket if document.bucket == "results" else s.attachments_bucket
    key = f"documents/{document.sha256[:2]}/{uuid.uuid4().hex}"
    s3 = client("s3")
    try:
        copied = s3.copy_object(Bucket=s.attachments_bucket, Key=key, CopySource={"Bucket": source,
                                                                                   "Key": document.s3_key},
                                MetadataDirective="COPY", ChecksumAlgorithm="SHA256")
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            raise HosoError("EDATA_FILE_MISSING", "Không còn tệp của giấy tờ này trong kho lưu trữ.", 409) from None
        raise
    checksum = copied.get("CopyObjectResult", {}).get("ChecksumSHA256")
    if checksum is not None and base64.b64decode(checksum).hex() != document.sha256:
        s3.delete_object(Bucket=s.attachments_bucket, Key=key)
        logger.error("e-data copy does not match the stored hash", extra={"code": code, "item": document.id})
        raise HosoError("DOCUMENT_INTEGRITY", "Tệp lưu trữ không khớp giá trị băm đã ghi nhận.", 409)
    logger.info("e-data document copied", extra={"code": code, "item": document.id, "key": key})
    return key


def attach(code: str, officer: OfficerProfile, doc_type: str, item_id: str,
           component_code: str | None = None) -> DocumentRef:
    """Reuse a stored document in a dossier of the same owner instead of asking for it again: only
    a document of a type the dossier's procedure asks for (403 ``EDATA_TYPE_NOT_REQUIRED``)."""
    dossier, owner, wanted = _handled(code, officer)
    roles = officer.roles_in(dossier.unit_code) & REUSERS
    if not roles:
        raise HosoError("FORBIDDEN_ROLE", "Bạn không có vai trò bổ sung giấy tờ cho hồ sơ tại đơn vị này.", 403)
    if doc_type not in wanted:
        raise HosoError("EDATA_TYPE_NOT_REQUIRED", "Thủ tục của hồ sơ không yêu cầu loại giấy tờ này nên không được "
                        "lấy từ kho dữ liệu điện tử.", 403)
    access_log.record(officer, "edata_attach", owner, dossier.unit_code, dossier_code=code,
                      detail=f"loại giấy tờ {doc_type}; mục {item_id}")
    document = edata.get_document(owner, doc_type, item_id)
    if document is None:
        raise not_found("Không tìm thấy giấy tờ trong kho dữ liệu của chủ hồ sơ.")
    now = dossier_service.now()
    if not document.usable(now):
        raise conflict("Giấy tờ đã hết thời hạn lưu trữ trong kho.", "EDATA_EXPIRED")
    if any(d.sha256 == document.sha256 and not d.deleted for d in dossier.documents):
        raise conflict("Hồ sơ đã có giấy tờ này.", "ALREADY_ATTACHED")
    key = copy_into_attachments(document, code)
    ref = DocumentRef(id=uuid.uuid4().hex[:16], name=document.name, component_code=component_code or doc_type,
                      s3_key=key, sha256=document.sha256, content_type=document.content_type, size=document.size)
    role = next(r for r in (Role.DESK, Role.APPRAISER, Role.HEAD) if r in roles)
    origin = f"từ hồ sơ {document.dossier_code}" + (f", số {document.number}" if document.number else "")
    try:
        dossier_service.record(
            code, actor=dossier_service.actor_for(officer, dossier.unit_code, role.value),
            action="reuse_edata_document", label="Sử dụng lại giấy tờ từ Kho quản lý dữ liệu điện tử",
            note=f"{document.name} ({origin})", change=lambda d: {"documents": [*d.documents, ref]},
            expected_version=dossier.version,
        )
    except HosoError:
        client("s3").delete_object(Bucket=get_settings().attachments_bucket, Key=key)
        raise
    edata.count_reuse(document, now)
    return ref
