"""Intake use cases: an online dossier from DVCQG (SPEC §7.1) and a desk dossier entered by
a one-stop officer (FR-12). Each reads the catalogue once (``IntakeContext``), places the new
dossier on its process once and ends in ONE transaction in which the store allocates its code."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from chalicelib.domain import engine
from chalicelib.domain.body_fields import MAX_FILE_BYTES
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile, Procedure, Unit
from chalicelib.domain.dossier import Actor, Applicant, Channel, DocumentRef, Dossier, Fee, ReceivedComponent
from chalicelib.domain.finding import applicant_id_key
from chalicelib.domain.intake_parse import canonical_body_hash, parse_desk_dossier, parse_dvcqg_dossier
from chalicelib.domain.intake_result import Attachment, IntakeDossier
from chalicelib.domain.roles import Role
from chalicelib.edata import intake as edata_intake
from chalicelib.edata import store as edata_store
from chalicelib.edata.model import StoredDocument
from chalicelib.errors import FieldError, HosoError, bad_request, conflict, invalid
from chalicelib.integrations import downloads
from chalicelib.observability import count as count_metric
from chalicelib.observability import logger
from chalicelib.privacy import store as privacy_store
from chalicelib.services import attachments
from chalicelib.services.dossiers import timing_at
from chalicelib.services.intake_context import IntakeContext
from chalicelib.settings import get_settings
from chalicelib.store import dossiers, files

DVCQG_ACTOR = Actor(sub="dvcqg", name="Cổng Dịch vụ công quốc gia", role="system", unit_code="")


def refuse_if_on_old_system(unit: Unit | None) -> None:
    """Never two intakes in parallel: a unit whose intake is still on the province's old system takes no new
    dossier in hoso (docs/migration-run.md, "Chuyển tiếp tiếp nhận")."""
    if unit is not None and unit.intake_system == "old":
        raise HosoError("INTAKE_ON_OLD_SYSTEM", f"Đơn vị {unit.name} đang tiếp nhận hồ sơ trên hệ thống cũ của tỉnh; "
                        "hoso chưa tiếp nhận hồ sơ mới của đơn vị này.", 409)


def _replay(ref: dossiers.DvcqgRefItem, body_hash: str) -> tuple[int, dict[str, Any]]:
    if ref.body_hash != body_hash:
        raise conflict(
            "Mã hồ sơ DVCQG đã được tiếp nhận với nội dung khác.", "DUPLICATE_DVCQG_REF", MaHoSo=ref.code
        )
    return 200, dict(ref.response)


def load_context(payload: Any) -> IntakeContext:
    """The catalogue's facts an intake body names (read once for the whole intake)."""
    if not isinstance(payload, dict):
        return IntakeContext.load(None, None)
    return IntakeContext.load(payload.get("MaTTHC"), payload.get("MaDonViTiepNhan"))


def store_files(attachments: Sequence[Attachment]) -> list[DocumentRef]:
    """Check every file DVCQG sent (downloaded or inline: type sniffed, size bounded) and store
    them; 422 naming each bad ``TaiLieuNop[i]`` and nothing stored unless all are acceptable."""
    bucket = get_settings().attachments_bucket
    problems: list[FieldError] = []
    contents: list[bytes] = []
    for i, attachment in enumerate(attachments):
        field = f"TaiLieuNop[{i}]"
        try:
            content = attachment.content
            if content is None and attachment.url:
                content = downloads.fetch(attachment.url, MAX_FILE_BYTES)
            files.sniff(content or b"")
            contents.append(content or b"")
        except downloads.DownloadFailed:
            problems.append(FieldError(f"{field}.DuongDanTaiTepTin", "Không tải được tệp từ địa chỉ đã cung cấp."))
        except files.UnsupportedFile:
            problems.append(FieldError(field, files.UNSUPPORTED_MESSAGE))
    if problems:  # nothing is stored unless every file is acceptable
        raise invalid(problems)
    docs = []
    for attachment, content in zip(attachments, contents, strict=True):
        stored = files.put_document(bucket, content)
        docs.append(DocumentRef(
            id=attachment.id, name=attachment.name, component_code=attachment.component_code or "",
            s3_key=stored.key, sha256=stored.sha256, content_type=stored.content_type, size=stored.size,
        ))
    return docs


def discard(docs: list[DocumentRef]) -> None:
    """Delete the files of an intake that registered nothing."""
    bucket = get_settings().attachments_bucket
    for doc in docs:
        files.delete_document(bucket, doc.s3_key)


