"""Use cases of documents: issue a result, sign it (one or a batch), verify, download links,
printed forms. Every change to a dossier goes through ``services.dossiers.record`` (one
conditional transaction with its audit event and sync outbox record)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.documents import bounded, forms, lookup, offers, results, templates, trust
from chalicelib.documents import store as docstore
from chalicelib.domain import result_rule
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile, ResultKind, Unit
from chalicelib.domain.dossier import DocumentRef, Dossier
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DossierStatus
from chalicelib.errors import FieldError, HosoError, invalid, not_found
from chalicelib.lazy import lazy_import
from chalicelib.observability import logger
from chalicelib.services import dossiers as dossier_service
from chalicelib.settings import get_settings
from chalicelib.store import catalogue, uploads
from chalicelib.store import dossiers as dossier_repo

if TYPE_CHECKING:
    from chalicelib.documents import pdf as pdfkit
    from chalicelib.documents.signing import VerificationReport
else:
    pdfkit = lazy_import("chalicelib.documents.pdf")  # reportlab: loaded by the first document made

ISSUERS = frozenset({Role.APPRAISER, Role.HEAD, Role.LEADER, Role.CLERK})
SIGNERS = frozenset({Role.HEAD, Role.LEADER, Role.CLERK})
ISSUABLE = frozenset({DossierStatus.PROCESSING, DossierStatus.PROCESSED})
MINISTRY_PLACE = "Hà Nội"


def _role(officer: OfficerProfile, unit_code: str, allowed: frozenset[Role], what: str) -> Role:
    roles = officer.roles_in(unit_code) & allowed
    if not roles:
        raise HosoError("FORBIDDEN_ROLE", f"Bạn không có vai trò {what} tại đơn vị của hồ sơ.", 403)
    order = (Role.LEADER, Role.HEAD, Role.CLERK, Role.APPRAISER)
    return next(r for r in order if r in roles)


def _place(unit: Unit | None) -> str:
    """The place in the place-date line: the province or city of a provincial unit."""
    if unit is None or not unit.province_code:
        return MINISTRY_PLACE
    lowered = unit.name.lower()
    for marker in ("thành phố ", "tỉnh "):
        at = lowered.rfind(marker)
        if at >= 0:
            place = unit.name[at + len(marker):].strip()
            return f"Thành phố {place}" if place.lower() == "hồ chí minh" else place
    return unit.name


def _parent(unit: Unit | None) -> str:
    if unit is None or not unit.parent_code:
        return ""
    parent = catalogue.get_unit(unit.parent_code)
    return parent.name if parent else ""


def _letterhead(dossier: Dossier, number: str, day: dt.datetime) -> tuple[pdfkit.Letterhead, Unit | None]:
    unit = catalogue.get_unit(dossier.unit_code)
    agency = unit.name if unit else dossier.unit_code
    return pdfkit.Letterhead(_parent(unit), agency, number, _place(unit), day), unit


def _current_result(dossier: Dossier, doc_id: str) -> DocumentRef:
    ref = next((d for d in dossier.documents if d.id == doc_id and not d.deleted), None)
    if ref is None:
        raise not_found("Không tìm thấy tài liệu của hồ sơ.")
    return ref


# --- issuing -------------------------------------------------------------------------------
def _issuable(code: str, officer: OfficerProfile) -> tuple[Dossier, Role]:
    dossier = dossier_service.visible_dossier(code, officer)
    role = _role(officer, dossier.unit_code, ISSUERS, "soạn kết quả")
    if DossierStatus(dossier.status) not in ISSUABLE:
        raise HosoError("RESULT_NOT_ALLOWED", "Chỉ tạo kết quả cho hồ sơ đang xử lý hoặc đã xử lý xong.", 409)
    if any(ref.signers for ref in result_rule.current_results(dossier)):
        raise HosoError("RESULT_ALREADY_SIGNED", "Hồ sơ đã có kết quả được ký số; không tạo lại kết quả.", 409)
    return dossier, role


def draft_result(code: str, officer: OfficerProfile) -> dict[str, Any]:
    """The procedure's result template with its lines filled from the dossier, for the officer
    to check and edit before drawing the result up (``issue_result(fields=…)``)."""
    dossier = dossier_service.visible_dossier(code, officer)
    procedure = catalogue.get_procedure(dossier.procedure_code)
    _, template = templates.current(dossier.procedure_code)  # the latest published version, or the built-in
    schema = catalogue.get_eform(procedure.eform_code) if procedure and procedure.eform_code else None
    return {
        "template": template.key, "document_name": template.document_name, "title": template.title,
        "result_kind": (procedure.result_kind if procedure else ResultKind.TEMPLATE).value,
        "result_signed": procedure.result_signed if procedure else True,
        "sign_on_approval": procedure.sign_on_approval if procedure else False,
        "fields": [{"key": line.source, "label": line.label, "value": results.resolve(line.source, dossier, schema)}
                   for line in template.lines],
    }


def issue_result(code: str, officer: OfficerProfile, content: str = "",
                 fields: dict[str, str] | None = None) -> docstore.DocumentRecord:
    """Render the procedure's result template, number it, store it and attach it to the dossier
    as its (unsigned) result; an earlier unsigned draft is replaced (marked deleted). ``fields``:
    the officer's edits of the template's lines (by their source), printed instead of the
    dossier's values."""
    dossier, role = _issuable(code, officer)
    procedure = catalogue.get_procedure(dossier.procedure_code)
    _, template = templates.current(dossier.procedure_code)  # the latest published version, or the built-in
    unknown = sorted(set(fields or {}) - {line.source for line in template.lines})
    if unknown:
        raise invalid([FieldError(f"fields.{k}", "Mẫu kết quả không có trường này.") for k in unknown])
    schema = catalogue.get_eform(procedure.eform_code) if procedure and procedure.eform_code else None
    now = dossier_service.now()
    number = docstore.next_number(dossier.unit_code, now.year, template.symbol)
    head, _ = _letterhead(dossier, f"Số: {number}", now)
    leader = next((e.actor.name for e in reversed(dossier_repo.events(code)) if e.actor.role == Role.LEADER.value), "")
    content_pdf = results.render(template, dossier, head=head, signer_name=leader, content=content, schema=schema,
                                 lookup_url=lookup.lookup_url(code, lookup.token_for(code)), values=fields or {})
    file_name = f"{template.document_name} số {number.replace('/', '-')}.pdf"
    return _attach_result(dossier, officer, role, content_pdf, name=file_name, number=number, now=now,
                          component_code=template.component_code, template=template.key,
                          note="Tạo từ mẫu kết quả", label=f"Tạo văn bản kết quả số {number}")


