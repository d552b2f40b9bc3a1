"""The migration's use cases over one chunk (docs/migration.md): the same function runs in the operator's
command (``python -m chalicelib.migration``) and in the chunk Lambda of the Step Functions distributed map.

One chunk = one S3 object of JSON Lines under the run's prefix (``<prefix>/dossiers-00001.jsonl``, …);
the mapping tables are one JSON object beside them (``<prefix>/mapping.json``).

Modes:

- ``validate``: parse and check every record (mapping, catalogue, consistency, files and their SHA-256,
  duplicate old codes within the chunk); nothing is written;
- ``dry-run``: also convert every record (deadlines, codes) and look up what is imported already;
  nothing is written;
- ``import``: write every record that is not imported yet (one transaction each, idempotent by the old
  code: a record imported before counts ``already_imported``); its files copied into hoso's buckets;
- ``reconcile``: compare each record with what hoso holds (per-dossier checksum over the fields that
  matter, counts per unit and status from hoso's side) → differences (none after a clean import).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from chalicelib.aws import client
from chalicelib.domain.calendar import VN_TZ, WorkingCalendar
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.finding import applicant_id_key
from chalicelib.migration import rules
from chalicelib.migration import store as migration_store
from chalicelib.migration.mapping import MappingTables
from chalicelib.migration.records import LegacyDossier
from chalicelib.migration.report import (
    ALREADY_IMPORTED,
    DIFFERENCE,
    IMPORTED,
    MAPPED,
    MATCHED,
    ChunkReport,
    Difference,
    Problem,
)
from chalicelib.privacy import store as privacy_store
from chalicelib.reports.aggregates import month_of
from chalicelib.settings import get_settings
from chalicelib.store import catalogue

Mode = Literal["validate", "dry-run", "import", "reconcile"]
MODES: tuple[Mode, ...] = ("validate", "dry-run", "import", "reconcile")
MAPPING_NAME = "mapping.json"
CHUNK_SUFFIX = ".jsonl"


def list_chunks(bucket: str, prefix: str) -> list[str]:
    """The run's chunk keys (``<prefix>/*.jsonl``), in order."""
    keys: list[str] = []
    paginator = client("s3").get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix.rstrip("/") + "/"):
        keys += [o["Key"] for o in page.get("Contents", []) if o["Key"].endswith(CHUNK_SUFFIX)]
    return sorted(keys)


def mapping_key(prefix: str) -> str:
    return f"{prefix.rstrip('/')}/{MAPPING_NAME}"


def load_targets() -> rules.Targets:
    """hoso's catalogue as the records are mapped onto it (read once per chunk)."""
    units = {u.code: u for u in catalogue.list_units()}
    procedures = {p.code: p for p in catalogue.list_procedures()}
    processes = {}
    for code in {p.process_code for p in procedures.values()}:
        process = catalogue.get_process(code)
        if process is not None:
            processes[code] = process
    officers = {o.sub: o.name for o in catalogue.list_officers()}
    overrides = catalogue.list_calendar_overrides()
    calendars = {u.code: WorkingCalendar(overrides, u.office_hours) for u in units.values()}
    return rules.Targets(units=units, procedures=procedures, processes=processes, officers=officers,
                         calendars=calendars)


def record_hash(record: LegacyDossier) -> str:
    return hashlib.sha256(record.model_dump_json().encode()).hexdigest()


def _problem(report: ChunkReport, key: str, line: int, old_code: str, code: str, message: str) -> None:
    report.problem(Problem(chunk=key, line=line, old_code=old_code, code=code, message=message))


def _imported_differently(record: LegacyDossier, code: str) -> rules.Refused:
    return rules.Refused("MIGRATION_DUPLICATE_CODE", f"Mã hồ sơ cũ {record.old_code} (đơn vị {record.unit}) đã được "
                                                     f"chuyển thành hồ sơ {code} với nội dung khác.")


def run_prefix(chunk_key: str) -> str:
    """The run's prefix of a chunk (``<prefix>/dossiers-00001.jsonl``): the files' keys are relative to it."""
    return chunk_key.rsplit("/", 1)[0] if "/" in chunk_key else ""


def file_key(chunk_key: str, relative: str) -> str:
    prefix = run_prefix(chunk_key)
    return f"{prefix}/{relative}" if prefix else relative


def _check_files(record: LegacyDossier, bucket: str, chunk_key: str) -> list[bytes]:
    out = []
    for doc in record.documents:
        try:
            out.append(migration_store.read_file(bucket, file_key(chunk_key, doc.s3_key), doc.sha256))
        except migration_store.FileProblem as err:
            if err.kind == "missing":
                raise rules.Refused("MIGRATION_DOCUMENT_MISSING", f"Tệp \"{doc.name}\" của hồ sơ {record.old_code} "
                                                                  f"không có trong dữ liệu ({doc.s3_key}).") from None
            raise rules.Refused("MIGRATION_DOCUMENT_CHECKSUM", f"Tệp \"{doc.name}\" của hồ sơ {record.old_code} có "
                                                               "mã băm SHA-256 khác với mã ghi trong dữ liệu "
                                                               "(tệp hỏng hoặc bị thay đổi).") from None
    return out