def _new_dossier(parsed: IntakeDossier, procedure: Procedure, unit: Unit | None, docs: list[DocumentRef],
                 now: dt.datetime) -> Dossier:
    names = {d.code: d.name for d in procedure.required_documents}
    return Dossier(
        code="", dvcqg_ref=parsed.dvcqg_ref, procedure_code=procedure.code, procedure_name=procedure.name,
        field_code=procedure.field_code, field_name=procedure.field_name, unit_code=parsed.unit_code,
        province_code=unit.province_code if unit else "", channel=Channel(parsed.channel),
        result_delivery=parsed.result_delivery,
        applicant=Applicant(name=parsed.applicant_name, kind=parsed.applicant_kind, id_number=parsed.applicant_id,
                            email=parsed.email, phone=parsed.phone, address=parsed.address,
                            dvcqg_tech_id=parsed.dvcqg_tech_id,
                            id_key=applicant_id_key(parsed.applicant_id, privacy_store.hmac_key())),
        summary=parsed.summary or procedure.name, form_data=parsed.form_data,
        status=1, step_id="", process_code=procedure.process_code, process_version=0,
        submitted_at=parsed.submitted_at, step_started_at=now,
        fees=[Fee(code=f.code, name=f.name, amount=f.amount, kind=f.kind or "", collection=f.collection or "")
              for f in parsed.fees],
        documents=docs, created_at=now, updated_at=now,
        received_components=[ReceivedComponent(code=c.code, name=names.get(c.code, c.code), copy_kind=c.copy_kind)
                             for c in parsed.components],
    )


def open_dossier(parsed: IntakeDossier, context: IntakeContext, *, direct: bool, actor: Actor,
                 reference: dossiers.IntakeReference | None, docs: list[DocumentRef],
                 extra: dict[str, Any] | None = None) -> Dossier:
    """Register ``parsed`` as a new dossier: placed on its process's first step (once), then
    written by the store, which allocates its code; ``extra`` sets more fields of the new dossier
    (e.g. the origin of an inbound liên thông step)."""
    procedure = context.procedure
    if procedure is None or procedure.code != parsed.procedure_code:  # parse_* refused unknown procedures
        raise HosoError("UNKNOWN_PROCEDURE", "Thủ tục hành chính không có trong danh mục.", 422)
    if context.process is None:
        raise HosoError("PROCESS_MISSING", "Thủ tục chưa được gán quy trình xử lý đã ban hành.", 409)
    refuse_if_on_old_system(context.unit)
    now = dt.datetime.now(VN_TZ)
    new = _new_dossier(parsed, procedure, context.unit, docs, now).model_copy(update=extra or {})
    placed, first_event = engine.start(new, context.process, direct=direct, actor=actor,
                                       timing=timing_at(procedure, context.calendar, now))
    return dossiers.create(placed, first_event, reference=reference, response_for=_accepted_body)


def _accepted_body(dossier: Dossier) -> dict[str, Any]:
    return {"error_code": 0, "message": "Tiếp nhận hồ sơ thành công.", "MaHoSo": dossier.code,
            "MaHoSoDVCQG": dossier.dvcqg_ref, "TrangThaiHoSo": str(dossier.status)}


def receive_from_dvcqg(raw: bytes) -> tuple[int, dict[str, Any]]:
    """SPEC §7.1, for a request whose signature the route wrapper verified (401 unsigned):
    201 new, 200 same request again, 409 same reference with another body, 422 invalid."""
    payload = parse_json(raw)
    body_hash = canonical_body_hash(payload)
    ref_value = payload.get("MaHoSoDVCQG") if isinstance(payload, dict) else None
    if isinstance(ref_value, str) and (existing := dossiers.find_reference(ref_value)):
        return _replay(existing, body_hash)
    context = load_context(payload)
    parsed = parse_dvcqg_dossier(payload, procedure_lookup=context.procedure_lookup, unit_lookup=context.unit_known)
    docs = store_files(parsed.attachments)
    reference = dossiers.IntakeReference(dvcqg_ref=parsed.dvcqg_ref or "", body_hash=body_hash)
    try:
        dossier = open_dossier(parsed, context, direct=False, actor=DVCQG_ACTOR, reference=reference, docs=docs)
    except dossiers.DuplicateReference as dup:  # a concurrent twin won the race: its files are the ones kept
        discard(docs)
        return _replay(dup.ref, body_hash)
    except Exception:  # nothing was registered: leave no file behind either
        discard(docs)
        raise
    count_metric("DossierReceived")
    logger.info("dvcqg dossier received", extra={"code": dossier.code, "procedure": dossier.procedure_code})
    return 201, _accepted_body(dossier)


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise bad_request("Nội dung yêu cầu không phải JSON hợp lệ.", "INVALID_JSON") from None