def upload_result(code: str, officer: OfficerProfile, upload_id: str, number: str,
                  issued_on: dt.date | None = None) -> docstore.DocumentRecord:
    """An officer's uploaded PDF (checked by the upload flow) becomes the dossier's result, with the
    number and date printed on it; it can then be signed like a drawn-up result."""
    dossier, role = _issuable(code, officer)
    upload = uploads.get(upload_id)
    if upload is None or upload.owner != officer.sub:
        raise not_found("Không tìm thấy tệp tải lên.")
    if upload.status != "ready" or not upload.checked_key:
        raise HosoError("UPLOAD_NOT_READY", "Tệp chưa được kiểm tra xong hoặc đã bị từ chối.", 409)
    if upload.content_type != docstore.PDF:
        raise invalid([FieldError("upload_id", "Văn bản kết quả phải là tệp PDF (để ký số).")])
    content = docstore.get_bytes(get_settings().attachments_bucket, upload.checked_key)
    from chalicelib.documents import signing  # pyHanko: loaded only by the functions that sign or verify

    if not signing.is_signable(content):
        raise invalid([FieldError("upload_id", "Tệp không phải PDF hợp lệ (không đọc được cấu trúc PDF) nên không "
                                               "ký số được; vui lòng xuất lại tệp PDF.")])
    now = dossier_service.now()
    at = dt.datetime.combine(issued_on, dt.time(8), tzinfo=VN_TZ) if issued_on else now
    name = upload.file_name if upload.file_name.lower().endswith(".pdf") else f"{upload.file_name}.pdf"
    return _attach_result(dossier, officer, role, content, name=name, number=number.strip(), now=now, issued_at=at,
                          component_code="KQ", template="", note="Tải lên văn bản kết quả",
                          label=f"Tải lên văn bản kết quả số {number.strip()}")


