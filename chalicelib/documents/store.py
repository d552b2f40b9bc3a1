"""Where result documents and printed forms live.

- The PDF bytes: the results bucket (``results/<dossier code>/<doc id>/v<n>-<attempt>.pdf``;
  versioned, encrypted, under object-lock retention by the bucket's default — infra) or, for
  printed forms, the attachments bucket (``forms/<dossier code>/…``). Every object carries its
  SHA-256 (S3 checksum and metadata). A signature adds a new object (``v2-…``, ``v3-…``): the
  earlier versions stay, locked, as the document's history. Objects are never overwritten:
  each attempt writes a key of its own (``<attempt>`` is random), and only if no object has
  that key (``If-None-Match: *``), so two officers signing at once cannot replace each
  other's file; the loser's object stays unreferenced and its transaction fails.
- The document's record: ``DOSSIER#<code>`` / ``DOC#<id>`` in the dossiers table (number,
  template, versions, signatures), written in the same transaction as the dossier's change
  (:func:`record_write`), so a crash between storing the PDF and recording it leaves the
  record and the dossier as they were (the stored object is simply not referenced yet).
  The dossier itself lists the current version as a
  :class:`~chalicelib.domain.dossier.DocumentRef` (what DVCQG sync and officers see).
- Result numbers (số/ký hiệu): ``RESULTNO#<unit>#<year>#<symbol>`` / ``SEQ`` in the
  counters table, an atomic counter.
- Download links: presigned GETs that live :data:`LINK_TTL_S` seconds and name exactly one
  object.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid

from pydantic import BaseModel, Field
from pynamodb.exceptions import DoesNotExist

from chalicelib import presign
from chalicelib.aws import client
from chalicelib.domain.dossier import DocumentRef
from chalicelib.settings import get_settings
from chalicelib.store.dossiers import Also, dossier_pk
from chalicelib.store.models import CounterItem, DocumentItem

LINK_TTL_S = 300  # an officer's download link: five minutes
PDF = "application/pdf"


class SignatureRecord(BaseModel):
    field: str
    signer_sub: str
    signer_name: str
    role: str
    reason: str
    at: dt.datetime
    certificate_subject: str
    certificate_serial: str


class VersionRecord(BaseModel):
    s3_key: str
    sha256: str
    size: int
    at: dt.datetime
    note: str


class DocumentRecord(BaseModel):
    id: str
    code: str
    kind: str = "result"
    name: str
    number: str = Field("", description="Số/ký hiệu, ví dụ 15/2026/GP-BX")
    template: str = ""
    created_at: dt.datetime
    created_by: str
    versions: list[VersionRecord] = Field(default_factory=list)
    signatures: list[SignatureRecord] = Field(default_factory=list)


def next_number(unit_code: str, year: int, symbol: str) -> str:
    counter = CounterItem(pk=f"RESULTNO#{unit_code}#{year}#{symbol}", sk="SEQ")
    counter.update(actions=[CounterItem.n.add(1)])
    return f"{int(counter.n)}/{year}/{symbol}"


def put_pdf(bucket: str, key: str, content: bytes) -> tuple[str, int]:
    digest = hashlib.sha256(content)
    # The algorithm header too: the results bucket's Object Lock refuses uploads without it.
    client("s3").put_object(
        Bucket=bucket, Key=key, Body=content, ContentType=PDF, ChecksumAlgorithm="SHA256",
        ChecksumSHA256=base64.b64encode(digest.digest()).decode(), Metadata={"sha256": digest.hexdigest()},
        IfNoneMatch="*",  # never replace a stored object (S3 answers 412 if the key exists)
    )
    return digest.hexdigest(), len(content)


def get_bytes(bucket: str, key: str) -> bytes:
    return client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def result_key(code: str, doc_id: str, version: int) -> str:
    """A fresh key for one attempt at storing version ``version`` (never an existing object's)."""
    return f"results/{code}/{doc_id}/v{version}-{uuid.uuid4().hex[:12]}.pdf"


def bucket_of(document: DocumentRef) -> str:
    s = get_settings()
    return s.results_bucket if document.kind in ("result", "opinion") else s.attachments_bucket


def record_write(record: DocumentRecord, *, new: bool) -> Also:
    """The record's write for the dossier's transaction (``services.dossiers.record(also=…)``):
    a new record only if none exists, an update only of an existing one. The dossier's version
    condition in the same transaction is what makes the update safe against a concurrent one
    (every change of a result record goes with a change of its dossier)."""
    item = DocumentItem(pk=dossier_pk(record.code), sk=f"DOC#{record.id}", data=record.model_dump(mode="json"))
    condition = DocumentItem.pk.does_not_exist() if new else DocumentItem.pk.exists()
    return lambda tx: tx.save(item, condition=condition)


def get_record(code: str, doc_id: str) -> DocumentRecord | None:
    try:
        item = DocumentItem.get(dossier_pk(code), f"DOC#{doc_id}", consistent_read=True)
    except DoesNotExist:
        return None
    return DocumentRecord.model_validate(item.data)


def presigned_link(bucket: str, key: str, file_name: str, content_type: str, ttl_s: int = LINK_TTL_S,
                   version_id: str | None = None) -> str:
    return presign.download_url(bucket, key, ttl_s, file_name=file_name, content_type=content_type,
                                version_id=version_id)


def stored_version(bucket: str, key: str, sha256: str) -> str | None:
    """Check that the object at ``key`` is the one recorded (its SHA-256): by S3's own checksum
    when it has one (S3 verified it on the write), otherwise by reading it. Answers the checked
    object's version id (``None`` in an unversioned bucket), so a link can name exactly it;
    raises :class:`IntegrityError` when the stored object is missing or differs."""
    s3 = client("s3")
    try:
        head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    except s3.exceptions.ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise IntegrityError(key) from None
        raise
    version_id = head.get("VersionId")
    checksum = head.get("ChecksumSHA256")
    if checksum and "-" not in checksum:  # a whole-object checksum (not a multipart one)
        matches = checksum == base64.b64encode(bytes.fromhex(sha256)).decode()
    else:
        extra = {"VersionId": version_id} if version_id and version_id != "null" else {}
        body = s3.get_object(Bucket=bucket, Key=key, **extra)["Body"].read()
        matches = hashlib.sha256(body).hexdigest() == sha256
    if not matches:
        raise IntegrityError(key)
    return str(version_id) if version_id else None


class IntegrityError(Exception):
    """A stored document is missing or is not the one recorded."""
