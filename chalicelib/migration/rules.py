"""The migration's rules (docs/migration.md): check one old record against the mapping tables and hoso's
catalogue, and convert it to a hoso dossier with its history. Pure — no AWS: the caller (service.py)
loads the catalogue (:class:`Targets`), reads the files and writes the result.

Every refusal has a stable code (``MIGRATION_*``) and a Vietnamese message naming what is wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from chalicelib.domain.calendar import VN_TZ, WorkingCalendar
from chalicelib.domain.catalogue import Procedure, Unit
from chalicelib.domain.codes import parse_dossier_code
from chalicelib.domain.dossier import Actor, Applicant, AuditEvent, Channel, DocumentRef, Dossier, SupplementRound
from chalicelib.domain.identifiers import check_personal_number, check_tax_code
from chalicelib.domain.process import ActionKind, ProcessDefinition, Step
from chalicelib.domain.statuses import DEFAULT_CHART, DossierStatus
from chalicelib.errors import HosoError
from chalicelib.migration.deadline import Phase, remaining
from chalicelib.migration.mapping import MappingTables, StatusMapping
from chalicelib.migration.records import LegacyDossier

FINISHED = frozenset({DossierStatus.NOT_RECEIVED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED,
                      DossierStatus.PROCESSED, DossierStatus.DELIVERED})
RECEIVED = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.SUPPLEMENT_REQUESTED,
                      DossierStatus.AWAITING_PAYMENT, DossierStatus.PROCESSED, DossierStatus.DELIVERED})
MAX_HISTORY = 60  # one transaction carries the dossier, its history and its counters (DynamoDB: 100 items)
MIGRATION_ACTION = "migrate"


class Refused(Exception):
    """The record cannot be imported: ``code`` (stable) and a Vietnamese ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class Targets:
    """What the records are mapped onto: hoso's catalogue (units, procedures, their processes'
    published versions, officers' names) and each unit's working-day calendar."""

    units: dict[str, Unit]
    procedures: dict[str, Procedure]
    processes: dict[str, ProcessDefinition]  # process code → the version new dossiers follow
    officers: dict[str, str]  # sub → name
    calendars: dict[str, WorkingCalendar] = field(default_factory=dict)

    def calendar(self, unit_code: str) -> WorkingCalendar:
        return self.calendars.get(unit_code) or WorkingCalendar()


def parse(line: str) -> LegacyDossier:
    """One JSON Lines record; :class:`Refused` (``MIGRATION_BAD_RECORD``) if it is not the documented shape."""
    try:
        return LegacyDossier.model_validate(json.loads(line))
    except json.JSONDecodeError as err:
        raise Refused("MIGRATION_BAD_RECORD", f"Dòng không phải JSON hợp lệ ({err.msg}, cột {err.colno}).") from None
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(bản ghi)"
        raise Refused("MIGRATION_BAD_RECORD", f"Bản ghi không đúng cấu trúc: trường \"{where}\" — {first['msg']}.") \
            from None


def _status(mapping: MappingTables, old: str, old_code: str) -> StatusMapping:
    found = mapping.statuses.get(old)
    if found is None:
        raise Refused("MIGRATION_UNMAPPED_STATUS", f"Trạng thái \"{old}\" của hồ sơ {old_code} chưa có trong bảng đối "
                                                   "sánh trạng thái.")
    return found


@dataclass(frozen=True)
class Placed:
    """Where the record maps in hoso (checked: everything exists and fits)."""

    unit: Unit
    procedure: Procedure
    process: ProcessDefinition
    status: StatusMapping
    step: Step
    history: list[tuple[StatusMapping, Step]]  # each history entry's status, mapped