def _attach_result(dossier: Dossier, officer: OfficerProfile, role: Role, content: bytes, *, name: str, number: str,
                   now: dt.datetime, component_code: str, template: str, note: str, label: str,
                   issued_at: dt.datetime | None = None) -> docstore.DocumentRecord:
    code = dossier.code
    doc_id = uuid.uuid4().hex[:16]
    key = docstore.result_key(code, doc_id, 1)
    sha256, size = docstore.put_pdf(get_settings().results_bucket, key, content)
    ref = DocumentRef(id=doc_id, name=name, component_code=component_code, s3_key=key, sha256=sha256,
                      content_type=docstore.PDF, size=size, kind="result", number=number,
                      issued_at=issued_at or now)
    record = docstore.DocumentRecord(
        id=doc_id, code=code, name=ref.name, number=number, template=template, created_at=now,
        created_by=officer.sub,
        versions=[docstore.VersionRecord(s3_key=key, sha256=sha256, size=size, at=now, note=note)],
    )

    def attach(d: Dossier) -> dict[str, Any]:
        kept = [x.model_copy(update={"deleted": True}) if x.kind == "result" and not x.deleted and not x.issuer
                else x for x in d.documents]
        return {"documents": [*kept, ref]}

    # the record and the dossier's reference in one transaction: a crash after storing the PDF
    # leaves an unreferenced object (a retry draws up a new one), never a half-recorded result
    dossier_service.record(code, actor=dossier_service.actor_for(officer, dossier.unit_code, role.value),
                           action="issue_result_document", label=label, change=attach,
                           expected_version=dossier.version, also=docstore.record_write(record, new=True))
    return record


# --- signing -------------------------------------------------------------------------------
def _signed_version(dossier: Dossier, ref: DocumentRef, officer: OfficerProfile, role: Role,
                    reason: str) -> tuple[DocumentRef, docstore.DocumentRecord]:
    """The result signed by ``officer`` (PAdES through eSign), its new version stored under a key of
    its own; the dossier and the record are not written (the caller adds them to its transaction)."""
    code, doc_id = dossier.code, ref.id
    record = docstore.get_record(code, doc_id)
    if ref.kind != "result" or record is None:
        raise HosoError("NOT_A_RESULT", "Chỉ ký số văn bản kết quả do hệ thống tạo.", 409)
    if any(s.signer_sub == officer.sub for s in record.signatures):
        raise HosoError("ALREADY_SIGNED", "Bạn đã ký văn bản này.", 409)
    current = docstore.get_bytes(docstore.bucket_of(ref), ref.s3_key)
    if hashlib.sha256(current).hexdigest() != ref.sha256:
        logger.error("stored result does not match its recorded hash", extra={"code": code, "doc_id": doc_id})
        raise HosoError("DOCUMENT_INTEGRITY", "Tệp kết quả lưu trữ không khớp giá trị băm đã ghi nhận.", 409)
    from chalicelib.documents import signing  # pyHanko: loaded only by the functions that sign or verify

    head, unit = _letterhead(dossier, "", dossier_service.now())
    signer = signing.SignerIdentity(officer.sub, officer.name, unit.name if unit else dossier.unit_code)
    try:
        signed = signing.sign_pdf(current, signer, document_id=f"{code}/{doc_id}", reason=reason, location=head.place)
    except signing.SigningFailed as err:
        raise HosoError(err.code, err.message, 502 if err.code == "ESIGN_UNAVAILABLE" else 409) from None
    now = dossier_service.now()
    version = len(record.versions) + 1
    key = docstore.result_key(code, doc_id, version)
    sha256, size = docstore.put_pdf(get_settings().results_bucket, key, signed.pdf)
    new_ref = ref.model_copy(update={"s3_key": key, "sha256": sha256, "size": size,
                                     "signers": [*ref.signers, officer.sub]})
    record = record.model_copy(update={
        "versions": [*record.versions, docstore.VersionRecord(s3_key=key, sha256=sha256, size=size, at=now,
                                                              note=f"Ký số: {officer.name}")],
        "signatures": [*record.signatures, docstore.SignatureRecord(
            field=signed.field_name, signer_sub=officer.sub, signer_name=officer.name, role=role.value, reason=reason,
            at=now, certificate_subject=signed.certificate_subject, certificate_serial=signed.certificate_serial)],
    })
    return new_ref, record


