"""The consulted unit's opinion letter (văn bản tham gia ý kiến, chalicelib.domain.consultation): drawn
up from the opinion the officer wrote, signed (PAdES, through the eSign gateway like every result) by
that officer and stored in the results bucket under a fresh key; the caller records it with the answer
in the dossier's transaction."""

from __future__ import annotations

import uuid

from chalicelib.documents import store as docstore
from chalicelib.documents.service import _parent, _place, pdfkit
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Consultation, DocumentRef, Dossier
from chalicelib.errors import HosoError
from chalicelib.services import dossiers as dossier_service
from chalicelib.settings import get_settings
from chalicelib.store import catalogue

KIND = "opinion"


def signed_letter(dossier: Dossier, consultation: Consultation, opinion: str, officer: OfficerProfile) -> DocumentRef:
    """The opinion letter, signed by ``officer`` of the consulted unit and stored; eSign failing
    raises before anything is recorded."""
    from chalicelib.documents import signing  # pyHanko: loaded only by the functions that sign or verify

    unit = catalogue.get_unit(consultation.unit_code)
    agency = unit.name if unit else consultation.unit_code
    now = dossier_service.now()
    head = pdfkit.Letterhead(_parent(unit), agency, "", _place(unit), now)
    asking = catalogue.get_unit(dossier.unit_code)
    flowables = [
        pdfkit.letterhead(head),
        *pdfkit.title("Ý kiến tham gia", f"về hồ sơ {dossier.code}"),
        pdfkit.para(f"Kính gửi: {pdfkit.text(asking.name if asking else dossier.unit_code)}"),
        pdfkit.para(f"<b>Nội dung xin ý kiến:</b> {pdfkit.text(consultation.content)}"),
        pdfkit.para(f"<b>Ý kiến của {pdfkit.text(agency)}:</b> {pdfkit.text(opinion)}"),
        pdfkit.signatures(("Người cho ý kiến", "(Ký số)", officer.name)),
    ]
    content = pdfkit.build(flowables, title_text=f"Ý kiến tham gia về hồ sơ {dossier.code}",
                           subject=consultation.content[:200], author=agency)
    doc_id = uuid.uuid4().hex[:16]
    signer = signing.SignerIdentity(officer.sub, officer.name, agency)
    try:
        signed = signing.sign_pdf(content, signer, document_id=f"{dossier.code}/{doc_id}",
                                  reason="Ý kiến tham gia", location=head.place)
    except signing.SigningFailed as err:
        raise HosoError(err.code, err.message, 502 if err.code == "ESIGN_UNAVAILABLE" else 409) from None
    key = docstore.result_key(dossier.code, doc_id, 1)
    sha256, size = docstore.put_pdf(get_settings().results_bucket, key, signed.pdf)
    return DocumentRef(id=doc_id, name=f"Y-kien-{consultation.unit_code}-{dossier.code}.pdf", s3_key=key,
                       sha256=sha256, content_type=docstore.PDF, size=size, kind=KIND, issued_at=now,
                       signers=[officer.sub])