def place(record: LegacyDossier, mapping: MappingTables, targets: Targets) -> Placed:
    """Check the record against the mapping and the catalogue (completeness and consistency, docs/migration.md);
    :class:`Refused` with the first problem."""
    code = record.old_code
    unit_code = mapping.units.get(record.unit)
    if unit_code is None or unit_code not in targets.units:
        raise Refused("MIGRATION_UNKNOWN_UNIT", f"Đơn vị \"{record.unit}\" của hồ sơ {code} chưa được đối sánh với "
                                                "một đơn vị trong danh mục của hoso.")
    procedure_code = mapping.procedures.get(record.procedure)
    procedure = targets.procedures.get(procedure_code or "")
    if procedure is None:
        raise Refused("MIGRATION_UNKNOWN_PROCEDURE", f"Thủ tục \"{record.procedure}\" của hồ sơ {code} chưa được đối "
                                                     "sánh với một thủ tục trong danh mục của hoso.")
    if procedure.unit_codes and unit_code not in procedure.unit_codes:
        raise Refused("MIGRATION_PROCEDURE_NOT_AT_UNIT", f"Thủ tục {procedure.code} không được giải quyết tại đơn vị "
                                                         f"{unit_code} (hồ sơ {code}).")
    process = targets.processes.get(procedure.process_code)
    if process is None:
        raise Refused("MIGRATION_NO_PROCESS", f"Thủ tục {procedure.code} chưa có quy trình điện tử được ban hành.")
    status = _status(mapping, record.status, code)
    step = _step(process, status, code)
    history = [(s, _step(process, s, code)) for s in (_status(mapping, h.status, code) for h in record.history)]
    _check_applicant(record)
    _check_times(record, DossierStatus(status.status), mapping.exported_at)
    if len(record.history) > MAX_HISTORY:
        raise Refused("MIGRATION_HISTORY_TOO_LONG", f"Hồ sơ {code} có {len(record.history)} bước xử lý, quá "
                                                    f"{MAX_HISTORY} bước một lần chuyển đổi nhận được.")
    if DossierStatus(status.status) not in FINISHED and step.role.value == "appraiser" \
            and mapping.officers.get(record.officer) not in targets.officers:
        raise Refused("MIGRATION_UNMAPPED_OFFICER", f"Hồ sơ {code} đang được thẩm định bởi cán bộ \"{record.officer}\" "
                                                    "chưa được đối sánh với một cán bộ trong hoso.")
    return Placed(unit=targets.units[unit_code], procedure=procedure, process=process, status=status, step=step,
                  history=history)


def _step(process: ProcessDefinition, status: StatusMapping, old_code: str) -> Step:
    try:
        step = process.step(status.step)
    except KeyError:
        raise Refused("MIGRATION_UNKNOWN_STEP", f"Bước \"{status.step}\" (hồ sơ {old_code}) không có trong quy trình "
                                                f"{process.code} phiên bản {process.version}.") from None
    if int(step.status) != status.status:
        raise Refused("MIGRATION_STEP_STATUS", f"Bước \"{step.id}\" của quy trình {process.code} có trạng thái "
                                               f"{int(step.status)}, bảng đối sánh ghi {status.status} "
                                               f"(hồ sơ {old_code}).")
    return step


def _check_applicant(record: LegacyDossier) -> None:
    number = record.applicant.id_number.strip()
    if record.applicant.kind == "1":
        check = check_personal_number(number)
        if not check.acceptable:
            raise Refused("MIGRATION_INVALID_PERSONAL_NUMBER", f"Số định danh cá nhân \"{number}\" của người nộp hồ sơ "
                                                               f"{record.old_code} {check.problems[0]}.")
    elif not check_tax_code(number).valid and not check_personal_number(number).acceptable:
        raise Refused("MIGRATION_INVALID_TAX_CODE", f"Mã số thuế \"{number}\" của tổ chức nộp hồ sơ {record.old_code} "
                                                    "không hợp lệ.")


def _check_times(record: LegacyDossier, status: DossierStatus, exported_at: dt.datetime) -> None:
    code = record.old_code

    def inconsistent(what: str) -> Refused:
        return Refused("MIGRATION_INCONSISTENT", f"Hồ sơ {code}: {what}.")

    if status in RECEIVED and record.received_at is None:
        raise inconsistent("trạng thái đã tiếp nhận nhưng thiếu ngày tiếp nhận")
    if status in FINISHED and record.finished_at is None:
        raise inconsistent("đã kết thúc nhưng thiếu ngày kết thúc")
    if status not in FINISHED and record.finished_at is not None:
        raise inconsistent("đang xử lý nhưng có ngày kết thúc")
    if status is DossierStatus.DELIVERED and record.delivered_at is None:
        raise inconsistent("đã trả kết quả nhưng thiếu ngày trả kết quả")
    moments = record.moments()
    if moments != sorted(moments):
        raise inconsistent("các mốc thời gian (nộp, tiếp nhận, kết thúc, trả kết quả) không theo thứ tự")
    steps = [h.at for h in record.history]
    if steps != sorted(steps):
        raise inconsistent("nhật ký xử lý không theo thứ tự thời gian")
    if (steps and steps[0] < record.submitted_at) or max([*moments, *steps]) > exported_at:
        raise inconsistent("có mốc thời gian trước ngày nộp hoặc sau thời điểm trích xuất")
    if record.history and record.history[-1].status != record.status:
        raise inconsistent("trạng thái cuối của nhật ký khác trạng thái hiện tại")