def _reason(role: Role, reason: str) -> str:
    return reason.strip() or ("Phê duyệt kết quả giải quyết" if role is Role.LEADER else "Xác thực văn bản kết quả")


def sign(code: str, doc_id: str, officer: OfficerProfile, reason: str = "") -> docstore.DocumentRecord:
    dossier = dossier_service.visible_dossier(code, officer)
    role = _role(officer, dossier.unit_code, SIGNERS, "ký số kết quả")
    why = _reason(role, reason)
    new_ref, record = _signed_version(dossier, _current_result(dossier, doc_id), officer, role, why)
    # the new version's key is this attempt's own (never overwritten, see docstore); the record
    # and the dossier's reference change together, conditional on the dossier's version read
    # above: of two officers signing at once, one wins, the other's object stays unreferenced
    dossier_service.record(
        code, actor=dossier_service.actor_for(officer, dossier.unit_code, role.value), action="sign_result",
        label=f"Ký số văn bản kết quả số {record.number}", note=why,
        change=lambda d: {"documents": [new_ref if x.id == doc_id else x for x in d.documents]},
        expected_version=dossier.version, also=docstore.record_write(record, new=False),
    )
    return record


def sign_on_approval(before: Dossier, after: Dossier, refs: list[DocumentRef], officer: OfficerProfile,
                     role: Role) -> tuple[Dossier, dossier_repo.Also]:
    """The leader's approval signs the result in the same act (``Procedure.sign_on_approval``):
    ``after`` with the signed versions and the records' writes for the approval's transaction.
    eSign failing raises before anything is written: the dossier stays as it was."""
    signed = [_signed_version(before, ref, officer, role, _reason(role, "")) for ref in refs]
    by_id = {ref.id: ref for ref, _ in signed}
    writes = [docstore.record_write(record, new=False) for _, record in signed]

    def also(tx: Any) -> None:
        for write in writes:
            write(tx)

    return after.model_copy(update={"documents": [by_id.get(d.id, d) for d in after.documents]}), also


@dataclass(frozen=True)
class BatchOutcome:
    code: str
    doc_id: str
    ok: bool
    error_code: str = ""
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def sign_batch(items: list[tuple[str, str]], officer: OfficerProfile, reason: str = "") -> list[BatchOutcome]:
    """Sign several dossiers' results; each one succeeds or fails on its own and the signer is
    told which (FR-10, FR-16: "sign several dossiers")."""
    outcomes = []
    for code, doc_id in items:
        try:
            sign(code, doc_id, officer, reason)
        except HosoError as err:
            outcomes.append(BatchOutcome(code, doc_id, False, err.code, err.message))
        else:
            outcomes.append(BatchOutcome(code, doc_id, True, message="Đã ký số thành công."))
    return outcomes


# --- verification and downloads -------------------------------------------------------------
VERIFY_TIMEOUT_S = 15.0  # within API Gateway's 29 s
VERIFY_MEMORY_BYTES = 384 * 1024 * 1024


def verify_bytes(content: bytes) -> VerificationReport:
    """Verify a PDF someone sent (or one stored): parsed in a child process with a deadline and
    a memory limit, so a PDF bomb is refused (422) instead of holding or exhausting the function."""
    from chalicelib.documents import signing  # pyHanko: loaded only by the functions that sign or verify

    roots = [r.dump() for r in trust.roots()]
    crls = trust.revocation_lists()
    try:
        return bounded.run(signing.verify_der, content, roots, crls, timeout_s=VERIFY_TIMEOUT_S,
                           memory_bytes=VERIFY_MEMORY_BYTES)
    except bounded.LimitExceeded as err:
        logger.warning("PDF verification exceeded its limits", extra={"limit": str(err), "size": len(content)})
        raise HosoError("PDF_TOO_COMPLEX", "Tệp PDF quá phức tạp để kiểm tra (vượt giới hạn thời gian hoặc bộ nhớ).",
                        422) from None
    except bounded.Failed as err:
        logger.warning("PDF verification failed", extra={"error": err.kind, "size": len(content)})
        if err.kind in {e.__name__ for e in signing.TOO_COMPLEX}:
            raise HosoError("PDF_TOO_COMPLEX", "Tệp PDF quá phức tạp để kiểm tra (dữ liệu nén hoặc cấu trúc lồng nhau "
                                               "vượt giới hạn).", 422) from None
        raise HosoError("PDF_UNREADABLE", "Không đọc được cấu trúc tệp PDF để kiểm tra chữ ký.", 422) from None


