"""The e-data store's items and rules as plain data: what is stored when, how long it is kept,
what may be reused, and the statistics of an owner's store. No AWS here."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from pydantic import BaseModel, Field

from chalicelib.domain.dossier import AuditEvent, DocumentRef, Dossier
from chalicelib.domain.process import ActionKind
from chalicelib.domain.statuses import DossierStatus

Source = Literal["result", "submitted"]
Capture = Literal["issued", "refused"]

CITIZEN: Final = "1"  # LoaiDoiTuong
OTHER_TYPE: Final = "KHAC"  # a component without MaThanhPhanHoSo
RESULT_EVENTS: Final = frozenset({"issue_result_document", "sign_result"})
REFUSALS: Final = frozenset({ActionKind.REFUSE_INTAKE.value, ActionKind.REFUSE.value})
ISSUED: Final = frozenset({DossierStatus.PROCESSED, DossierStatus.DELIVERED})
# A stored document may be attached while the dossier is still being received or processed.
OPEN_FOR_DOCUMENTS: Final = frozenset({DossierStatus.NEW, DossierStatus.RECEIVED, DossierStatus.PROCESSING,
                                       DossierStatus.SUPPLEMENT_REQUESTED})


@dataclass(frozen=True)
class Retention:
    years: int
    expires: bool  # through the table's TTL
    rule: str


RETENTION: Final[dict[str, Retention]] = {
    "result": Retention(10, False, "Kết quả giải quyết TTHC: lưu tối thiểu 10 năm (thời hạn khóa của kho kết quả), "
                                   "không tự động xóa; hủy theo quy định của pháp luật về lưu trữ."),
    "submitted": Retention(5, True, "Thành phần hồ sơ: lưu 5 năm kể từ lần lưu hoặc lần sử dụng lại gần nhất."),
    "refused": Retention(5, True, "Hồ sơ bị từ chối: lưu 5 năm kể từ ngày từ chối."),
}


def retain_until(kind: str, start: dt.datetime) -> dt.datetime:
    years = RETENTION[kind].years
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def expires_at(kind: str, start: dt.datetime) -> int | None:
    """The TTL attribute (epoch seconds) of an item of this kind, or None if it never expires."""
    return int(retain_until(kind, start).timestamp()) if RETENTION[kind].expires else None


class StoredDocument(BaseModel):
    owner: str = Field(description="Số định danh cá nhân hoặc mã số doanh nghiệp")
    owner_kind: Literal["citizen", "organisation"]
    id: str
    doc_type: str = Field(description="Mã loại giấy tờ (MaThanhPhanHoSo)")
    name: str
    source: Source
    dossier_code: str
    doc_id: str
    procedure_code: str
    procedure_name: str
    number: str = Field("", description="Số/ký hiệu của kết quả")
    signatures: int = 0
    bucket: Literal["results", "attachments"]
    s3_key: str
    sha256: str
    size: int
    content_type: str
    stored_at: dt.datetime
    updated_at: dt.datetime
    retain_until: dt.datetime
    reuse_count: int = 0
    last_reused_at: dt.datetime | None = None

    def usable(self, now: dt.datetime) -> bool:
        return self.retain_until > now


class RefusedDossier(BaseModel):
    owner: str
    dossier_code: str
    procedure_code: str
    procedure_name: str
    unit_code: str
    refused_at: dt.datetime
    refused_by: str
    stage: Literal["intake", "processing"]
    reason: str
    documents: list[DocumentRef]
    retain_until: dt.datetime


class TypeStats(BaseModel):
    documents: int = 0
    bytes: int = 0
    reuses: int = 0


class OwnerStats(BaseModel):
    owner: str
    documents: int = Field(0, description="Số giấy tờ đang lưu")
    results: int = 0
    submitted: int = 0
    refused_dossiers: int = 0
    bytes: int = Field(0, description="Dung lượng lưu trữ (byte)")
    reuses: int = Field(0, description="Số lần giấy tờ được sử dụng lại")
    reused_documents: int = Field(0, description="Số giấy tờ đã được sử dụng lại ít nhất một lần")
    by_type: dict[str, TypeStats] = Field(default_factory=dict)
    last_stored_at: dt.datetime | None = None


# --- rules -----------------------------------------------------------------------------------
def owner_of(dossier: Dossier) -> tuple[str, Literal["citizen", "organisation"]]:
    kind: Literal["citizen", "organisation"] = "citizen" if dossier.applicant.kind == CITIZEN else "organisation"
    return dossier.applicant.id_number.strip(), kind


def item_id(dossier_code: str, doc_id: str) -> str:
    """Stable per (dossier, document): storing the same document again updates it in place."""
    return hashlib.sha256(f"{dossier_code}/{doc_id}".encode()).hexdigest()[:20]


def doc_type(ref: DocumentRef) -> str:
    return ref.component_code.strip() or OTHER_TYPE


# The OUTBOX# item's attribute saying what its event asks of the e-data store ("issued" or
# "refused"; absent: nothing). The stream mapping of ``edata_capture`` filters on it (infra/access.py),
# so only those records reach the function; ``capture`` still checks the event itself.
STREAM_MARK: Final = "capture"


def capture_for(event: AuditEvent) -> Capture | None:
    """What an audit event asks of the store: results issued (the dossier reached "processed"
    or "delivered", or its result was signed or redrafted there), a refusal, or nothing."""
    if event.action in REFUSALS:
        return "refused"
    if event.to_status in ISSUED and (event.from_status != event.to_status or event.action in RESULT_EVENTS):
        return "issued"
    return None


def documents_to_store(dossier: Dossier) -> list[tuple[Source, DocumentRef]]:
    """The dossier's current results and submitted components (deleted ones and the officers'
    internal working papers are not)."""
    return [("result" if d.kind == "result" else "submitted", d) for d in dossier.documents
            if not d.deleted and d.kind in ("result", "submitted")]


def stats(owner: str, documents: Iterable[StoredDocument], refused: int) -> OwnerStats:
    out = OwnerStats(owner=owner, refused_dossiers=refused)
    for d in documents:
        out.documents += 1
        out.results += d.source == "result"
        out.submitted += d.source == "submitted"
        out.bytes += d.size
        out.reuses += d.reuse_count
        out.reused_documents += d.reuse_count > 0
        per_type = out.by_type.setdefault(d.doc_type, TypeStats())
        per_type.documents += 1
        per_type.bytes += d.size
        per_type.reuses += d.reuse_count
        if out.last_stored_at is None or d.stored_at > out.last_stored_at:
            out.last_stored_at = d.stored_at
    return out


def rank(documents: Iterable[StoredDocument], wanted: Iterable[str], now: dt.datetime) -> list[StoredDocument]:
    """Usable documents, those of the types the procedure asks for first, newest first within."""
    wanted_types = set(wanted)
    usable = [d for d in documents if d.usable(now)]
    usable.sort(key=lambda d: d.updated_at, reverse=True)
    usable.sort(key=lambda d: d.doc_type not in wanted_types)
    return usable