def record_checksum(d: Dossier) -> str:
    """The per-dossier checksum reconcile compares: over the fields that matter (who, what, where, when,
    status, deadline, result files), as hoso holds them."""
    fields = {
        "procedure": d.procedure_code, "unit": d.unit_code, "status": d.status, "step": d.step_id,
        "applicant": [d.applicant.name, d.applicant.id_number], "channel": d.channel.value,
        "submitted_at": _utc(d.submitted_at), "received_at": _utc(d.received_at), "due_at": _utc(d.due_at),
        "finished_at": _utc(d.finished_at), "delivered_at": _utc(d.delivered_at), "assignee": d.assignee or "",
        "documents": sorted(f"{r.kind}:{r.sha256}:{r.size}" for r in d.documents if not r.deleted),
        "history": d.seq,
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _utc(at: dt.datetime | None) -> str:
    return at.astimezone(dt.UTC).isoformat() if at else ""


def keeps_old_code(old_code: str) -> bool:
    """The old code is a national-format dossier code (DVCQG knows the dossier by it): hoso keeps it,
    unless hoso already holds a dossier with that code (the caller checks)."""
    try:
        parse_dossier_code(old_code, sequence_width=None)
    except HosoError:
        return False
    return True


@dataclass(frozen=True)
class Converted:
    """The record as hoso stores it: ``build(code)`` makes the dossier once its code is known; the history as
    audit events (written before the chain, docs/integrity.md) and the migration's own event."""

    build: Callable[[str], Dossier]
    history: list[AuditEvent]
    migration_event: AuditEvent
    documents: list[tuple[str, DocumentRef]]  # (the file's key in the export's bucket, its reference in hoso)
    remaining_minutes: int | None  # in-flight: working minutes left at the export


def document_key(record: LegacyDossier, index: int, sha256: str) -> str:
    """Where an old file is copied to in hoso: one key per record and file, the same on every attempt (a
    resumed import writes the same object again, never a second one)."""
    old = hashlib.sha256(f"{record.unit}\x00{record.old_code}".encode()).hexdigest()[:24]
    return f"migration/{old}/{index:03d}-{sha256[:16]}"


def convert(record: LegacyDossier, placed: Placed, mapping: MappingTables, targets: Targets, *, run_id: str,
            now: dt.datetime, id_key: str) -> Converted:
    """Convert a placed record: finished ones as finished, in-flight ones at their mapped step with the
    remaining deadline (:mod:`chalicelib.migration.deadline`)."""
    status = DossierStatus(placed.status.status)
    unit = placed.unit
    calendar = targets.calendar(unit.code)
    last_at = record.history[-1].at if record.history else (record.received_at or record.submitted_at)
    assignee = mapping.officers.get(record.officer)
    assignee = assignee if assignee in targets.officers else None
    due_at, paused_at, left = record.due_at, None, None
    supplements: list[SupplementRound] = []
    if status not in FINISHED and record.received_at is not None and placed.procedure.legal_deadline is not None:
        phases = [Phase(at=h.at, paused=DEFAULT_CHART.pauses_clock(s.status),
                        supplement=s.status == DossierStatus.SUPPLEMENT_REQUESTED)
                  for h, (s, _) in zip(record.history, placed.history, strict=True)]
        recompute = any(a.recompute_deadline for st in placed.process.steps for a in st.actions
                        if a.kind is ActionKind.RECEIVE_SUPPLEMENT)
        deadline = remaining(calendar, placed.procedure.legal_deadline, received_at=record.received_at,
                             cutoff_15h=placed.procedure.cutoff_15h, phases=phases, exported_at=mapping.exported_at,
                             recompute_after_supplement=recompute)
        due_at, paused_at, left = deadline.due_at, deadline.paused_at, deadline.remaining_minutes
    if status is DossierStatus.SUPPLEMENT_REQUESTED and paused_at is not None:
        note = next((h.note for h in reversed(record.history) if h.at == paused_at), "")
        supplements = [SupplementRound(id=f"m-{len(record.history)}", requested_by=mapping.source,
                                       content=note or "Yêu cầu bổ sung (chuyển đổi từ hệ thống cũ)",
                                       requested_at=paused_at, due_before=due_at)]
    documents = [(d.s3_key, DocumentRef(
        id=f"m{i:03d}", name=d.name, component_code=d.component_code, s3_key=document_key(record, i, d.sha256),
        sha256=d.sha256, content_type=d.content_type, size=d.size, kind=d.kind,
        number=record.result.number if d.kind == "result" and record.result else "",
        issued_at=record.result.issued_at if d.kind == "result" and record.result else None,
        issuer=mapping.source if d.kind == "result" else "",
    )) for i, d in enumerate(record.documents, start=1)]
    history = _history(record, placed, mapping, unit.code)
    seq = len(history) + 1
    step_due = None
    if placed.step.deadline is not None and status not in FINISHED:
        own = calendar.add(last_at, placed.step.deadline)
        step_due = min(own, due_at) if due_at and DEFAULT_CHART.counts_time(status) else own
    migration_event = AuditEvent(
        seq=seq, at=now, actor=Actor(sub=f"migration:{run_id}", name="Chuyển đổi dữ liệu", role="system",
                                     unit_code=unit.code),
        action=MIGRATION_ACTION, label=f"Chuyển đổi từ {mapping.source}",
        from_step=history[-1].to_step if history else None, to_step=placed.step.id,
        from_status=history[-1].to_status if history else None, to_status=int(status),
        note=f"Mã hồ sơ trên hệ thống cũ: {record.old_code} (đơn vị {record.unit}); lần chuyển đổi {run_id}",
        due_at=due_at, step_due_at=step_due,
    )
    refs = [ref for _, ref in documents]

    def build(code: str) -> Dossier:
        return Dossier(
            code=code, dvcqg_ref=record.dvcqg_ref, procedure_code=placed.procedure.code,
            procedure_name=placed.procedure.name, field_code=placed.procedure.field_code,
            field_name=placed.procedure.field_name, unit_code=unit.code, province_code=unit.province_code,
            channel=Channel(record.channel),
            applicant=Applicant(name=record.applicant.name, kind=record.applicant.kind,
                                id_number=record.applicant.id_number.strip(), email=record.applicant.email,
                                phone=record.applicant.phone, address=record.applicant.address, id_key=id_key),
            summary=record.summary or f"{placed.procedure.name} (chuyển đổi, mã cũ {record.old_code})",
            form_data={**record.form_data, "migration": {"old_code": record.old_code, "old_unit": record.unit,
                                                         "source": mapping.source, "run_id": run_id}},
            status=int(status), step_id=placed.step.id, step_role=placed.step.role.value,
            process_code=placed.process.code, process_version=placed.process.version,
            assignee=assignee, assignee_name=targets.officers.get(assignee or ""),
            submitted_at=record.submitted_at, received_at=record.received_at, due_at=due_at,
            step_started_at=last_at, step_due_at=step_due, paused_at=paused_at,
            finished_at=record.finished_at, delivered_at=record.delivered_at,
            documents=refs, supplements=supplements, version=1, seq=seq, created_at=now, updated_at=now,
        )

    return Converted(build=build, history=history, migration_event=migration_event, documents=documents,
                     remaining_minutes=left)


def _history(record: LegacyDossier, placed: Placed, mapping: MappingTables, unit_code: str) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    before: tuple[str | None, int | None] = (None, None)
    for i, (h, (s, step)) in enumerate(zip(record.history, placed.history, strict=True), start=1):
        sub = mapping.officers.get(h.officer) or (f"legacy:{h.officer}" if h.officer else "legacy")
        events.append(AuditEvent(
            seq=i, at=h.at.astimezone(VN_TZ), actor=Actor(sub=sub, name=h.officer_name or mapping.source,
                                                          role=step.role.value, unit_code=unit_code),
            action=f"legacy:{h.action}", label=h.action, from_step=before[0], to_step=step.id,
            from_status=before[1], to_status=s.status, note=h.note,
        ))
        before = (step.id, s.status)
    return events