def verify_document(code: str, doc_id: str, officer: OfficerProfile) -> dict[str, Any]:
    dossier = dossier_service.visible_dossier(code, officer)
    ref = _current_result(dossier, doc_id)
    content = docstore.get_bytes(docstore.bucket_of(ref), ref.s3_key)
    report = verify_bytes(content).as_dict()
    report["stored_hash_matches"] = hashlib.sha256(content).hexdigest() == ref.sha256
    report["ok"] = report["ok"] and report["stored_hash_matches"]
    return report


def download_link(code: str, doc_id: str, officer: OfficerProfile) -> dict[str, Any]:
    dossier = dossier_service.visible_dossier(code, officer)
    return link_to(code, _current_result(dossier, doc_id))


def link_to(code: str, ref: DocumentRef) -> dict[str, Any]:
    """A short-lived link to document ``ref`` of dossier ``code`` (the caller checked who may read it)."""
    doc_id = ref.id
    bucket = docstore.bucket_of(ref)
    try:  # a link only to the bytes recorded, and to exactly that version of the object
        version_id = docstore.stored_version(bucket, ref.s3_key, ref.sha256)
    except docstore.IntegrityError:
        logger.error("stored document does not match its recorded hash", extra={"code": code, "doc_id": doc_id})
        raise HosoError("DOCUMENT_INTEGRITY", "Tệp lưu trữ không khớp giá trị băm đã ghi nhận.", 409) from None
    url = docstore.presigned_link(bucket, ref.s3_key, ref.name, ref.content_type, version_id=version_id)
    return {"url": url, "expires_in": docstore.LINK_TTL_S, "name": ref.name, "sha256": ref.sha256}


# --- printed forms (FR-19) ------------------------------------------------------------------
def form_context(dossier: Dossier, printed_at: dt.datetime) -> forms.FormContext:
    unit = catalogue.get_unit(dossier.unit_code)
    token = lookup.token_for(dossier.code)
    return forms.FormContext(
        dossier=dossier, events=dossier_repo.events(dossier.code), unit=unit, parent_agency=_parent(unit),
        place=_place(unit), procedure=catalogue.get_procedure(dossier.procedure_code),
        process=catalogue.get_process(dossier.process_code, dossier.process_version),
        lookup_url=lookup.lookup_url(dossier.code, token), check_token=token, printed_at=printed_at,
        calendar=dossier_service.calendar_for(dossier.unit_code),
    )


def form_offers(code: str, officer: OfficerProfile) -> list[offers.Offer]:
    """Every form with whether this dossier offers it now (``offers.RULES``)."""
    dossier = dossier_service.visible_dossier(code, officer)
    return offers.offers(dossier, dossier_repo.events(code), dossier_service.now())


def render_form(code: str, form: str, officer: OfficerProfile) -> bytes:
    if form not in forms.FORMS:
        raise not_found("Không có biểu mẫu này.")
    return _render_offered(dossier_service.visible_dossier(code, officer), form)


def _render_offered(dossier: Dossier, form: str) -> bytes:
    """The form rendered if the dossier offers it now; 409 ``FORM_NOT_AVAILABLE`` otherwise."""
    ctx = form_context(dossier, dossier_service.now())
    verdict = offers.offer(form, dossier, ctx.events, ctx.printed_at)
    if not verdict.offered:
        raise HosoError("FORM_NOT_AVAILABLE", f"Không in được “{verdict.name}”: {verdict.why}", 409)
    try:
        return forms.render(form, ctx)
    except forms.FormNotAvailable:
        raise HosoError("FORM_NOT_AVAILABLE", "Hồ sơ chưa đến bước có biểu mẫu này.", 409) from None


