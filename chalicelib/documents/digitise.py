"""Digitising a paper component (FR-5 "digitise paper parts and sign them", FR-15): the desk or
the appraiser scans a paper the applicant handed in, attaches the scan, then makes it the
dossier's certified digitised copy — the scan (a PDF, or a picture put on an A4 page) signed
with the officer's PAdES signature through the eSign gateway, as results are
(:mod:`chalicelib.documents.signing`).

The signed copy is stored under a fresh key (never overwriting), then recorded in one
transaction with the dossier: the copy becomes the component's current document (a submitted
one: DVCQG and the applicant's e-data store get it), the scan it came from is marked replaced,
and the document record (``DOC#<id>``) keeps the signature, so the page can show who signed it
and verify it (``GET …/documents/{id}/verification``)."""

from __future__ import annotations

import hashlib
import uuid
from io import BytesIO

from chalicelib.documents import store as docstore
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import DocumentRef, Dossier
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError, not_found
from chalicelib.observability import logger
from chalicelib.services import dossiers as dossier_service
from chalicelib.settings import get_settings
from chalicelib.store import catalogue, files

DIGITISERS = frozenset({Role.DESK, Role.APPRAISER})
PICTURES = frozenset({"image/jpeg", "image/png", "image/tiff"})
DIGITISABLE = PICTURES | {docstore.PDF}
REASON = "Chứng thực bản số hóa từ bản giấy"


def picture_page(content: bytes) -> bytes:
    """A picture (a scanner's or a phone's) on an A4 page, scaled to fit its margins."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = ImageReader(BytesIO(content))
    width, height = picture.getSize()
    margin = 15 * mm
    scale = min((A4[0] - 2 * margin) / width, (A4[1] - 2 * margin) / height)
    out = BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawImage(picture, margin, A4[1] - margin - height * scale, width * scale, height * scale)
    page.showPage()
    page.save()
    return out.getvalue()


def _scan(dossier: Dossier, doc_id: str) -> DocumentRef:
    ref = next((d for d in dossier.documents if d.id == doc_id and not d.deleted), None)
    if ref is None:
        raise not_found("Không tìm thấy tài liệu của hồ sơ.")
    if ref.kind != "submitted" or ref.digitised_from:
        raise HosoError("NOT_DIGITISABLE", "Chỉ số hóa bản chụp, bản quét giấy tờ công dân nộp (chưa số hóa).", 409)
    if ref.content_type not in DIGITISABLE:
        raise HosoError("NOT_DIGITISABLE", "Chỉ số hóa được bản quét dạng PDF hoặc ảnh (JPEG, PNG, TIFF).", 409)
    return ref


def digitise(code: str, doc_id: str, officer: OfficerProfile) -> DocumentRef:
    """Sign the scan ``doc_id`` as the certified digitised copy of its paper; the new document."""
    dossier = dossier_service.visible_dossier(code, officer)
    roles = officer.roles_in(dossier.unit_code) & DIGITISERS
    if not roles:
        raise HosoError("FORBIDDEN_ROLE", "Chỉ cán bộ một cửa hoặc chuyên viên thụ lý số hóa thành phần hồ sơ.", 403)
    role = Role.DESK if Role.DESK in roles else Role.APPRAISER
    scan = _scan(dossier, doc_id)
    bucket = get_settings().attachments_bucket
    content = docstore.get_bytes(bucket, scan.s3_key)
    if hashlib.sha256(content).hexdigest() != scan.sha256:
        logger.error("stored document does not match its recorded hash", extra={"code": code, "doc_id": doc_id})
        raise HosoError("DOCUMENT_INTEGRITY", "Tệp lưu trữ không khớp giá trị băm đã ghi nhận.", 409)
    from chalicelib.documents import signing  # pyHanko: loaded only by the functions that sign or verify

    unit = catalogue.get_unit(dossier.unit_code)
    new_id = uuid.uuid4().hex[:16]
    pdf = content if scan.content_type == docstore.PDF else picture_page(content)
    signer = signing.SignerIdentity(officer.sub, officer.name, unit.name if unit else dossier.unit_code)
    try:
        signed = signing.sign_pdf(pdf, signer, document_id=f"{code}/{new_id}", reason=REASON,
                                  location=unit.name if unit else dossier.unit_code)
    except signing.SigningFailed as err:
        raise HosoError(err.code, err.message, 502 if err.code == "ESIGN_UNAVAILABLE" else 409) from None
    stored = files.put_document(bucket, signed.pdf, prefix="digitised")
    stem = scan.name.rsplit(".", 1)[0] if "." in scan.name else scan.name
    ref = DocumentRef(id=new_id, name=f"{stem} (bản số hóa).pdf", component_code=scan.component_code,
                      s3_key=stored.key, sha256=stored.sha256, content_type=stored.content_type, size=stored.size,
                      kind="submitted", copy_kind=scan.copy_kind, digitised_from=scan.id)
    now = dossier_service.now()
    record = docstore.DocumentRecord(
        id=new_id, code=code, kind="digitised", name=ref.name, created_at=now, created_by=officer.sub,
        versions=[docstore.VersionRecord(s3_key=stored.key, sha256=stored.sha256, size=stored.size, at=now,
                                         note=f"Số hóa từ {scan.name}")],
        signatures=[docstore.SignatureRecord(
            field=signed.field_name, signer_sub=officer.sub, signer_name=officer.name, role=role.value,
            reason=REASON, at=now, certificate_subject=signed.certificate_subject,
            certificate_serial=signed.certificate_serial)],
    )
    # the copy, the scan it replaces and the signature record in one transaction with the dossier's
    # version read above; a failure leaves only the stored object, never referenced
    dossier_service.record(
        code, actor=dossier_service.actor_for(officer, dossier.unit_code, role.value), action="digitise_document",
        label="Số hóa và ký số thành phần hồ sơ", note=ref.name,
        change=lambda d: {"documents": [*(x.model_copy(update={"deleted": True}) if x.id == scan.id else x
                                          for x in d.documents), ref]},
        expected_version=dossier.version, also=docstore.record_write(record, new=True))
    return ref
