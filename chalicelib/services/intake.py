"""Intake use cases: an online dossier from DVCQG (SPEC §7.1) and a desk dossier entered by
a one-stop officer (FR-12). Both end in ONE transaction that allocates the dossier code."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from typing import Any

from chalicelib.domain import engine
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile, Procedure
from chalicelib.domain.dossier import Actor, Applicant, Channel, DocumentRef, Dossier, Fee, ReceivedComponent
from chalicelib.domain.finding import applicant_id_key
from chalicelib.domain.intake import (
    MAX_FILE_BYTES,
    Attachment,
    IntakeDossier,
    ProcedureIntake,
    canonical_body_hash,
    parse_desk_dossier,
    parse_dvcqg_dossier,
)
from chalicelib.domain.roles import Role
from chalicelib.edata import intake as edata_intake
from chalicelib.edata import store as edata_store
from chalicelib.edata.model import StoredDocument
from chalicelib.errors import FieldError, HosoError, bad_request, conflict, invalid
from chalicelib.integrations import downloads
from chalicelib.observability import count as count_metric
from chalicelib.observability import logger
from chalicelib.privacy import store as privacy_store
from chalicelib.services import attachments, variants
from chalicelib.services.dossiers import timing_for
from chalicelib.settings import get_settings
from chalicelib.store import catalogue, dossiers, files

DVCQG_ACTOR = Actor(sub="dvcqg", name="Cổng Dịch vụ công quốc gia", role="system", unit_code="")


def procedure_lookup(code: str, unit_code: Any = None) -> ProcedureIntake | None:
    """The procedure's intake facts at the receiving unit (its province's eForm additions, when
    the province's locally specific process applies there: ``services.variants``)."""
    procedure = catalogue.get_procedure(code)
    if procedure is None:
        return None
    schema = catalogue.get_eform(procedure.eform_code) if procedure.eform_code else None
    schema = variants.eform_for(procedure.code, unit_code if isinstance(unit_code, str) else None, schema)
    return ProcedureIntake(eform=schema, applicant_types=frozenset(procedure.applicant_types))


def unit_exists(code: str) -> bool:
    return catalogue.get_unit(code) is not None


def refuse_if_on_old_system(unit_code: str) -> None:
    """Never two intakes in parallel: a unit whose intake is still on the province's old system takes no new
    dossier in hoso (docs/migration-run.md, "Chuyển tiếp tiếp nhận")."""
    unit = catalogue.get_unit(unit_code)
    if unit is not None and unit.intake_system == "old":
        raise HosoError("INTAKE_ON_OLD_SYSTEM", f"Đơn vị {unit.name} đang tiếp nhận hồ sơ trên hệ thống cũ của tỉnh; "
                        "hoso chưa tiếp nhận hồ sơ mới của đơn vị này.", 409)


def _replay(ref: dossiers.DvcqgRefItem, body_hash: str) -> tuple[int, dict[str, Any]]:
    if ref.body_hash != body_hash:
        raise conflict(
            "Mã hồ sơ DVCQG đã được tiếp nhận với nội dung khác.", "DUPLICATE_DVCQG_REF", MaHoSo=ref.code
        )
    return 200, dict(ref.response)


def _store_attachments(parsed: IntakeDossier) -> list[DocumentRef]:
    return store_files(parsed.attachments)


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


def _new_dossier(parsed: IntakeDossier, procedure: Procedure, code: str, docs: list[DocumentRef],
                 now: dt.datetime) -> Dossier:
    unit = catalogue.get_unit(parsed.unit_code)
    names = {d.code: d.name for d in procedure.required_documents}
    return Dossier(
        code=code, dvcqg_ref=parsed.dvcqg_ref, procedure_code=procedure.code, procedure_name=procedure.name,
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


def open_dossier(parsed: IntakeDossier, *, direct: bool, actor: Actor, reference: dossiers.IntakeReference | None,
                 docs: list[DocumentRef], extra: dict[str, Any] | None = None) -> Dossier:
    """Register ``parsed`` as a new dossier (its code allocated, its first step placed); ``extra``
    sets more fields of the new dossier (e.g. the origin of an inbound liên thông step)."""
    return _open(parsed, direct=direct, actor=actor, reference=reference, docs=docs, extra=extra)


def _open(parsed: IntakeDossier, *, direct: bool, actor: Actor, reference: dossiers.IntakeReference | None,
          docs: list[DocumentRef], extra: dict[str, Any] | None = None) -> Dossier:
    procedure = catalogue.get_procedure(parsed.procedure_code)
    if procedure is None:  # parse_* already refused unknown procedures; the catalogue changed since
        raise HosoError("UNKNOWN_PROCEDURE", "Thủ tục hành chính không có trong danh mục.", 422)
    process = variants.process_for(procedure.code, parsed.unit_code, procedure.process_code)
    if process is None:
        raise HosoError("PROCESS_MISSING", "Thủ tục chưa được gán quy trình xử lý đã ban hành.", 409)
    refuse_if_on_old_system(parsed.unit_code)
    now = dt.datetime.now(VN_TZ)
    timing = timing_for(procedure.code, parsed.unit_code, now)

    def build(code: str) -> Dossier:
        new = _new_dossier(parsed, procedure, code, docs, now).model_copy(update=extra or {})
        placed, _ = engine.start(new, process, direct=direct, actor=actor, timing=timing)
        return placed

    # The first audit event depends only on the process, not on the code: compute it once.
    _, first_event = engine.start(_new_dossier(parsed, procedure, "pending", docs, now), process, direct=direct,
                                  actor=actor, timing=timing)
    return dossiers.create(build, unit_code=parsed.unit_code, received_on=now.date(), event=first_event,
                           reference=reference, response_for=_accepted_body)


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
    unit_code = payload.get("MaDonViTiepNhan") if isinstance(payload, dict) else None
    parsed = parse_dvcqg_dossier(payload, procedure_lookup=functools.partial(procedure_lookup, unit_code=unit_code),
                                 unit_lookup=unit_exists)
    docs = _store_attachments(parsed)
    reference = dossiers.IntakeReference(dvcqg_ref=parsed.dvcqg_ref or "", body_hash=body_hash)
    try:
        dossier = _open(parsed, direct=False, actor=DVCQG_ACTOR, reference=reference, docs=docs)
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


def _received_files(parsed: IntakeDossier, officer: OfficerProfile) -> list[DocumentRef]:
    """The files of the components the desk received: each component one the procedure asks for,
    each file the officer's own checked upload, given once (the checked bytes are immutable, so a
    refused intake leaves nothing to clean up). Reused e-data documents are not among them
    (:func:`_reused`)."""
    procedure = catalogue.get_procedure(parsed.procedure_code)
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
    parsed = parse_desk_dossier(payload, procedure_lookup=functools.partial(procedure_lookup, unit_code=unit_code),
                                unit_lookup=unit_exists)
    actor = Actor(sub=officer.sub, name=officer.name, role=Role.DESK.value, unit_code=unit_code)
    docs = _received_files(parsed, officer)
    reused = _reused(parsed, officer)
    try:
        dossier = _open(parsed, direct=True, actor=actor, reference=None, docs=[*docs, *(r for r, _ in reused)])
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