def _printed(content: bytes, key: str, name: str) -> dict[str, Any]:
    bucket = get_settings().attachments_bucket
    sha256, size = docstore.put_pdf(bucket, key, content)
    return {"url": docstore.presigned_link(bucket, key, name, docstore.PDF), "expires_in": docstore.LINK_TTL_S,
            "name": name, "sha256": sha256, "size": size}


def print_form(code: str, form: str, officer: OfficerProfile) -> dict[str, Any]:
    content = render_form(code, form, officer)
    return _printed(content, f"forms/{code}/{form}/{uuid.uuid4().hex}.pdf", f"{forms.FORMS[form][0]} — {code}.pdf")


def print_receipt_for_applicant(dossier: Dossier) -> dict[str, Any]:
    """The receipt (``tiep-nhan``) of a dossier whose applicant proved its code and check token
    (a kiosk's reprint, SPEC §7.9): the same PDF the desk prints, behind a short-lived link."""
    content = _render_offered(dossier, "tiep-nhan")
    code = dossier.code
    return _printed(content, f"forms/{code}/tiep-nhan/{uuid.uuid4().hex}.pdf",
                    f"{forms.FORMS['tiep-nhan'][0]} — {code}.pdf")


# --- the unit's registers (FR-19) ---------------------------------------------------------------
MAX_REGISTER_DAYS = {"so-theo-doi": 31, "danh-gia-dinh-ky": 92}  # a month's ledger, a quarter's evaluation
MAX_REGISTER_DOSSIERS = 2000  # what one request renders within API Gateway's time limit


def _period_dossiers(unit_code: str, start: dt.date, end: dt.date) -> list[Dossier]:
    """The unit's dossiers submitted (or received at the desk) in the period, oldest first."""
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=VN_TZ)
    hi = dt.datetime.combine(end, dt.time.max, tzinfo=VN_TZ)
    found: list[Dossier] = []
    cursor = None
    while True:
        page = dossier_repo.search(unit_code, received_from=lo, received_to=hi, limit=200, cursor=cursor)
        found += page.items
        if len(found) > MAX_REGISTER_DOSSIERS:
            raise HosoError("PERIOD_TOO_LARGE", f"Kỳ đã chọn có hơn {MAX_REGISTER_DOSSIERS} hồ sơ; vui lòng chọn "
                                                "khoảng thời gian ngắn hơn.", 422)
        cursor = page.cursor
        if not cursor:
            return found


def render_register(unit_code: str, form: str, start: dt.date, end: dt.date, officer: OfficerProfile) -> bytes:
    if form not in forms.UNIT_FORMS:
        raise not_found("Không có biểu mẫu này.")
    dossier_service.require_unit(officer, unit_code)
    if end < start or (end - start).days >= MAX_REGISTER_DAYS[form]:
        raise HosoError("INVALID_PERIOD", f"Kỳ phải có ngày kết thúc không trước ngày bắt đầu và dài tối đa "
                                          f"{MAX_REGISTER_DAYS[form]} ngày.", 422)
    unit = catalogue.get_unit(unit_code)
    if unit is None:
        raise not_found("Không tìm thấy đơn vị.")
    dossiers = _period_dossiers(unit_code, start, end)
    transfers: dict[str, dt.datetime] = {}
    if form == "so-theo-doi":  # the ledger lists what the desk received, and when it passed it on
        dossiers = [d for d in dossiers if d.received_at is not None]
        for d in dossiers:
            moved = forms.transferred_at(dossier_repo.events(d.code))
            if moved is not None:
                transfers[d.code] = moved
    ctx = forms.RegisterContext(unit=unit, parent_agency=_parent(unit), place=_place(unit), start=start, end=end,
                                dossiers=dossiers, transfers=transfers, printed_at=dossier_service.now())
    return forms.render_register(form, ctx)


def print_register(unit_code: str, form: str, start: dt.date, end: dt.date, officer: OfficerProfile) -> dict[str, Any]:
    content = render_register(unit_code, form, start, end, officer)
    name = f"{forms.UNIT_FORMS[form][0]} — {unit_code} — {start:%d-%m-%Y} đến {end:%d-%m-%Y}.pdf"
    return _printed(content, f"registers/{unit_code}/{form}/{uuid.uuid4().hex}.pdf", name)