def process_chunk(mode: Mode, bucket: str, key: str, mapping: MappingTables, *, run_id: str,
                  sync: bool = False) -> ChunkReport:
    """Do ``mode`` for every record of the chunk ``s3://bucket/key`` (see the module docstring) and report.

    Idempotent per record by the old code: run it again (after a failure, or twice) and nothing is written
    twice. Raises only when AWS itself fails (the chunk is then run again: what it wrote stays written)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    report = ChunkReport(mode=mode)
    body = client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    targets = load_targets()
    hmac = privacy_store.hmac_key() if mode in ("dry-run", "import", "reconcile") else b""
    seen: set[tuple[str, str]] = set()
    s = get_settings()
    for line_no, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        report.records += 1
        old_code = ""
        try:
            record = rules.parse(line)
            old_code = record.old_code
            if (record.unit, record.old_code) in seen:
                raise rules.Refused("MIGRATION_DUPLICATE_CODE", f"Mã hồ sơ cũ {record.old_code} (đơn vị {record.unit}) "
                                                                "xuất hiện hơn một lần trong dữ liệu.")
            seen.add((record.unit, record.old_code))
            placed = rules.place(record, mapping, targets)
            if mode == "reconcile":
                _reconcile(report, record, placed, mapping, targets, run_id, hmac, bucket, key)
                continue
            digest = record_hash(record)
            existing = migration_store.find_reference(record.unit, record.old_code) if mode != "validate" else None
            if existing is not None and existing.record_hash != digest:
                raise _imported_differently(record, existing.code)
            if existing is not None:
                report.outcome(ALREADY_IMPORTED)
                continue
            files = _check_files(record, bucket, key)
            now = dt.datetime.now(VN_TZ)
            id_key = applicant_id_key(record.applicant.id_number.strip(), hmac) if hmac else ""
            converted = rules.convert(record, placed, mapping, targets, run_id=run_id, now=now, id_key=id_key)
            preview = converted.build(record.old_code)
            month = month_of(preview.submitted_at)
            if mode in ("validate", "dry-run"):
                report.outcome(MAPPED)
                report.count(preview.unit_code, preview.status, month)
                continue
            for content, (_, ref) in zip(files, converted.documents, strict=True):
                migration_store.put_file(s.results_bucket if ref.kind == "result" else s.attachments_bucket,
                                         ref.s3_key, content, ref.content_type)
            received = (record.received_at or record.submitted_at).astimezone(VN_TZ).date()
            try:
                dossier = migration_store.write(
                    converted.build, unit_code=preview.unit_code,
                    keep_code=record.old_code if rules.keeps_old_code(record.old_code) else None,
                    received_on=received, history=converted.history, migration_event=converted.migration_event,
                    old_unit=record.unit, old_code=record.old_code, record_hash=digest, run_id=run_id, sync=sync)
            except migration_store.AlreadyImported as err:
                if err.reference.record_hash != digest:
                    raise _imported_differently(record, err.reference.code) from None
                report.outcome(ALREADY_IMPORTED)
                continue
            report.outcome(IMPORTED)
            report.count(dossier.unit_code, dossier.status, month)
        except rules.Refused as refused:
            _problem(report, key, line_no, old_code, refused.code, refused.message)
    return report


def _reconcile(report: ChunkReport, record: LegacyDossier, placed: rules.Placed, mapping: MappingTables,
               targets: rules.Targets, run_id: str, hmac: bytes, bucket: str, chunk_key: str) -> None:
    """Compare one old record with what hoso holds for it (its files in hoso's buckets included). A record
    hoso does not hold is a difference — unless import refuses it (its files): then it is that problem."""
    reference = migration_store.find_reference(record.unit, record.old_code)
    stored = migration_store.get_dossier(reference.code) if reference else None
    if reference is None:
        _check_files(record, bucket, chunk_key)
    if reference is None or stored is None:
        report.outcome(DIFFERENCE)
        report.difference(Difference(old_code=record.old_code, code=reference.code if reference else "",
                                     field="missing", expected="hồ sơ được chuyển", found="không có trong hoso"))
        return
    id_key = applicant_id_key(record.applicant.id_number.strip(), hmac)
    expected = rules.convert(record, placed, mapping, targets, run_id=run_id, now=stored.created_at,
                             id_key=id_key).build(stored.code)
    report.count(stored.unit_code, stored.status, month_of(stored.submitted_at))
    found_sum, expected_sum = rules.record_checksum(stored), rules.record_checksum(expected)
    report.add_checksum(found_sum)
    if found_sum == expected_sum:
        if _files_held(report, record, stored):
            report.outcome(MATCHED)
        return
    report.outcome(DIFFERENCE)
    for name in ("unit_code", "procedure_code", "status", "step_id", "due_at", "finished_at", "assignee", "seq"):
        a, b = getattr(expected, name), getattr(stored, name)
        if a != b:
            report.difference(Difference(old_code=record.old_code, code=stored.code, field=name, expected=str(a),
                                         found=str(b)))
            return
    report.difference(Difference(old_code=record.old_code, code=stored.code, field="checksum",
                                 expected=expected_sum, found=found_sum))


def _files_held(report: ChunkReport, record: LegacyDossier, stored: Dossier) -> bool:
    """Every document of the imported dossier is in hoso's bucket with its SHA-256; a difference if not."""
    s = get_settings()
    for ref in stored.documents:
        bucket = s.results_bucket if ref.kind == "result" else s.attachments_bucket
        found = migration_store.stored_sha256(bucket, ref.s3_key)
        if found != ref.sha256:
            report.outcome(DIFFERENCE)
            report.difference(Difference(old_code=record.old_code, code=stored.code, field=f"document {ref.id}",
                                         expected=ref.sha256, found=found or "không có tệp"))
            return False
    return True