def _received_files(parsed: IntakeDossier, procedure: Procedure | None, officer: OfficerProfile) -> list[DocumentRef]:
    """The files of the components the desk received: each component one the procedure asks for,
    each file the officer's own checked upload, given once (the checked bytes are immutable, so a
    refused intake leaves nothing to clean up). Reused e-data documents are not among them
    (:func:`_reused`)."""
    known = {d.code for d in procedure.required_documents} if procedure else set()
    problems = [FieldError(f"ThanhPhanHoSo[{i}].MaThanhPhanHoSo", "Thủ tục không có thành phần hồ sơ này.")
                for i, c in enumerate(parsed.components) if c.code not in known]
    codes = [c.code for c in parsed.components]
    problems += [FieldError(f"ThanhPhanHoSo[{i}].MaThanhPhanHoSo", "Thành phần hồ sơ đã có trong danh sách.")
                 for i, code in enumerate(codes) if code in codes[:i]]
    if problems:
        raise invalid(problems)
    docs: list[DocumentRef] = []
    for i, component in enumerate(parsed.components):
        docs += attachments.documents(
            [attachments.Attaching(u, component.code, component.copy_kind) for u in component.upload_ids],
            owner=officer.sub, dossier=None, kind=attachments.SUBMITTED, field=f"ThanhPhanHoSo[{i}].MaTepTaiLen")
    if len({d.id for d in docs}) != len(docs):
        raise HosoError("ALREADY_ATTACHED", "Một tệp chỉ được đính kèm cho một thành phần hồ sơ.", 409)
    return docs


def _reused(parsed: IntakeDossier, officer: OfficerProfile) -> list[tuple[DocumentRef, StoredDocument]]:
    """The applicant's e-data documents reused for the components (copied; FR-29)."""
    out: list[tuple[DocumentRef, StoredDocument]] = []
    try:
        for i, component in enumerate(parsed.components):
            if component.edata_ids:
                out += edata_intake.reused(officer, parsed.unit_code, parsed.applicant_id, component.code,
                                           component.copy_kind, component.edata_ids,
                                           f"ThanhPhanHoSo[{i}].MaGiayToKho")
    except Exception:
        discard([ref for ref, _ in out])
        raise
    return out


def receive_at_desk(payload: Any, officer: OfficerProfile) -> Dossier:
    """FR-12.1: a one-stop officer receives a dossier (desk, post, authorised person, mobile)."""
    unit_code = payload.get("MaDonViTiepNhan") if isinstance(payload, dict) else None
    if not isinstance(unit_code, str) or Role.DESK not in officer.roles_in(unit_code):
        raise HosoError("FORBIDDEN_UNIT", "Bạn không phải cán bộ một cửa của đơn vị tiếp nhận.", 403)
    context = load_context(payload)
    parsed = parse_desk_dossier(payload, procedure_lookup=context.procedure_lookup, unit_lookup=context.unit_known)
    actor = Actor(sub=officer.sub, name=officer.name, role=Role.DESK.value, unit_code=unit_code)
    docs = _received_files(parsed, context.procedure, officer)
    reused = _reused(parsed, officer)
    try:
        dossier = open_dossier(parsed, context, direct=True, actor=actor, reference=None,
                               docs=[*docs, *(r for r, _ in reused)])
    except Exception:  # nothing was registered: the copies from the e-data store go too
        discard([ref for ref, _ in reused])
        raise
    for _, stored in reused:
        edata_store.count_reuse(stored, dossier.created_at)
    count_metric("DossierReceived")
    return dossier


def replay(ref: dossiers.DvcqgRefItem, body_hash: str) -> tuple[int, dict[str, Any]]:
    """The answer to an intake request seen before: 200 with the first answer, 409 if the body differs."""
    return _replay(ref, body_hash)


def accepted_body(dossier: Dossier) -> dict[str, Any]:
    """The answer to an accepted intake (remembered for replays)."""
    return _accepted_body(dossier)
